"""A document is found only through the cooperation in the URL, which the caller may act on.

Regressions of the outside test: Kemlu, holding one Kota Bekasi cooperation, added a version
to another Bekasi cooperation's kajian (and moved its stage, audited on the wrong cooperation),
through the API and the upload form; the same inside one tenant. Every document path (upload,
download, link, supersede) answers 404 for a document of another cooperation and changes nothing.
"""

from __future__ import annotations

import io
import json
import re

import pytest

from sikd.core import clock
from sikd.testing import PDF, TEST_PASSWORD, fill_fields, login
from sikd.testing.security import carry_to_kemlu, create
from sikd.testing.tenant_state import audit_actions, changed, fingerprint, tenant_tables


@pytest.fixture
def two_cooperations(cast, kinds, app_ctx):
    """A: a Bekasi KSDPL now with Kemlu. B: another Bekasi KSDPL with a kajian, never sent up."""
    today = clock.now().date()
    a = carry_to_kemlu(cast, kinds, today, "Kota Kembar Bekasi – Kota Contoh")
    b = create(cast, "Kerja Sama Bekasi – Kota Lain")
    up = cast["opd"].upload(b, "kajian", kinds, today, filename="kajian-b.pdf")
    assert up.status_code == 201, up.get_json()
    doc = up.get_json()
    return a, b, doc["id"], doc["versions"][0]["id"], today


def _state(owner_engine, tenant):
    bekasi = tenant("32.75").id
    tables = tenant_tables(owner_engine)
    return lambda: (fingerprint(owner_engine, bekasi, tables), audit_actions(owner_engine, bekasi))


def _upload(user, coop_id, kinds, today, document_id, kind="kajian"):
    return user.post(
        f"/api/v1/cooperations/{coop_id}/documents",
        data={
            "kind": kind,
            "fields": json.dumps(fill_fields(kinds[kind], today)),
            "document_id": str(document_id),
            "file": (io.BytesIO(PDF), "kajian-palsu.pdf"),
        },
        content_type="multipart/form-data",
    )


def test_kemlu_cannot_write_into_another_cooperations_document_through_the_api(
    cast, kinds, two_cooperations, owner_engine, tenant
):
    a, b, doc_b, _, today = two_cooperations
    state = _state(owner_engine, tenant)
    before = state()
    # Kemlu holds A and may upload there; the document id belongs to B, which it cannot see
    response = _upload(cast["kemlu"], a, kinds, today, doc_b)
    assert response.status_code == 404, response.get_json()
    assert response.get_json()["code"] == "not_found"
    after = state()
    assert changed(before[0], after[0]) == []
    assert after[1] == before[1]  # nothing audited, on A or on B
    versions = cast["tkksd"].get(f"/api/v1/cooperations/{b}/documents").get_json()["items"]
    assert [len(d["versions"]) for d in versions] == [1]


def test_inside_one_tenant_a_document_of_another_cooperation_is_not_there(
    cast, kinds, two_cooperations, owner_engine, tenant
):
    _, b, doc_b, _, today = two_cooperations
    c = create(cast, "Kerja Sama Bekasi – Kota Ketiga")
    state = _state(owner_engine, tenant)
    before = state()
    response = _upload(cast["opd"], c, kinds, today, doc_b)
    assert response.status_code == 404, response.get_json()
    after = state()
    assert changed(before[0], after[0]) == [] and after[1] == before[1]
    # filed on its own cooperation, a new version is fine
    ok = _upload(cast["opd"], b, kinds, today, doc_b)
    assert ok.status_code == 201, ok.get_json()
    assert [v["number"] for v in ok.get_json()["versions"]] == [1, 2]


def test_the_upload_form_finds_the_document_through_its_cooperation_too(
    app, cast, kinds, two_cooperations, owner_engine, tenant
):
    a, _, doc_b, _, today = two_cooperations
    browser = app.test_client()
    login(browser, cast["kemlu"].user.email, TEST_PASSWORD)
    page = browser.get(f"/kerja-sama/{a}")
    assert page.status_code == 200
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True))
    state = _state(owner_engine, tenant)
    before = state()
    form = {
        "csrf_token": csrf.group(1),
        "kind": "kajian",
        "document_id": str(doc_b),
        "berkas": (io.BytesIO(PDF), "kajian-palsu.pdf"),
    }
    for name, value in fill_fields(kinds["kajian"], today).items():
        form[f"isi_{name}"] = "\n".join(value) if isinstance(value, list) else str(value)
    response = browser.post(
        f"/kerja-sama/{a}/dokumen", data=form, content_type="multipart/form-data"
    )
    assert response.status_code == 404
    assert "tidak ditemukan" in response.get_data(as_text=True)
    after = state()
    assert changed(before[0], after[0]) == [] and after[1] == before[1]


def test_every_path_to_another_cooperations_document_is_a_404(
    app, cast, kinds, two_cooperations, owner_engine, tenant
):
    a, b, doc_b, version_b, _ = two_cooperations
    kemlu, tkksd = cast["kemlu"], cast["tkksd"]
    docs_a = tkksd.get(f"/api/v1/cooperations/{a}/documents").get_json()["items"]
    doc_a, version_a = docs_a[0]["id"], docs_a[0]["versions"][0]["id"]
    # Kemlu may read A's documents ...
    assert kemlu.get(f"/api/v1/documents/{doc_a}/versions/{version_a}/link").status_code == 200
    state = _state(owner_engine, tenant)
    before = state()
    # ... but nothing of B, by any path
    for path in (
        f"/api/v1/documents/{doc_b}/versions/{version_b}/download",
        f"/api/v1/documents/{doc_b}/versions/{version_b}/link",
    ):
        assert kemlu.get(path).status_code == 404, path
    page = app.test_client().get(f"/dokumen/{doc_b}/versi/{version_b}/unduh", headers=kemlu.headers)
    assert page.status_code == 404
    supersede = kemlu.post(f"/api/v1/documents/{doc_b}/supersede", json={"reason": "palsu"})
    assert supersede.status_code == 404
    # a version id paired with another document's id is not that document's version
    assert tkksd.get(f"/api/v1/documents/{doc_a}/versions/{version_b}/download").status_code == 404
    assert tkksd.get(f"/api/v1/documents/{doc_b}/versions/{version_a}/link").status_code == 404
    after = state()
    assert changed(before[0], after[0]) == [] and after[1] == before[1]
