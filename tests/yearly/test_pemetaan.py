"""Pemetaan, every year (Perwal Bekasi 57/2023 Pasal 5–20): Kota Bekasi's TKKSD opens the year,
two Perangkat Daerah submit their recommendations (one returned as incomplete, Pasal 14(2), then
completed), the pleno's berita acara lists the programmes with their priorities (Pasal 15–16),
the Wali Kota's Keputusan is uploaded (Pasal 17–18), and the list becomes the reference a new
KSDPK (its KAK, Pasal 38(1)) or a daerah-initiated KSDPL (Pasal 58(3)) must rest on."""

from __future__ import annotations

import io
from datetime import date

from sikd.testing import PDF
from sikd.testing.journeys import SISTER_CITY
from sikd.testing.running import at, people

TEAM = [{"nama": "Rina Wulandari", "jabatan": "Kepala Bidang Perencanaan"}]
FULL = {
    "masalah": "Pengelolaan sampah belum mencapai target pengurangan 30%.",
    "target_kinerja": "Pengurangan sampah 30% melalui kerja sama pengolahan.",
    "kebijakan_tindakan": "Kerja sama pengolahan sampah menjadi energi.",
    "jangka_waktu_ruang_lingkup": "5 tahun; pengolahan sampah di TPST Bantargebang.",
}
KSDPK = {
    "type": "KSDPK",
    "subtype": "lainnya",
    "title": "Kerja Sama Pengolahan Sampah Menjadi Energi",
    "partner_name": "PT Energi Bersih",
    "partner_kind": "badan_usaha",
}


def ok(response, status=200):
    assert response.status_code == status, response.get_json()
    return response.get_json()


def run_pemetaan(app, p) -> dict:
    at(app, date(2027, 2, 1), p)
    cycle = ok(p["tkksd"].post("/api/v1/pemetaan", json={"year": 2027}), 201)
    url = f"/api/v1/pemetaan/{cycle['id']}"
    assert p["opd"].post("/api/v1/pemetaan", json={"year": 2028}).status_code == 403
    # Pasal 10: the team's members are recorded
    no_team = {"perangkat_daerah": "Dinas Lingkungan Hidup", **FULL}
    assert p["opd"].post(f"{url}/rekomendasi", json=no_team).status_code == 422
    dlh = ok(p["opd"].post(f"{url}/rekomendasi", json={**no_team, "tim_anggota": TEAM}), 201)
    partial = {"perangkat_daerah": "Dinas Perhubungan", "tim_anggota": TEAM}
    dishub = ok(p["opd"].post(f"{url}/rekomendasi", json={**partial, "masalah": "Kemacetan"}), 201)
    assert set(dishub["belum_lengkap"]) == {
        "target_kinerja",
        "kebijakan_tindakan",
        "jangka_waktu_ruang_lingkup",
    }

    # Pasal 14: the TKKSD cannot pass an incomplete one; it returns it with a note
    check = f"/api/v1/pemetaan/rekomendasi/{dishub['id']}/periksa"
    refused = p["tkksd"].post(check, json={"lengkap": True}).get_json()
    assert refused["code"] == "rekomendasi_belum_lengkap"
    ok(p["tkksd"].post(check, json={"lengkap": False, "catatan": "Lengkapi Pasal 12 b-d"}))
    ok(p["tkksd"].post(f"/api/v1/pemetaan/rekomendasi/{dlh['id']}/periksa", json={"lengkap": True}))
    pleno = {
        "skala_prioritas": "1. Persampahan; 2. Transportasi",
        "daftar": [{"rekomendasi_id": dlh["id"], "judul": "Pengolahan sampah", "prioritas": 1}],
    }
    assert ok(p["tkksd"].post(f"{url}/pleno", json=pleno), 409)["code"] == (
        "rekomendasi_belum_lengkap"
    )  # Pasal 15: the pleno waits for the returned one

    opd = p["opd"]
    again = f"/api/v1/pemetaan/rekomendasi/{dishub['id']}"
    ok(opd.client.put(again, headers=opd.headers, json={**partial, **FULL}))
    ok(p["tkksd"].post(check, json={"lengkap": True}))
    pleno["daftar"].append(
        {"rekomendasi_id": dishub["id"], "judul": "Angkutan massal", "prioritas": 2}
    )
    done = ok(p["tkksd"].post(f"{url}/pleno", json=pleno))
    assert done["status"] == "penetapan"
    assert [(d["code"], d["perangkat_daerah"]) for d in done["daftar"]] == [
        ("PEM-2027-01", "Dinas Lingkungan Hidup"),
        ("PEM-2027-02", "Dinas Perhubungan"),
    ]
    assert ok(p["tkksd"].get("/api/v1/pemetaan"))["berlaku"] is None  # not before the Keputusan

    form = {"nomor": "100.3.3.2/Kep.45-Bag.KS/II/2027", "tanggal": "2027-02-20"}
    decree = dict(form, berkas=(io.BytesIO(PDF), "keputusan.pdf"))
    in_force = ok(p["kd"].post(f"{url}/keputusan", data=decree, content_type="multipart/form-data"))
    assert in_force["status"] == "berlaku" and in_force["keputusan"]["nomor"] == form["nomor"]
    return in_force


def test_a_year_of_pemetaan_to_a_keputusan_pasal_10_to_18(app, client, make_user):
    p = people(client, make_user, "32.75")
    run_pemetaan(app, p)
    listed = ok(p["opd"].get("/api/v1/pemetaan"))["berlaku"]
    assert [d["code"] for d in listed["daftar"]] == ["PEM-2027-01", "PEM-2027-02"]
    assert listed["berita_acara"]["skala_prioritas"].startswith("1. Persampahan")
    # another daerah sees none of it
    solo = people(client, make_user, "33.72")
    assert ok(solo["tkksd"].get("/api/v1/pemetaan"))["berlaku"] is None
    assert solo["tkksd"].get(f"/api/v1/pemetaan/{listed['id']}").status_code == 404


def test_new_ksdpk_must_rest_on_a_pemetaan_item_pasal_38_and_58(app, client, make_user):
    p = people(client, make_user, "32.75")
    run_pemetaan(app, p)
    refused = p["opd"].post("/api/v1/cooperations", json=KSDPK)
    assert refused.status_code == 422
    body = refused.get_json()
    assert body["code"] == "pemetaan_wajib" and "Pasal 38(1)" in body["basis"]
    assert "PEM-2027-01" in body["errors"]["pemetaan_ref"][0]
    wrong = p["opd"].post("/api/v1/cooperations", json={**KSDPK, "pemetaan_ref": "PEM-2026-09"})
    assert wrong.status_code == 422

    made = ok(
        p["opd"].post("/api/v1/cooperations", json={**KSDPK, "pemetaan_ref": "PEM-2027-01"}), 201
    )
    # the documented exception: no item, a reason recorded
    exception = {**KSDPK, "title": "Kerja Sama Darurat Banjir", "pemetaan_pengecualian": "x"}
    assert p["opd"].post("/api/v1/cooperations", json=exception).status_code == 422
    exception["pemetaan_pengecualian"] = "Penanganan darurat banjir di luar siklus pemetaan"
    ok(p["opd"].post("/api/v1/cooperations", json=exception), 201)

    # a KSDPL the daerah initiates too (Pasal 58(3)); one a foreign partner initiates does not
    sister = {k: v for k, v in SISTER_CITY.items() if k != "pemetaan_ref"}
    assert p["opd"].post("/api/v1/cooperations", json=sister).status_code == 422
    by_partner = {**sister, "prakarsa_origin": "mitra_luar_negeri"}
    assert p["opd"].post("/api/v1/cooperations", json=by_partner).status_code == 201

    # the register shows which items became cooperation
    daftar = ok(p["tkksd"].get("/api/v1/pemetaan"))["berlaku"]["daftar"]
    assert {d["code"]: d["kerja_sama"] for d in daftar} == {
        "PEM-2027-01": [made["id"]],
        "PEM-2027-02": [],
    }


def test_next_years_pemetaan_is_prompted_pasal_20(app, client, make_user, cli):
    p = people(client, make_user, "32.75")
    run_pemetaan(app, p)

    def prompted() -> bool:
        items = p["tkksd"].get("/api/v1/notifications").get_json()["items"]
        return any("pemetaan 2028" in n["title"] for n in items)

    assert cli("deadlines", "run", "--now", "2027-12-01T08:00:00+07:00").exit_code == 0
    assert not prompted()
    assert cli("deadlines", "run", "--now", "2028-01-21T08:00:00+07:00").exit_code == 0
    assert prompted()
