"""Documents through the HTTP API: refusals leave nothing behind, authorization first,
short-lived downloads, audited downloads, letters with progress and gap-free numbers."""

from __future__ import annotations

import io
import time
import urllib.parse
import zipfile
from zoneinfo import ZoneInfo

import pytest
from rq import SimpleWorker
from sqlalchemy import func, select

from sikd.core.extensions import db
from sikd.documents.models import Document, DocumentVersion
from sikd.rules import effective_rulebook
from sikd.tenancy.scope import system_scope
from sikd.testing import TEST_PASSWORD
from sikd.testing.api import PDF, ApiUser, fill_fields
from sikd.testing.journeys import SISTER_CITY


@pytest.fixture
def bekasi(client, make_user):
    tkksd = ApiUser(client, make_user("32.75", ["tkksd"]), TEST_PASSWORD)
    cid = tkksd.post("/api/v1/cooperations", json=SISTER_CITY).get_json()["id"]
    return tkksd, cid, effective_rulebook("32.75").as_dict()["document_kinds"]


def counts(app, moto_s3):
    with app.app_context(), system_scope():
        rows = db.session.scalar(select(func.count()).select_from(DocumentVersion))
    import boto3

    s3 = boto3.client("s3", endpoint_url=moto_s3.endpoint_url, region_name="us-east-1")
    try:
        listed = sum(1 for _ in s3.list_object_versions(Bucket=moto_s3.bucket).get("Versions", []))
    except s3.exceptions.NoSuchBucket:
        listed = 0
    return rows, listed


def zip_bomb_docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"0" * (300 * 1024 * 1024))
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("laporan.pdf", b"MZ\x90\x00" + b"\x00" * 4096, "Jenis berkas tidak diizinkan"),
        (
            "kajian.pdf",
            b"<!DOCTYPE html><html><body>halo</body></html>",
            "Jenis berkas tidak diizinkan",
        ),
        ("kajian.docx", None, "zip bomb"),
    ],
)
def test_refused_upload_leaves_no_row_and_no_object(bekasi, app, moto_s3, name, content, words):
    tkksd, cid, kinds = bekasi
    before = counts(app, moto_s3)
    content = content if content is not None else zip_bomb_docx()
    response = tkksd.upload(
        cid, "kajian", kinds, __import__("datetime").date.today(), filename=name, content=content
    )
    assert response.status_code == 422
    assert words in response.get_json()["message"]
    assert counts(app, moto_s3) == before


def test_file_over_50_mb_is_refused(bekasi, app, moto_s3):
    tkksd, cid, kinds = bekasi
    before = counts(app, moto_s3)
    big = PDF + b"0" * (60 * 1024 * 1024)
    response = tkksd.upload(cid, "kajian", kinds, __import__("datetime").date.today(), content=big)
    assert response.status_code in (413, 422)
    assert "50 MB" in response.get_json()["message"]
    assert counts(app, moto_s3) == before


def test_missing_structured_contents_are_named_and_loi_over_a_year_refused_pasal_62_ayat_3(bekasi):
    tkksd, cid, kinds = bekasi
    fields = fill_fields(kinds["loi"], __import__("datetime").date(2026, 3, 1))
    missing = {k: v for k, v in fields.items() if k != "ruang_lingkup"}
    response = tkksd.upload(cid, "loi", kinds, None, fields=missing)
    assert response.status_code == 422
    assert "Ruang lingkup" in response.get_json()["message"]
    too_long = dict(fields, tanggal_penandatanganan="2026-03-01", masa_berlaku_sampai="2027-09-01")
    response = tkksd.upload(cid, "loi", kinds, None, fields=too_long)
    assert response.status_code == 422
    assert "1 tahun" in response.get_json()["message"] and "62" in response.get_json()["message"]


def test_other_tenants_document_is_404_and_downloads_are_audited(bekasi, client, make_user, app):
    tkksd, cid, kinds = bekasi
    up = tkksd.upload(cid, "kajian", kinds, __import__("datetime").date.today())
    assert up.status_code == 201
    doc = up.get_json()
    link = doc["versions"][0]["download"]
    bogor = ApiUser(client, make_user("32.01", ["tkksd"]), TEST_PASSWORD)
    assert bogor.get(link).status_code == 404
    assert bogor.get(f"/api/v1/cooperations/{cid}/documents").status_code == 404
    ok = tkksd.get(link)
    assert ok.status_code == 302
    assert "X-Amz-Expires=300" in ok.headers["Location"]
    assert "attachment" in urllib.parse.unquote(ok.headers["Location"])
    with app.app_context(), system_scope():
        from sikd.audit.models import AuditEntry

        actions = list(
            db.session.scalars(
                select(AuditEntry.action).where(AuditEntry.object_id == str(doc["id"]))
            )
        )
    assert "document.downloaded" in actions and "document.uploaded" in actions


def test_download_link_expires_and_is_only_for_its_user(
    bekasi, app, client, make_user, monkeypatch
):
    import itsdangerous.timed

    tkksd, cid, kinds = bekasi
    up = tkksd.upload(cid, "kajian", kinds, __import__("datetime").date.today()).get_json()
    version = up["versions"][0]["id"]
    colleague = ApiUser(client, make_user("32.75", ["opd"]), TEST_PASSWORD)
    app.config["SIKD_DOWNLOAD_LINK_SECONDS"] = 60
    try:
        link = tkksd.get(f"/api/v1/documents/{up['id']}/versions/{version}/link").get_json()
        assert link["expires_in_seconds"] == 60
        fresh = tkksd.get(link["url"])
        assert fresh.status_code == 302 and "X-Amz-Expires" in fresh.headers["Location"]
        assert colleague.get(link["url"]).status_code == 404  # made for someone else
        later = time.time() + 61  # the link's life has passed (no sleeping: the clock moves on)
        monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: later)
        expired = tkksd.get(link["url"])
        assert expired.status_code == 410
        assert "kedaluwarsa" in expired.get_json()["message"]
    finally:
        app.config.pop("SIKD_DOWNLOAD_LINK_SECONDS", None)


def test_two_letters_at_once_get_consecutive_numbers_and_indonesian_dates(bekasi, app):
    from pypdf import PdfReader

    from sikd.core import clock
    from sikd.core.i18n import format_tanggal
    from sikd.core.jobs import get_queue, get_redis
    from sikd.documents.services import open_version
    from sikd.tenancy.models import TIMEZONES

    tkksd, cid, kinds = bekasi
    context = {
        "tujuan": "Ketua DPRD Kota Bekasi",
        "penandatangan": {"jabatan": "Wali Kota Bekasi", "nama": "Nama Wali Kota"},
    }
    first = tkksd.post(
        f"/api/v1/cooperations/{cid}/letters",
        json={"kind": "surat_permohonan_dprd", "context": context},
    )
    second = tkksd.post(
        f"/api/v1/cooperations/{cid}/letters",
        json={"kind": "surat_penyampaian_rencana", "context": context},
    )
    assert first.status_code == 202 and second.status_code == 202
    a, b = first.get_json(), second.get_json()
    assert a["status"] == "queued" and a["progress"] == 0
    seq = [int(x["nomor"].split("/")[1]) for x in (a, b)]
    assert seq[1] == seq[0] + 1
    with app.app_context():
        SimpleWorker([get_queue("documents")], connection=get_redis()).work(burst=True)
    done = tkksd.get(f"/api/v1/letters/{a['id']}").get_json()
    assert done["status"] == "done" and done["progress"] == 100 and done["document_id"]
    docs = {
        d["kind"]: d for d in tkksd.get(f"/api/v1/cooperations/{cid}/documents").get_json()["items"]
    }
    assert "surat_permohonan_dprd" in docs
    with app.app_context(), system_scope():
        doc = db.session.get(Document, docs["surat_permohonan_dprd"]["id"])
        text = "".join(
            p.extract_text()
            for p in PdfReader(io.BytesIO(open_version(doc.current_version).read())).pages
        )
    assert a["nomor"] in text
    # dated in Kota Bekasi's own day (WIB): from 17:00 UTC that is already the next day
    today_in_bekasi = clock.now().astimezone(ZoneInfo(TIMEZONES["WIB"])).date()
    assert format_tanggal(today_in_bekasi) in " ".join(text.split())


def test_letter_request_without_signer_is_refused_and_takes_no_number(bekasi):
    tkksd, cid, _ = bekasi
    refused = tkksd.post(
        f"/api/v1/cooperations/{cid}/letters",
        json={"kind": "surat_permohonan_dprd", "context": {"tujuan": "Ketua DPRD"}},
    )
    assert refused.status_code == 422
    assert "Penandatangan" in refused.get_json()["message"]
    ok = tkksd.post(
        f"/api/v1/cooperations/{cid}/letters",
        json={
            "kind": "surat_permohonan_dprd",
            "context": {
                "tujuan": "Ketua DPRD",
                "penandatangan": {"jabatan": "Wali Kota", "nama": "Nama"},
            },
        },
    )
    assert ok.get_json()["nomor"].split("/")[1] == "001"
