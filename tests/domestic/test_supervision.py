"""Pembinaan dan pengawasan of domestic cooperation by the Gubernur and Kemendagri
(Permendagri 23/2009 Pasal 2-4, 9-13) through the HTTP API, on the shipped rulebooks."""

from __future__ import annotations

from datetime import date

from sikd.testing.domestic import kinds_of, ksdd

BEKASI, BOGOR, JABAR, JATENG, DEPOK = "32.75", "32.01", "32", "33", "32.76"


def _phase_in_queue(gubernur, cid) -> str | None:
    body = gubernur.get("/api/v1/supervision").get_json()
    return next((i["phase"] for i in body["items"] if i["cooperation"]["id"] == cid), None)


def test_jawa_barat_supervises_bekasis_ksdd_at_each_phase_and_reports_pasal_3_4_13(cast, app_ctx):
    """Pasal 3-4: the Gubernur supervises its kota's KSDD at penjajakan, negosiasi,
    penandatanganan, pelaksanaan and pengakhiran; Pasal 9-10: pembinaan, findings and requests
    for information reach the daerah; Pasal 13: the Gubernur's report to the Menteri lists them."""
    kinds, today = kinds_of(BEKASI), date.today()
    for role in ("kepala_daerah", "tkksd"):
        cast(BOGOR, role)
    gubernur = cast(JABAR, "gubernur_verifier")
    cid = (
        cast(BEKASI, "opd")
        .post("/api/v1/cooperations", json=ksdd(BOGOR, "Penanganan Banjir DAS Kali Bekasi"))
        .get_json()["id"]
    )
    seen = [_phase_in_queue(gubernur, cid)]
    cast(BEKASI, "opd").act(cid, "ajukan_kak", kinds, today)
    cast(BEKASI, "tkksd").act(cid, "setujui", kinds, today)
    cast(BEKASI, "kepala_daerah").act(cid, "kirim_penawaran", kinds, today)
    cast(BOGOR, "kepala_daerah").act(cid, "terima", kinds, today)
    seen.append(_phase_in_queue(gubernur, cid))
    cast(BEKASI, "opd").upload(cid, "kesepakatan_bersama", kinds, today)
    cast(BEKASI, "tkksd").act(cid, "ajukan_pembahasan", kinds, today)
    cast(BOGOR, "tkksd").act(cid, "disepakati", kinds, today)
    seen.append(_phase_in_queue(gubernur, cid))
    cast(BEKASI, "kepala_daerah").act(cid, "tandatangani", kinds, today)
    cast(BOGOR, "kepala_daerah").act(cid, "tandatangani", kinds, today)
    cast(BEKASI, "opd").upload(cid, "perjanjian_kerja_sama", kinds, today)
    cast(BEKASI, "tkksd").act(cid, "ajukan_pembahasan", kinds, today)
    cast(BOGOR, "tkksd").act(cid, "disepakati", kinds, today)
    cast(BEKASI, "kepala_daerah").act(cid, "tandatangani", kinds, today)
    cast(BOGOR, "kepala_daerah").act(cid, "tandatangani", kinds, today)
    cast(BEKASI, "tkksd").act(cid, "catat", kinds, today)
    cast(BOGOR, "tkksd").act(cid, "catat", kinds, today)
    seen.append(_phase_in_queue(gubernur, cid))
    assert seen == ["penjajakan", "negosiasi", "penandatanganan", "pelaksanaan"]
    only = gubernur.get("/api/v1/supervision?phase=pelaksanaan").get_json()["items"]
    assert [i["cooperation"]["id"] for i in only] == [cid]
    assert gubernur.get("/api/v1/supervision?phase=negosiasi").get_json()["items"] == []

    # pembinaan, a finding and a request for information reach Kota Bekasi
    for kind, text in (
        ("pembinaan", "Lengkapi rencana aksi dengan indikator."),
        ("temuan", "Laporan semester I belum disampaikan."),
        ("permintaan_keterangan", "Sampaikan realisasi anggaran 2026."),
    ):
        response = gubernur.post(
            f"/api/v1/supervision/cooperations/{cid}/notes", json={"kind": kind, "text": text}
        )
        assert response.status_code == 201, response.get_json()
    notes = cast(BEKASI, "tkksd").get(f"/api/v1/supervision/cooperations/{cid}/notes")
    assert [n["kind"] for n in notes.get_json()["items"]] == [
        "pembinaan",
        "temuan",
        "permintaan_keterangan",
    ]
    told = cast(BEKASI, "tkksd").get("/api/v1/notifications").get_json()["items"]
    assert any("Permintaan keterangan" in n["title"] for n in told)

    # another Gubernur, a kota, or a note kind outside Pasal 9-10 get nothing
    jateng = cast(JATENG, "gubernur_verifier")
    assert _phase_in_queue(jateng, cid) is None
    denied = jateng.post(
        f"/api/v1/supervision/cooperations/{cid}/notes", json={"kind": "temuan", "text": "x"}
    )
    assert denied.status_code == 404
    assert cast(DEPOK, "tkksd").get("/api/v1/supervision").status_code == 403
    bad = gubernur.post(
        f"/api/v1/supervision/cooperations/{cid}/notes", json={"kind": "teguran", "text": "x"}
    )
    assert bad.status_code == 422

    # pengakhiran (Pasal 4 huruf d)
    cast(BEKASI, "kepala_daerah").act(cid, "akhiri", kinds, today)
    assert _phase_in_queue(gubernur, cid) == "pengakhiran"

    # Pasal 13: the report to the Menteri lists the cooperation with its notes
    sent = gubernur.post(
        "/api/v1/supervision/reports",
        json={"year": today.year, "period": f"Tahun {today.year}", "summary": "Satu KSDD."},
    )
    assert sent.status_code == 201, sent.get_json()
    (item,) = sent.get_json()["items"]
    assert item["cooperation_id"] == cid and item["phase"] == "pengakhiran"
    assert len(item["notes"]) == 3
    menteri = cast("KEMENDAGRI", "sekjen_verifier")
    received = menteri.get("/api/v1/supervision/reports").get_json()["items"]
    assert [r["items"][0]["cooperation_id"] for r in received] == [cid]
    assert (
        cast(JATENG, "gubernur_verifier").get("/api/v1/supervision/reports").get_json()["items"]
        == []
    )


def test_kemendagri_supervises_the_provinces_domestic_cooperation_pasal_2(cast, app_ctx):
    """Pasal 2: the Menteri supervises the provinsi's cooperation; the kab/kota's are the
    Gubernur's (Pasal 3)."""
    provinsi = (
        cast(JABAR, "opd")
        .post("/api/v1/cooperations", json=ksdd(JATENG, "Konektivitas Jawa Barat-Jawa Tengah"))
        .get_json()["id"]
    )
    kota = (
        cast(BEKASI, "opd")
        .post("/api/v1/cooperations", json=ksdd(BOGOR, "Transportasi Bekasi-Bogor"))
        .get_json()["id"]
    )
    menteri = cast("KEMENDAGRI", "sekjen_verifier")
    ids = [i["cooperation"]["id"] for i in menteri.get("/api/v1/supervision").get_json()["items"]]
    assert ids == [provinsi]
    assert _phase_in_queue(cast(JABAR, "gubernur_verifier"), kota) == "penjajakan"
    assert _phase_in_queue(cast(JABAR, "gubernur_verifier"), provinsi) is None
