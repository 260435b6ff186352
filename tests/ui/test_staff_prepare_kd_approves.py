"""Staff draft, the Kepala Daerah approves (Permendagri 25/2020 tahap 3 and 6; Perwal Kota
Bekasi 57/2023 Pasal 62 and 66 ayat (1)): the TKKSD files the LoI and generates the surat
penyampaian from the pages; the Kepala Daerah's Kotak Masuk shows the prepared package with
its documents and approves it, or returns it with a note, without a form to fill."""

from __future__ import annotations

import io
import re

from sikd.testing.api import PDF
from sikd.testing.jobs import run_jobs
from sikd.testing.web import csrf, new_coop, text


def _at(api, kinds, today, stage_actions):
    cid = new_coop(api)
    for code, role, action in stage_actions:
        api(code, role).act(cid, action, kinds, today)
    return cid


def _approve_loi(kd, cid: int, inbox: str):
    """The kepala daerah's «Setujui» on the package of ``cid`` in the Kotak Masuk ``inbox``."""
    package = inbox[inbox.index(f'id="paket-{cid}"') :]
    version = re.search(r'name="expected_version" value="(\d+)"', package).group(1)
    return kd.post(
        f"/kerja-sama/{cid}/tindakan/loi_ditandatangani",
        data={"csrf_token": csrf(inbox), "expected_version": version, "kembali": "beranda"},
    )


def test_tkksd_prepares_the_loi_and_the_kepala_daerah_only_approves(web, api, kinds, app):
    from sikd.core import clock

    today = clock.now().date()
    cid = _at(
        api,
        kinds,
        today,
        [
            ("32.75", "tkksd", "lanjut_penjajakan"),
            ("32.75", "kepala_daerah", "sepakat"),
            ("KEMENDAGRI", "sekjen_verifier", "beri_tanggapan"),
            ("KEMLU", "kemlu_reviewer", "beri_tanggapan_kemlu"),
        ],
    )
    tkksd = web("32.75", ["tkksd"])
    page = text(tkksd.get(f"/kerja-sama/{cid}"))
    assert "Siapkan berkas untuk Kepala Daerah" in page
    # the LoI's contents come from the case: judul, the parties, the place, the ruang lingkup
    assert 'value="Kota Kembar Bekasi – Kota Contoh"' in page
    assert "Pemerintah Kota Bekasi dan Pemerintah Kota Contoh" in page
    assert "Pertukaran budaya" in page
    kd = web("32.75", ["kepala_daerah"])
    assert f'id="paket-{cid}"' not in text(kd.get("/beranda"))  # nothing prepared yet
    form = {
        "csrf_token": csrf(page),
        "kind": "loi",
        "kembali_ke": "siapkan",
        "isi_judul": "Kota Kembar Bekasi – Kota Contoh",
        "isi_subjek": "Pemerintah Kota Bekasi dan Pemerintah Kota Contoh",
        "isi_maksud_tujuan": "Mempererat kerja sama",
        "isi_ruang_lingkup": "Pertukaran budaya",
        "isi_tempat_penandatanganan": "Bekasi",
        "isi_tanggal_penandatanganan": today.isoformat(),
        "isi_masa_berlaku_sampai": today.replace(year=today.year + 1).isoformat(),
        "berkas": (io.BytesIO(PDF), "loi.pdf"),
    }
    assert tkksd.post(f"/kerja-sama/{cid}/dokumen", data=form).status_code == 302
    inbox = text(kd.get("/beranda"))
    package = inbox[inbox.index(f'id="paket-{cid}"') :]
    assert "Menunggu persetujuan Anda" in inbox and "Pernyataan Kehendak" in package
    assert "Setujui: LoI telah ditandatangani" in package
    # returning with a note changes no stage and tells the staff
    empty = kd.post(f"/kerja-sama/{cid}/kembalikan-ke-staf", data={"csrf_token": csrf(inbox)})
    assert empty.status_code == 303
    back = kd.post(
        f"/kerja-sama/{cid}/kembalikan-ke-staf",
        data={"csrf_token": csrf(inbox), "catatan": "Masa berlaku diperpendek"},
    )
    assert back.status_code == 302
    notes = text(tkksd.get("/notifikasi"))
    assert "dikembalikan Kepala Daerah" in notes and "Masa berlaku diperpendek" in notes
    outsider = web("32.01", ["kepala_daerah"])
    assert (
        outsider.post(
            f"/kerja-sama/{cid}/kembalikan-ke-staf",
            data={"csrf_token": csrf(text(outsider.get("/beranda"))), "catatan": "x y z"},
        ).status_code
        == 404
    )
    approved = _approve_loi(kd, cid, inbox)
    assert approved.status_code == 302 and approved.headers["Location"].endswith("/beranda")
    assert api("32.75", "tkksd").get(f"/api/v1/cooperations/{cid}").get_json()["stage"] == (
        "penyusunan_rencana"
    )


def test_a_letter_is_generated_from_the_page_and_filed_as_the_document_asked_for(
    web, api, kinds, app
):
    from sikd.core import clock

    today = clock.now().date()
    cid = _at(
        api,
        kinds,
        today,
        [
            ("32.75", "tkksd", "lanjut_penjajakan"),
            ("32.75", "kepala_daerah", "sepakat"),
            ("KEMENDAGRI", "sekjen_verifier", "beri_tanggapan"),
            ("KEMLU", "kemlu_reviewer", "beri_tanggapan_kemlu"),
            ("32.75", "kepala_daerah", "loi_ditandatangani"),
            ("32.75", "opd", "ajukan_telaah"),
        ],
    )
    tkksd = web("32.75", ["tkksd"])
    page = text(tkksd.get(f"/kerja-sama/{cid}"))
    assert 'form="surat-surat_permohonan_dprd"' in page  # the button in the action's list
    made = tkksd.post(
        f"/kerja-sama/{cid}/surat",
        data={"csrf_token": csrf(page), "surat": "surat_permohonan_dprd"},
    )
    assert made.status_code == 302
    shown = text(tkksd.get(f"/kerja-sama/{cid}"))
    assert "sedang dibuat…" in shown and re.search(r"nomor \S+/\d{3}/", shown)
    assert run_jobs(app, "documents") >= 1
    after = text(tkksd.get(f"/kerja-sama/{cid}"))
    assert "sedang dibuat…" not in after and "Surat Permohonan Persetujuan DPRD" in after
    # an unknown letter, or one from another daerah, is refused without a 500
    assert (
        tkksd.post(
            f"/kerja-sama/{cid}/surat", data={"csrf_token": csrf(page), "surat": "x"}
        ).status_code
        == 303
    )
    sekjen = web("KEMENDAGRI", ["sekjen_verifier"])  # sees the case, does not write its letters
    refused = sekjen.post(
        f"/kerja-sama/{cid}/surat",
        data={"csrf_token": csrf(text(sekjen.get("/beranda"))), "surat": "surat_permohonan_dprd"},
    )
    assert refused.status_code == 403 and "TKKSD" in text(refused)
    other = web("32.01", ["tkksd"])
    assert (
        other.post(
            f"/kerja-sama/{cid}/surat",
            data={
                "csrf_token": csrf(text(other.get("/beranda"))),
                "surat": "surat_permohonan_dprd",
            },
        ).status_code
        == 404
    )


def test_the_action_form_files_its_missing_documents_first_and_keeps_them_on_a_refusal(
    web, api, kinds
):
    """Perwal Kota Bekasi 57/2023 Pasal 59 ayat (2), 60 ayat (1): «sepakat» needs the kajian."""
    from sikd.core import clock

    today = clock.now().date()
    cid = _at(api, kinds, today, [("32.75", "tkksd", "lanjut_penjajakan")])
    tkksd = web("32.75", ["tkksd"])
    page = text(tkksd.get(f"/kerja-sama/{cid}"))
    assert f'action="/kerja-sama/{cid}/tindakan/sepakat/dokumen"' in page
    data = {
        "csrf_token": csrf(page),
        "expected_version": re.search(r'name="expected_version" value="(\d+)"', page).group(1),
        "mekanisme": "Kunjungan kerja",
        "dok-kajian-isi_ringkasan": "Ringkas",
        "dok-kajian-berkas": (io.BytesIO(b"not a pdf"), "kajian.pdf"),
    }
    refused = tkksd.post(f"/kerja-sama/{cid}/tindakan/sepakat/dokumen", data=data)
    body = text(refused)
    assert refused.status_code == 422 and "tindakan belum diambil" in body
    assert "berkas yang ditolak perlu dipilih lagi" in body
    assert (
        ">Ringkas</textarea>" in body
        and 'value="Kunjungan kerja"' in body
        or "Kunjungan kerja" in body
    )


def test_the_kepala_daerah_sees_the_most_urgent_packages_and_the_next_after_each_decision(
    web, api, kinds, monkeypatch
):
    """A Kepala Daerah with many prepared packages is shown the first few (the list's order,
    overdue first) and told that the next appears as each is decided; none is lost."""
    from sikd.cooperations import approvals
    from sikd.core import clock

    monkeypatch.setattr(approvals, "PACKAGES_SHOWN", 2)
    today = clock.now().date()
    steps = [
        ("32.75", "tkksd", "lanjut_penjajakan"),
        ("32.75", "kepala_daerah", "sepakat"),
        ("KEMENDAGRI", "sekjen_verifier", "beri_tanggapan"),
        ("KEMLU", "kemlu_reviewer", "beri_tanggapan_kemlu"),
    ]
    ids = [_at(api, kinds, today, steps) for _ in range(3)]
    kd = web("32.75", ["kepala_daerah"])
    inbox = text(kd.get("/beranda"))
    assert not re.findall(r'id="paket-(\d+)"', inbox) and 'id="paket-berikutnya"' not in inbox
    for cid in ids:  # the staff file each LoI: three packages are ready
        assert api("32.75", "tkksd").upload(cid, "loi", kinds, today).status_code == 201
    inbox = text(kd.get("/beranda"))
    shown = [int(i) for i in re.findall(r'id="paket-(\d+)"', inbox)]
    assert len(shown) == 2 and 'id="paket-berikutnya"' in inbox
    assert ">2+</span>" in inbox
    hidden = (set(ids) - set(shown)).pop()
    assert f"/kerja-sama/{hidden}" in inbox  # still listed under Giliran Anda
    assert _approve_loi(kd, shown[0], inbox).status_code == 302
    after = text(kd.get("/beranda"))
    now_shown = {int(i) for i in re.findall(r'id="paket-(\d+)"', after)}
    assert now_shown == set(ids) - {shown[0]} and 'id="paket-berikutnya"' not in after
