"""The domestic-cooperation API refuses bad input the way the rest of the API does: 422 with
the JSON error body, the field named by its Indonesian label, unknown names refused; never a
500 (a year beyond the database integer, a LIKE pattern ending in its escape character)."""

from __future__ import annotations

from sikd.testing.journeys import SISTER_CITY

BEKASI, BOGOR, JABAR = "32.75", "32.01", "32"


def _refused(response) -> dict[str, list[str]]:
    assert response.status_code == 422, (response.status_code, response.get_json())
    body = response.get_json()
    assert body["code"] == "invalid_input" and body["message"].startswith("Isian belum benar")
    return body["errors"]


def test_the_partner_picker_searches_wildcards_literally(cast, app_ctx):
    tkksd = cast(BEKASI, "tkksd")
    found = tkksd.get("/api/v1/partners?q=Bogor")
    assert found.status_code == 200
    assert BOGOR in [p["code"] for p in found.get_json()["items"]]
    for pattern in ("_", "%", "\\", "Bogor\\"):
        response = tkksd.get("/api/v1/partners", query_string={"q": pattern})
        assert response.status_code == 200, (pattern, response.get_json())
        assert response.get_json()["items"] == [], pattern
    errors = _refused(tkksd.get("/api/v1/partners", query_string={"q": "x" * 101}))
    assert errors == {"query.q": ["Pencarian paling banyak 100 karakter."]}


def test_the_supervision_queue_refuses_unknown_phases_years_and_names(cast, app_ctx):
    gubernur = cast(JABAR, "gubernur_verifier")
    assert gubernur.get("/api/v1/supervision?year=2026").status_code == 200
    errors = _refused(gubernur.get("/api/v1/supervision?year=99999999999"))
    assert errors == {"query.year": ["Tahun paling kecil 1 dan paling besar 9999."]}
    errors = _refused(gubernur.get("/api/v1/supervision/report-draft?phase=teguran"))
    assert errors["query.phase"][0].startswith("Tahap pengawasan harus salah satu dari: penjajakan")
    errors = _refused(gubernur.get("/api/v1/supervision?tahap=negosiasi"))  # a typo
    assert "Kolom ini tidak dikenal" in errors["query.tahap"][0]


def test_domestic_bodies_name_the_field_and_refuse_unknown_ones(cast, app_ctx):
    tkksd, gubernur = cast(BEKASI, "tkksd"), cast(JABAR, "gubernur_verifier")
    created = tkksd.post("/api/v1/cooperations", json=SISTER_CITY)
    assert created.status_code == 201, created.get_json()
    cid = created.get_json()["id"]

    errors = _refused(
        tkksd.post(
            f"/api/v1/cooperations/{cid}/facts",
            json={"fact": "membebani_masyarakat", "value": True, "alasn": "APBD 2026"},
        )
    )
    assert errors["alasan"] == ["Alasan wajib diisi."]
    assert "Kolom ini tidak dikenal" in errors["alasn"][0]

    score = {"candidate": "CV Sinar Kota", "criterion": "komitmen", "score": 101, "note": "x"}
    errors = _refused(tkksd.post(f"/api/v1/cooperations/{cid}/selection", json=score))
    assert errors == {"score": ["Nilai paling kecil 1 dan paling besar 100."]}

    note = {"kind": "teguran", "text": "y" * 4001}
    errors = _refused(gubernur.post(f"/api/v1/supervision/cooperations/{cid}/notes", json=note))
    assert errors["kind"] == [
        "Jenis catatan harus salah satu dari: pembinaan, temuan, permintaan_keterangan."
    ]
    assert errors["text"] == ["Isi catatan harus 1–4000 karakter."]

    report = {"year": 2026, "summary": "Ringkasan.", "period": "p" * 41}
    errors = _refused(gubernur.post("/api/v1/supervision/reports", json=report))
    assert errors == {"period": ["Periode paling banyak 40 karakter."]}
