"""The pages of domestic cooperation: the wizard's partner picker, both sides and their facts
on the detail page, the KSDPK scoring form and the Gubernur's supervision page (Perwal Kota
Bekasi 57/2023 Pasal 23, 27, 39; Permendagri 23/2009 Pasal 3-4)."""

from __future__ import annotations

import re
from datetime import date

from sikd.testing import login
from sikd.testing.domestic import kinds_of, ksdpk

BEKASI, BOGOR, JABAR = "32.75", "32.01", "32"


def _csrf(page: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, "page has no CSRF token"
    return match.group(1)


def _browser(app, user):
    web = app.test_client()
    assert login(web, user.email).status_code == 302
    return web


def test_wizard_picks_the_partner_daerah_and_detail_shows_both_sides_pasal_23_27(
    app, cast, make_user, app_ctx
):
    """Pasal 23: the offer goes to the partner daerah picked from the registry; Pasal 27: each
    side's TKKSD sets its own DPRD facts from the detail page, with a reason."""
    for role in ("kepala_daerah", "tkksd"):
        cast(BOGOR, role)
    opd = make_user(BEKASI, ["opd"])
    web = _browser(app, opd)
    page = web.get("/kerja-sama/baru").get_data(as_text=True)
    assert '<option value="32.01">Kabupaten Bogor</option>' in page
    assert '<option value="32.75">' not in page  # not with itself
    created = web.post(
        "/kerja-sama/baru",
        data={
            "csrf_token": _csrf(page),
            "type": "KSDD",
            "subtype": "wajib",
            "title": "Penanganan Banjir Kali Bekasi",
            "partner_name": "",
            "partner_tenant_code": BOGOR,
            "partner_kind": "pemerintah_daerah",
            "prakarsa_origin": "daerah",
        },
    )
    assert created.status_code == 302, created.get_data(as_text=True)[:2000]
    cid = int(created.headers["Location"].rstrip("/").split("/")[-1])
    detail = web.get(created.headers["Location"]).get_data(as_text=True)
    assert "Para pihak" in detail and "Pemerintah Kabupaten Bogor" in detail
    assert "daerah mitra memakai SIKD" in detail

    tkksd = make_user(BEKASI, ["tkksd"])
    tweb = _browser(app, tkksd)
    detail = tweb.get(f"/kerja-sama/{cid}").get_data(as_text=True)
    assert 'name="fact" value="membebani_masyarakat"' in detail
    assert 'name="fact" value="mitra_membebani_masyarakat"' not in detail  # Bogor's own
    no_reason = tweb.post(
        f"/kerja-sama/{cid}/fakta",
        data={"csrf_token": _csrf(detail), "fact": "membebani_masyarakat", "value": "1"},
        follow_redirects=True,
    )
    assert "Tuliskan alasan" in no_reason.get_data(as_text=True)
    done = tweb.post(
        f"/kerja-sama/{cid}/fakta",
        data={
            "csrf_token": _csrf(detail),
            "fact": "membebani_masyarakat",
            "value": "1",
            "alasan": "Retribusi baru bagi warga",
        },
        follow_redirects=True,
    )
    assert "✔ Membebani masyarakat dan daerah" in done.get_data(as_text=True)


def test_scoring_form_and_supervision_page_pasal_39_and_pmdn23_pasal_4(
    app, cast, make_user, app_ctx
):
    kinds, today = kinds_of(BEKASI), date.today()
    body = ksdpk("Penerangan Jalan Umum LED", facts=["beberapa_calon_mitra"])
    cid = cast(BEKASI, "opd").post("/api/v1/cooperations", json=body).get_json()["id"]
    cast(BEKASI, "opd").act(cid, "ajukan_kak", kinds, today)
    cast(BEKASI, "tkksd").act(cid, "setujui", kinds, today)
    web = _browser(app, make_user(BEKASI, ["tkksd"]))
    page = web.get(f"/kerja-sama/{cid}").get_data(as_text=True)
    assert "Penilaian calon mitra" in page and 'name="criterion"' in page
    saved = web.post(
        f"/kerja-sama/{cid}/penilaian",
        data={
            "csrf_token": _csrf(page),
            "candidate": "PT Lampu Hemat",
            "criterion": "bonafiditas",
            "score": "88",
            "note": "Akta dan laporan keuangan diaudit",
        },
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Penilaian calon mitra tersimpan" in saved and "PT Lampu Hemat" in saved
    assert "Akta dan laporan keuangan diaudit" in saved and "belum lengkap" in saved
    out_of_range = web.post(
        f"/kerja-sama/{cid}/penilaian",
        data={
            "csrf_token": _csrf(page),
            "candidate": "PT Lampu Hemat",
            "criterion": "komitmen",
            "score": "150",
            "note": "x",
        },
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "antara 1 dan 100" in out_of_range

    ksdd = (
        cast(BEKASI, "opd")
        .post(
            "/api/v1/cooperations",
            json={
                "type": "KSDD",
                "subtype": "sukarela",
                "title": "Transportasi Bekasi-Bogor",
                "partner_tenant_code": BOGOR,
                "partner_kind": "pemerintah_daerah",
            },
        )
        .get_json()["id"]
    )
    gweb = _browser(app, make_user(JABAR, ["gubernur_verifier"]))
    queue = gweb.get("/pengawasan?tahap=penjajakan").get_data(as_text=True)
    assert "Transportasi Bekasi-Bogor" in queue and "Penerangan Jalan Umum LED" in queue
    noted = gweb.post(
        f"/pengawasan/{ksdd}/catatan",
        data={"csrf_token": _csrf(queue), "kind": "pembinaan", "text": "Libatkan BPBD."},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Catatan pembinaan" in noted and "Libatkan BPBD." in noted
    kota = _browser(app, make_user(BEKASI, ["tkksd"]))
    assert "Antrean pembinaan" in kota.get("/pengawasan", follow_redirects=True).get_data(
        as_text=True
    )
