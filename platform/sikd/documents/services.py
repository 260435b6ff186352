"""The only place that changes documents, versions, letters and letter numbers.

Invariant: no half states. Bytes are validated, then stored, then the rows are written; if
the store fails nothing is written (:class:`StorageUnavailable`, HTTP 503); if the database
fails after the bytes were stored the object is deleted at once (best effort), and
:func:`cleanup_orphans` removes whatever such a failure left behind.

Object keys are generated here, never taken from the user:
``{tenant_code}/{cooperation_id or 'umum'}/{document_uuid}/v{n}``.

Nomor surat (documented format, after the Tata Naskah Dinas pattern
*kode klasifikasi / nomor urut / kode unit / tahun*)::

    000.7/{urut:03d}/Kerma-{kode daerah}/{tahun}      e.g. 000.7/007/Kerma-32.75/2026
    000.7/{urut:03d}/SJ/{tahun}                       Kemendagri (Sekretariat Jenderal)
    000.7/{urut:03d}/HPI/{tahun}                      Kemlu (Ditjen Hukum dan Perjanjian Internasional)

``000.7`` is the archive classification used for kerja sama; the ordinal runs per tenant
per calendar year in one series (``kerma``) shared by every cooperation letter, without
gaps or duplicates (:func:`next_letter_number`).
"""

from __future__ import annotations

import logging
import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import IO, Any

from flask import current_app
from sqlalchemy import func, select

from sikd.core import clock as app_clock
from sikd.core.extensions import db
from sikd.core.storage import ReadableStream, get_storage
from sikd.documents.contents import validate_contents
from sikd.documents.models import Document, DocumentVersion
from sikd.documents.validation import validate_upload
from sikd.tenancy.models import Tenant
from sikd.tenancy.scope import (
    current_tenant_id,
    is_system_scope,
    scoped,
    system_scope,
)

log = logging.getLogger(__name__)


KEY_PATTERN = re.compile(r"^[^/]+/(umum|\d+)/[0-9a-f-]{36}/v\d+$")


class DocumentRefused(ValueError):
    """A request about a document is refused; ``message`` is an Indonesian sentence."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class DocumentNotFound(LookupError):
    def __init__(self, what: str = "Dokumen") -> None:
        super().__init__(f"{what} tidak ditemukan. Periksa tautannya atau muat ulang halaman.")


class TenantMismatch(PermissionError):
    """The current tenant scope is not the tenant the call is about."""


def require_scope(tenant_id: int) -> None:
    current = current_tenant_id()
    if is_system_scope() or current == tenant_id:
        return
    raise TenantMismatch(
        f"tenant scope is {current!r}, call is for tenant {tenant_id}: settenant_of() first"
    )


def tenant_of(tenant_id: int) -> Tenant:
    tenant = db.session.get(Tenant, tenant_id)
    if tenant is None:
        raise DocumentNotFound("Instansi")
    return tenant


def object_key(
    tenant_code: str, cooperation_id: int | None, document_uuid: uuid.UUID | str, number: int
) -> str:
    return f"{tenant_code}/{cooperation_id if cooperation_id is not None else 'umum'}/{document_uuid}/v{number}"


# --------------------------------------------------------------------------------------
# Documents


def upload_document(
    tenant_id: int,
    cooperation_id: int | None,
    kind: str,
    stage: str | None,
    fileobj: IO[bytes] | Any,
    filename: str | None,
    uploaded_by: int | None,
    fields: dict[str, Any] | None = None,
    document_id: int | None = None,
    *,
    title: str | None = None,
    document_kind: dict[str, Any] | None = None,
    regulations: dict[str, str] | None = None,
    commit: bool = True,
) -> DocumentVersion:
    """Validate, store and record one upload: a new document, or a new version of one.

    ``document_kind`` is the rulebook kind; when given, ``fields`` are checked against it
    (:func:`sikd.documents.contents.validate_contents`) before any byte is read.
    With ``commit=False`` the rows are only flushed (the caller commits; if that commit
    fails, :func:`cleanup_orphans` removes the stored object later).

    Raises ``ContentsRefused`` / ``UploadRefused`` / :class:`DocumentRefused` (400),
    :class:`DocumentNotFound` (404), :class:`StorageUnavailable` (503).
    """
    require_scope(tenant_id)
    if document_kind is not None:
        fields = validate_contents(document_kind, fields, regulations)
    tenant = tenant_of(tenant_id)
    settings = current_app.config["SIKD_SETTINGS"]
    storage = get_storage()

    validated = validate_upload(fileobj, filename, max_bytes=settings.upload_max_bytes)
    try:
        from sikd.documents.signing import check_upload

        signature = check_upload(validated.file, validated.content_type, tenant.tz_name)
        if document_id is not None:
            # found only through the cooperation it is filed on: an id of another cooperation's
            # document (of this tenant or any other) is not there
            document = db.session.execute(
                scoped(Document, tenant_id)
                .where(Document.id == document_id, _filed_on(cooperation_id))
                .with_for_update()
            ).scalar_one_or_none()
            if document is None:
                raise DocumentNotFound()
            if document.superseded:
                raise DocumentRefused(
                    "superseded",
                    "Dokumen ini sudah digantikan. Unggah berkas baru sebagai dokumen baru.",
                )
            if kind != document.kind:
                raise DocumentRefused(
                    "kind_mismatch",
                    "Jenis dokumen tidak sama dengan dokumen yang diperbarui. "
                    "Pilih jenis yang sama atau unggah sebagai dokumen baru.",
                )
            number = (
                db.session.scalar(
                    select(func.max(DocumentVersion.number)).where(
                        DocumentVersion.tenant_id == tenant_id,
                        DocumentVersion.document_id == document.id,
                    )
                )
                or 0
            ) + 1
            doc_uuid = document.uuid
        else:
            document = None
            number = 1
            doc_uuid = uuid.uuid4()

        key = object_key(tenant.code, cooperation_id, doc_uuid, number)
        stored = storage.put_stream(key, validated.file, validated.content_type)

        try:
            if document is None:
                document = Document(
                    tenant_id=tenant_id,
                    uuid=doc_uuid,
                    cooperation_id=cooperation_id,
                    kind=kind,
                    stage=stage,
                    title=(title or validated.filename)[:255],
                    created_by=uploaded_by,
                )
                db.session.add(document)
            elif stage is not None:
                document.stage = stage
            version = DocumentVersion(
                tenant_id=tenant_id,
                document=document,
                number=number,
                filename=validated.filename,
                content_type=validated.content_type,
                size=validated.size,
                sha256=validated.sha256,
                storage_key=key,
                storage_version_id=stored.version_id,
                uploaded_by=uploaded_by,
                uploaded_at=app_clock.now(),  # the app's clock, like every other instant
                fields=fields,
                signature=signature,
            )
            db.session.add(version)
            db.session.flush()
            document.current_version_id = version.id
            db.session.flush()
            if commit:
                db.session.commit()
        except BaseException:
            if commit:
                db.session.rollback()
            _delete_quietly(key, stored.version_id)
            raise
        return version
    except BaseException:
        if commit:  # the service owns the transaction: release the row lock, write nothing
            db.session.rollback()
        raise
    finally:
        validated.close()


def _filed_on(cooperation_id: int | None):
    if cooperation_id is None:
        return Document.cooperation_id.is_(None)
    return Document.cooperation_id == cooperation_id


def _delete_quietly(key: str, version_id: str | None) -> None:
    try:
        get_storage().delete(key, version_id)
    except Exception:  # noqa: BLE001 - cleanup_orphans will retry
        log.warning("Could not delete object %s after a failed write; left for cleanup", key)


def supersede_document(
    tenant_id: int,
    document_id: int,
    reason: str,
    by: int | None,
    *,
    cooperation_id: int | None = None,
    commit: bool = True,
) -> Document:
    """Mark a document of that cooperation as no longer counting, with the reason. Its versions
    stay."""
    require_scope(tenant_id)
    reason = (reason or "").strip()
    if not reason:
        raise DocumentRefused(
            "reason_required", "Alasan penggantian wajib diisi. Tulis mengapa dokumen ini diganti."
        )
    query = scoped(Document, tenant_id).where(Document.id == document_id)
    if cooperation_id is not None:  # found through the cooperation the caller may act on
        query = query.where(_filed_on(cooperation_id))
    document = db.session.execute(query.with_for_update()).scalar_one_or_none()
    if document is None:
        raise DocumentNotFound()
    if document.superseded:
        raise DocumentRefused("already_superseded", "Dokumen ini sudah ditandai digantikan.")
    from sikd.core.clock import now

    document.superseded = True
    document.superseded_reason = reason
    document.superseded_at = now()
    document.superseded_by = by
    if commit:
        db.session.commit()
    else:
        db.session.flush()
    return document


def download_url(version: DocumentVersion, expires_seconds: int = 300) -> str | None:
    """A short-lived URL for an authorized download, or None (local store: stream it)."""
    return get_storage().presigned_download_url(
        version.storage_key, version.storage_version_id, version.filename, expires_seconds
    )


def open_version(version: DocumentVersion) -> ReadableStream:
    return get_storage().open(version.storage_key, version.storage_version_id)


def cleanup_orphans(
    grace: timedelta = timedelta(hours=1), *, now: datetime | None = None, prefix: str = ""
) -> list[str]:
    """Delete stored objects that no version row refers to and that are older than ``grace``.

    Only keys of the server-generated shape are considered. Returns the deleted keys.
    """
    from sikd.core.clock import now as clock_now

    cutoff = (now or clock_now()) - grace
    storage = get_storage()
    removed: list[str] = []
    batch: list[str] = []

    def flush_batch() -> None:
        if not batch:
            return
        known = set(
            db.session.scalars(
                select(DocumentVersion.storage_key).where(DocumentVersion.storage_key.in_(batch))
            )
        )
        for key in batch:
            if key not in known:
                storage.delete(key)
                removed.append(key)
                log.info("Removed orphan object %s", key)
        batch.clear()

    with system_scope():
        for info in storage.list_objects(prefix):
            modified = info.last_modified
            if modified.tzinfo is None:
                modified = modified.replace(tzinfo=UTC)
            if modified > cutoff or not KEY_PATTERN.match(info.key):
                continue
            batch.append(info.key)
            if len(batch) >= 500:
                flush_batch()
        flush_batch()
    return removed
