"""Downloads of any file name, audited only when served (regressions of the outside test).

A file named ``Naskah – Jepang 東京.pdf`` uploaded fine, but its download built the
Content-Disposition by hand: not Latin-1, so gunicorn refused the response (500), and the failed
download had already been audited as a download. Now the name is encoded per RFC 6266/5987 by the
framework (``send_file(download_name=...)``, the same header on the S3 link), the response says
``nosniff``, and only a download that is served lands on the audit chain.
"""

from __future__ import annotations

import urllib.request

import pytest
from werkzeug.http import parse_options_header

from sikd.core import clock
from sikd.core.storage_local import LocalStorage
from sikd.testing import PDF, TEST_PASSWORD, login
from sikd.testing.security import create
from sikd.testing.tenant_state import audit_actions

NAME = "Naskah – Jepang 東京.pdf"


@pytest.fixture
def local_storage(app, tmp_path, monkeypatch):
    """The local object store (``var/objects``), where the app streams the bytes itself."""
    store = LocalStorage(tmp_path / "objects")
    monkeypatch.setitem(app.extensions, "sikd_storage", store)
    return store


@pytest.fixture
def uploaded(cast, kinds, app_ctx):
    cid = create(cast, "Kota Kembar Bekasi – Tokyo")
    up = cast["opd"].upload(cid, "kajian", kinds, clock.now().date(), filename=NAME)
    assert up.status_code == 201, up.get_json()
    doc = up.get_json()
    assert doc["versions"][0]["filename"] == NAME
    return doc["id"], doc["versions"][0]["id"]


def _downloads(owner_engine, tenant) -> int:
    return sum(
        a == "document.downloaded" for a, _ in audit_actions(owner_engine, tenant("32.75").id)
    )


def assert_attachment_named(header: str) -> None:
    header.encode("latin-1")  # what a WSGI server (gunicorn) accepts in a header (PEP 3333)
    kind, params = parse_options_header(header)
    assert kind == "attachment"
    assert params["filename"] == NAME


def test_a_non_latin_name_streams_from_the_local_store_and_is_audited_once(
    app, cast, local_storage, uploaded, owner_engine, tenant
):
    doc_id, version_id = uploaded
    before = _downloads(owner_engine, tenant)
    response = cast["tkksd"].get(f"/api/v1/documents/{doc_id}/versions/{version_id}/download")
    assert response.status_code == 200
    assert response.data == PDF
    assert_attachment_named(response.headers["Content-Disposition"])
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert _downloads(owner_engine, tenant) == before + 1
    # the page's download link, signed in through the form
    browser = app.test_client()
    login(browser, cast["tkksd"].user.email, TEST_PASSWORD)
    page = browser.get(f"/dokumen/{doc_id}/versi/{version_id}/unduh")
    assert page.status_code == 200 and page.data == PDF
    assert_attachment_named(page.headers["Content-Disposition"])
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert _downloads(owner_engine, tenant) == before + 2


def test_a_download_that_fails_is_not_audited_as_a_download(
    cast, local_storage, uploaded, owner_engine, tenant
):
    doc_id, version_id = uploaded
    for key in list(local_storage.list_keys()):  # the object is lost from the store
        local_storage.delete(key)
    before = _downloads(owner_engine, tenant)
    response = cast["tkksd"].get(f"/api/v1/documents/{doc_id}/versions/{version_id}/download")
    assert response.status_code == 404
    assert response.get_json()["code"] == "object_missing"
    assert "tidak ditemukan di penyimpanan" in response.get_json()["message"]
    assert _downloads(owner_engine, tenant) == before


def test_the_s3_link_carries_the_same_encoded_name(cast, uploaded, owner_engine, tenant):
    doc_id, version_id = uploaded
    before = _downloads(owner_engine, tenant)
    response = cast["tkksd"].get(f"/api/v1/documents/{doc_id}/versions/{version_id}/download")
    assert response.status_code == 302
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    with urllib.request.urlopen(response.headers["Location"], timeout=5) as s3:  # noqa: S310 - moto
        assert s3.read() == PDF
        assert_attachment_named(s3.headers["Content-Disposition"])
    assert _downloads(owner_engine, tenant) == before + 1
