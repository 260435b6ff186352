"""Document uploads against real PostgreSQL and moto's S3 server over HTTP: versions, no
half states when S3 or the database fails, orphan cleanup, gap-free letter numbers."""

from __future__ import annotations

import hashlib
import io
import os
import threading
import urllib.request
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from werkzeug.http import parse_options_header

from sikd.core.extensions import db
from sikd.core.storage import StorageUnavailable, get_storage
from sikd.documents.issuing import format_nomor_surat, next_letter_number
from sikd.documents.models import Document, DocumentVersion, Letter
from sikd.documents.services import (
    DocumentNotFound,
    DocumentRefused,
    cleanup_orphans,
    download_url,
    open_version,
    supersede_document,
    upload_document,
)
from sikd.documents.validation import UploadRefused
from sikd.tenancy.scope import set_tenant, system_scope
from sikd.tenancy.sequences import LetterSequence
from sikd.testing.harness import start_moto, stop_moto


def pdf_bytes(n: int = 50_000) -> bytes:
    return b"%PDF-1.7\n" + os.urandom(n) + b"\n%%EOF\n"


def keys_under(prefix: str) -> list[str]:
    return sorted(get_storage().list_keys(prefix))


def count(model) -> int:
    with system_scope():
        return db.session.scalar(select(func.count()).select_from(model))


# -- upload and versions ------------------------------------------------------------------


def test_upload_stores_bytes_under_a_server_key_and_records_the_version(bekasi, make_user):
    user = make_user("32.75", ["opd"])
    data = pdf_bytes()
    version = upload_document(
        bekasi.id, 41, "loi", "pernyataan_kehendak", io.BytesIO(data),
        "../../LoI Bekasi–Xiamen.pdf", user.id, fields={"judul": "LoI"},
    )  # fmt: skip
    document = version.document
    assert version.number == 1
    assert version.storage_key == f"32.75/41/{document.uuid}/v1"
    assert version.filename == "LoI Bekasi–Xiamen.pdf"
    assert version.sha256 == hashlib.sha256(data).hexdigest()
    assert version.size == len(data) and version.content_type == "application/pdf"
    assert version.storage_version_id  # the bucket is versioned
    assert document.current_version_id == version.id
    assert document.created_by == user.id and document.kind == "loi"
    assert open_version(version).read() == data


def test_new_upload_adds_a_version_and_keeps_the_old_one(bekasi):
    first = upload_document(
        bekasi.id, None, "kajian", "penjajakan", io.BytesIO(pdf_bytes()), "kajian.pdf", None
    )
    old_bytes = open_version(first).read()
    second = upload_document(
        bekasi.id, None, "kajian", "penjajakan", io.BytesIO(pdf_bytes()), "kajian-revisi.pdf",
        None, document_id=first.document_id,
    )  # fmt: skip
    assert second.number == 2 and second.document_id == first.document_id
    assert second.storage_key.startswith("32.75/umum/") and second.storage_key.endswith("/v2")
    document = db.session.get(Document, first.document_id)
    assert document.current_version_id == second.id
    assert [v.number for v in document.versions] == [1, 2]
    assert open_version(first).read() == old_bytes  # nothing overwritten


def test_document_of_another_tenant_cannot_get_a_version(bekasi, tenant):
    first = upload_document(bekasi.id, None, "kajian", None, io.BytesIO(pdf_bytes()), "a.pdf", None)
    db.session.commit()
    other = tenant("32.16")
    set_tenant(other.id)
    with pytest.raises(DocumentNotFound):
        upload_document(
            other.id, None, "kajian", None, io.BytesIO(pdf_bytes()), "b.pdf", None,
            document_id=first.document_id,
        )  # fmt: skip
    # row-level security: the other tenant does not even see the row without a filter
    assert db.session.scalar(select(func.count()).select_from(Document)) == 0


def test_supersede_needs_a_reason_and_keeps_every_version(bekasi, make_user):
    user = make_user("32.75", ["tkksd"])
    v1 = upload_document(bekasi.id, 9, "loi", None, io.BytesIO(pdf_bytes()), "loi.pdf", user.id)
    with pytest.raises(DocumentRefused) as err:
        supersede_document(bekasi.id, v1.document_id, "   ", user.id)
    assert err.value.message.startswith("Alasan penggantian wajib diisi.")
    document = supersede_document(bekasi.id, v1.document_id, "LoI ditandatangani ulang", user.id)
    assert document.superseded and document.superseded_reason == "LoI ditandatangani ulang"
    assert document.superseded_by == user.id and document.superseded_at is not None
    with pytest.raises(DocumentRefused) as err:
        upload_document(
            bekasi.id, 9, "loi", None, io.BytesIO(pdf_bytes()), "loi2.pdf", user.id,
            document_id=v1.document_id,
        )  # fmt: skip
    assert err.value.code == "superseded"
    assert count(DocumentVersion) == 1 and open_version(v1).read().startswith(b"%PDF")


def test_refused_upload_writes_nothing(bekasi):
    before = keys_under("32.75/")
    with pytest.raises(UploadRefused):
        upload_document(
            bekasi.id, None, "kajian", None, io.BytesIO(b"MZ\x90\x00" + b"\x00" * 9000),
            "kajian.pdf", None,
        )  # fmt: skip
    assert count(Document) == 0 and count(DocumentVersion) == 0
    assert keys_under("32.75/") == before


def test_structured_contents_are_checked_before_any_byte_is_stored(bekasi):
    from sikd.documents.contents import ContentsRefused

    loi_kind = {
        "fields": [
            {"name": "tanggal_penandatanganan", "label": "Tanggal penandatanganan",
             "type": "date", "required": True},
            {"name": "masa_berlaku_sampai", "label": "Masa berlaku sampai", "type": "date",
             "required": True},
        ],
        "checks": [{"check": "max_span", "from": "tanggal_penandatanganan",
                    "to": "masa_berlaku_sampai", "amount": 1, "unit": "tahun",
                    "basis": "PERWAL57 Pasal 62(3)"}],
    }  # fmt: skip
    before = keys_under("32.75/")
    with pytest.raises(ContentsRefused) as err:
        upload_document(
            bekasi.id, 3, "loi", None, io.BytesIO(pdf_bytes()), "loi.pdf", None,
            fields={"tanggal_penandatanganan": "2026-11-22", "masa_berlaku_sampai": "2028-01-01"},
            document_kind=loi_kind,
        )  # fmt: skip
    assert "Pasal 62(3)" in err.value.message
    assert keys_under("32.75/") == before and count(DocumentVersion) == 0
    ok = upload_document(
        bekasi.id, 3, "loi", None, io.BytesIO(pdf_bytes()), "loi.pdf", None,
        fields={"tanggal_penandatanganan": "2026-11-22", "masa_berlaku_sampai": "2027-11-22"},
        document_kind=loi_kind,
    )  # fmt: skip
    assert ok.fields == {
        "tanggal_penandatanganan": "2026-11-22",
        "masa_berlaku_sampai": "2027-11-22",
    }


def test_presigned_download_is_an_attachment_with_the_display_name(bekasi):
    data = pdf_bytes(1000)
    version = upload_document(
        bekasi.id, None, "kajian", None, io.BytesIO(data), "Kajian Kota Bekasi.pdf", None
    )
    url = download_url(version, expires_seconds=60)
    with urllib.request.urlopen(url, timeout=5) as resp:  # noqa: S310 - local moto server
        assert resp.read() == data
        kind, params = parse_options_header(resp.headers["Content-Disposition"])
        assert (kind, params["filename"]) == ("attachment", "Kajian Kota Bekasi.pdf")


# -- failures: no half states -----------------------------------------------------------


def test_s3_down_gives_storage_unavailable_and_writes_no_row(bekasi, moto_s3):
    port = stop_moto(moto_s3)
    try:
        with pytest.raises(StorageUnavailable) as err:
            upload_document(
                bekasi.id, None, "kajian", None, io.BytesIO(pdf_bytes()), "kajian.pdf", None
            )
        assert str(err.value) == (
            "Penyimpanan berkas sedang tidak dapat dihubungi. Coba lagi beberapa saat lagi."
        )
    finally:
        start_moto(moto_s3, port)
    assert count(Document) == 0 and count(DocumentVersion) == 0
    # and the service works again once S3 is back
    upload_document(bekasi.id, None, "kajian", None, io.BytesIO(pdf_bytes()), "kajian.pdf", None)
    assert count(DocumentVersion) == 1


def test_database_failure_after_store_deletes_the_object(bekasi):
    before = keys_under("32.75/")
    with pytest.raises(Exception) as err:  # noqa: PT011 - any database error
        upload_document(  # uploaded_by refers to no user: the INSERT fails in PostgreSQL
            bekasi.id, None, "kajian", None, io.BytesIO(pdf_bytes()), "kajian.pdf", 999_999
        )
    assert "foreign key" in str(err.value).lower()
    assert count(Document) == 0
    assert keys_under("32.75/") == before


def test_object_left_when_s3_and_db_fail_together_is_removed_by_cleanup(
    app, bekasi, moto_s3, monkeypatch
):
    storage = get_storage()
    real_put = storage.put_stream
    state = {}

    def put_then_lose_s3(*args, **kwargs):
        stored = real_put(*args, **kwargs)
        state["key"] = stored.key
        state["port"] = stop_moto(moto_s3)  # S3 goes away right after accepting the bytes
        return stored

    monkeypatch.setattr(storage, "put_stream", put_then_lose_s3)
    try:
        with pytest.raises(Exception):  # noqa: B017,PT011 - the database refuses the row
            upload_document(
                bekasi.id, None, "kajian", None, io.BytesIO(pdf_bytes()), "kajian.pdf", 999_999
            )
    finally:
        start_moto(moto_s3, state["port"])
    monkeypatch.undo()
    orphan = state["key"]
    assert storage.exists(orphan)  # the best-effort delete could not reach S3

    kept = upload_document(bekasi.id, 5, "kajian", None, io.BytesIO(pdf_bytes()), "b.pdf", None)
    db.session.commit()
    from sikd.core.clock import now

    assert orphan not in cleanup_orphans(timedelta(hours=1))  # still within the grace period
    removed = cleanup_orphans(timedelta(hours=1), now=now() + timedelta(hours=2))
    assert orphan in removed and kept.storage_key not in removed
    assert not storage.exists(orphan)
    assert storage.exists(kept.storage_key)
    assert open_version(kept).read().startswith(b"%PDF")


def test_cleanup_job_runs_in_its_own_context(bekasi):
    from sikd.documents.tasks import cleanup_orphans_job

    storage = get_storage()
    stray = "32.75/umum/00000000-0000-4000-8000-000000000000/v1"
    storage.put_stream(stray, io.BytesIO(b"sisa"), "application/pdf")
    assert cleanup_orphans_job(grace_hours=0) >= 1
    assert not storage.exists(stray)


# -- letter numbers -----------------------------------------------------------------------


def test_nomor_surat_format():
    assert format_nomor_surat("32.75", 7, 2026) == "000.7/007/Kerma-32.75/2026"
    assert format_nomor_surat("KEMENDAGRI", 1234, 2027) == "000.7/1234/SJ/2027"


def test_letter_numbers_run_per_tenant_per_year_and_rollback_returns_the_number(bekasi, tenant):
    assert next_letter_number(bekasi.id, 2026) == 1
    assert next_letter_number(bekasi.id, 2026) == 2
    db.session.commit()
    assert next_letter_number(bekasi.id, 2026) == 3
    db.session.rollback()  # the letter was never made: its number is given back
    assert next_letter_number(bekasi.id, 2026) == 3
    assert next_letter_number(bekasi.id, 2027) == 1
    db.session.commit()
    other = tenant("32.16")
    set_tenant(other.id)
    assert next_letter_number(other.id, 2026) == 1
    db.session.commit()


def test_concurrent_letters_get_consecutive_numbers_without_duplicates(app, bekasi):
    tenant_id = bekasi.id
    db.session.commit()
    barrier = threading.Barrier(2)
    results: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def number_letters(hold: float) -> None:
        try:
            with app.app_context():
                set_tenant(tenant_id)
                barrier.wait()
                for _ in range(10):
                    n = next_letter_number(tenant_id, 2026)
                    if hold:
                        threading.Event().wait(hold)  # keep the row locked a moment
                    db.session.commit()
                    with lock:
                        results.append(n)
                db.session.remove()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=number_letters, args=(h,)) for h in (0.02, 0.0)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    assert sorted(results) == list(range(1, 21))  # no gaps, no duplicates
    with system_scope():
        row = db.session.get(LetterSequence, (tenant_id, 2026, "kerma"))
        assert row.last == 20
    assert count(Letter) == 0
