"""Malformed requests get 400/404/422 with the JSON error body, never a 500, and what the
user must fix is said in Indonesian, naming the field by its label.

Each case here was a 500 (or an English message) found by an outside test: ids beyond the
PostgreSQL integer range, JSON bodies that are not objects or have the wrong types.
"""

from __future__ import annotations

import re
from datetime import date

import pytest

from sikd.rules import effective_rulebook
from sikd.testing import TEST_PASSWORD, ApiUser, login
from sikd.testing.journeys import SISTER_CITY

HUGE = 99999999999  # > 2**31 - 1: a DataError in PostgreSQL if it reached a query
ENGLISH = re.compile(
    r"Length must|Shorter than|Longer than|Not a valid|Missing data|Unknown field|Must be "
    r"|Invalid input type|Field may not|per \d+ minute"
)


@pytest.fixture
def bekasi(client, make_user):
    tkksd = ApiUser(client, make_user("32.75", ["tkksd"]), TEST_PASSWORD)
    created = tkksd.post("/api/v1/cooperations", json=SISTER_CITY)
    assert created.status_code == 201, created.get_json()
    cid = created.get_json()["id"]
    kinds = effective_rulebook("32.75").as_dict()["document_kinds"]
    doc = tkksd.upload(cid, "kajian", kinds, date.today()).get_json()
    return tkksd, cid, doc["id"], doc["current_version_id"]


def assert_error_body(response, status: int | tuple[int, ...]) -> dict:
    statuses = status if isinstance(status, tuple) else (status,)
    assert response.status_code in statuses, (response.status_code, response.get_data(True))
    body = response.get_json()
    assert isinstance(body, dict) and isinstance(body.get("code"), str), body
    assert body["message"] and not ENGLISH.search(str(body)), body
    return body


def test_ids_beyond_the_integer_range_are_not_found_everywhere(bekasi):
    tkksd, cid, doc, version = bekasi
    gets = [
        f"/api/v1/cooperations/{HUGE}",
        f"/api/v1/cooperations/{HUGE}/actions",
        f"/api/v1/cooperations/{HUGE}/timeline",
        f"/api/v1/cooperations/{HUGE}/documents",
        f"/api/v1/letters/{HUGE}",
        f"/api/v1/documents/{HUGE}/versions/{version}/download",
        f"/api/v1/documents/{doc}/versions/{HUGE}/download",
        f"/api/v1/documents/{HUGE}/versions/{HUGE}/link",
    ]
    for path in gets:
        assert assert_error_body(tkksd.get(path), 404)["code"] == "not_found", path
    posts = [
        (f"/api/v1/cooperations/{HUGE}/actions/lanjut_penjajakan", {"inputs": {}}),
        (f"/api/v1/documents/{HUGE}/supersede", {"reason": "salah unggah"}),
        (f"/api/v1/cooperations/{HUGE}/letters", {"kind": "surat_permohonan_dprd"}),
    ]
    for path, body in posts:
        assert assert_error_body(tkksd.post(path, json=body), 404)["code"] == "not_found", path
    revoke = tkksd.client.delete(f"/api/v1/auth/tokens/{HUGE}", headers=tkksd.headers)
    assert_error_body(revoke, 404)


def test_web_pages_with_huge_ids_are_not_found(client, make_user):
    user = make_user("32.75", ["tkksd", "tenant_admin"])
    assert login(client, user.email).status_code == 302
    for path in (
        f"/kerja-sama/{HUGE}",
        f"/dokumen/{HUGE}/versi/1/unduh",
        f"/admin/pengguna/{HUGE}",
    ):
        response = client.get(path)
        assert response.status_code == 404, (path, response.status_code)
        assert "tidak ditemukan" in response.get_data(True).lower()


def test_json_bodies_that_are_not_objects_or_have_wrong_types_are_422(bekasi, client, make_user):
    tkksd, cid, doc, _ = bekasi
    # not signed in, a list instead of {"email", "password"}: was a 500 in the limiter's key
    token = client.post("/api/v1/auth/tokens", json=[1])
    assert assert_error_body(token, 422)["errors"]["_schema"]
    cases = [
        ("/api/v1/notifications/read", {"ids": "abc"}, "ids"),
        (f"/api/v1/cooperations/{cid}/letters", {"kind": ["a"]}, "kind"),
        (f"/api/v1/documents/{doc}/supersede", {"reason": 5}, "reason"),
        (f"/api/v1/cooperations/{cid}/actions/lanjut_penjajakan", {"inputs": [1]}, "inputs"),
        (f"/api/v1/cooperations/{cid}/actions/lanjut_penjajakan", [1], "_schema"),
        ("/api/v1/cooperations", {**SISTER_CITY, "estimated_cost": 10**30}, "estimated_cost"),
        ("/api/v1/cooperations", {**SISTER_CITY, "title": "Judul\x00nol"}, "title"),
        ("/api/v1/cooperations", {**SISTER_CITY, "objek": ["x" * 500]}, "objek.0"),
    ]
    for path, payload, field in cases:
        body = assert_error_body(tkksd.post(path, json=payload), 422)
        assert field in body["errors"], (path, body)
    admin = ApiUser(client, make_user("32.75", ["tenant_admin"]), TEST_PASSWORD)
    variant = admin.post("/api/v1/rules/variant", json={"yaml": 5, "effective_from": "2099-01-01"})
    assert "yaml" in assert_error_body(variant, 422)["errors"]
    broken = tkksd.client.post(
        "/api/v1/cooperations",
        data="{bukan json",
        headers={**tkksd.headers, "Content-Type": "application/json"},
    )
    assert_error_body(broken, (400, 422))
    upload = tkksd.client.post(
        f"/api/v1/cooperations/{cid}/documents",
        data={
            "kind": "kajian",
            "document_id": "abc",
            "file": (__import__("io").BytesIO(b"x"), "a.pdf"),
        },
        headers=tkksd.headers,
    )
    assert "document_id" in assert_error_body(upload, 422)["errors"]


def test_field_errors_are_indonesian_and_name_the_field(bekasi):
    tkksd, *_ = bekasi
    refused = tkksd.post(
        "/api/v1/cooperations",
        json={**SISTER_CITY, "title": "x", "partner_country": "JPN", "type": "LAIN", "bogus": 1},
    )
    body = assert_error_body(refused, 422)
    assert body["errors"]["title"] == ["Judul harus 3–300 karakter."]
    assert body["errors"]["partner_country"] == [
        "Kode negara mitra (ISO 3166, dua huruf) harus tepat 2 karakter."
    ]
    assert body["errors"]["type"][0].startswith("Jenis kerja sama harus salah satu dari: KSDPL")
    assert body["errors"]["bogus"] == [
        "Kolom ini tidak dikenal. Hapus dari permintaan; lihat /api/v1/docs."
    ]
    missing = tkksd.post("/api/v1/cooperations", json={"type": "KSDPL"})
    assert assert_error_body(missing, 422)["errors"]["title"] == ["Judul wajib diisi."]
    paged = tkksd.get("/api/v1/cooperations?per_page=500&year=tahun")
    errors = assert_error_body(paged, 422)["errors"]
    assert errors["query.per_page"] == ["Jumlah per halaman paling kecil 1 dan paling besar 200."]
    assert errors["query.year"] == ["Tahun harus berupa bilangan bulat."]
    typo = tkksd.get("/api/v1/cooperations?stauts=berjalan")  # not silently unfiltered
    assert assert_error_body(typo, 422)["errors"]["query.stauts"] == [
        "Kolom ini tidak dikenal. Hapus dari permintaan; lihat /api/v1/docs."
    ]


def test_the_api_rate_limit_is_said_in_indonesian(client, make_user):
    user = make_user("32.75", ["tkksd"])
    for _ in range(5):
        wrong = client.post("/api/v1/auth/tokens", json={"email": user.email, "password": "salah!"})
        assert wrong.status_code == 401
    limited = client.post("/api/v1/auth/tokens", json={"email": user.email, "password": "salah!"})
    body = assert_error_body(limited, 429)
    assert body["code"] == "rate_limited"
    assert "Tunggu 15 menit" in body["message"]
