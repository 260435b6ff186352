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

import io
import logging
import re
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import IO, Any
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert

from sikd.documents.contents import validate_contents
from sikd.documents.models import Document, DocumentVersion, Letter, LetterSequence
from sikd.documents.validation import validate_upload
from sikd.extensions import db
from sikd.storage import ReadableStream, StorageUnavailable, get_storage
from sikd.tenancy.models import KEMENDAGRI, KEMLU, Tenant
from sikd.tenancy.scope import (
    current_tenant_id,
    is_system_scope,
    scoped,
    system_scope,
    tenant_scope,
)

log = logging.getLogger(__name__)

__all__ = [
    "DocumentRefused",
    "DocumentNotFound",
    "StorageUnavailable",
    "object_key",
    "upload_document",
    "supersede_document",
    "download_url",
    "open_version",
    "cleanup_orphans",
    "next_letter_number",
    "format_nomor_surat",
    "request_letter",
    "render_and_store_letter",
]

KEY_PATTERN = re.compile(r"^[^/]+/(umum|\d+)/[0-9a-f-]{36}/v\d+$")
LETTER_SERIES = "kerma"
KLASIFIKASI_KERJA_SAMA = "000.7"


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


def _require_scope(tenant_id: int) -> None:
    current = current_tenant_id()
    if is_system_scope() or current == tenant_id:
        return
    raise TenantMismatch(
        f"tenant scope is {current!r}, call is for tenant {tenant_id}: set_tenant() first"
    )


def _tenant(tenant_id: int) -> Tenant:
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
    _require_scope(tenant_id)
    if document_kind is not None:
        fields = validate_contents(document_kind, fields, regulations)
    tenant = _tenant(tenant_id)
    settings = current_app.config["SIKD_SETTINGS"]
    storage = get_storage()

    validated = validate_upload(fileobj, filename, max_bytes=settings.upload_max_bytes)
    try:
        if document_id is not None:
            document = db.session.execute(
                scoped(Document, tenant_id).where(Document.id == document_id).with_for_update()
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
                fields=fields,
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


def _delete_quietly(key: str, version_id: str | None) -> None:
    try:
        get_storage().delete(key, version_id)
    except Exception:  # noqa: BLE001 - cleanup_orphans will retry
        log.warning("Could not delete object %s after a failed write; left for cleanup", key)


def supersede_document(
    tenant_id: int, document_id: int, reason: str, by: int | None, *, commit: bool = True
) -> Document:
    """Mark a document as no longer counting, with the reason. Its versions stay."""
    _require_scope(tenant_id)
    reason = (reason or "").strip()
    if not reason:
        raise DocumentRefused(
            "reason_required", "Alasan penggantian wajib diisi. Tulis mengapa dokumen ini diganti."
        )
    document = db.session.execute(
        scoped(Document, tenant_id).where(Document.id == document_id).with_for_update()
    ).scalar_one_or_none()
    if document is None:
        raise DocumentNotFound()
    if document.superseded:
        raise DocumentRefused("already_superseded", "Dokumen ini sudah ditandai digantikan.")
    from sikd.clock import now

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
    from sikd.clock import now as clock_now

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


# --------------------------------------------------------------------------------------
# Letter numbers


def next_letter_number(tenant_id: int, year: int, series: str = LETTER_SERIES) -> int:
    """Take the next ordinal of a tenant's yearly letter series, in the caller's transaction.

    ``INSERT … ON CONFLICT DO UPDATE … RETURNING``: a concurrent caller waits on the row
    until this transaction ends, so numbers are consecutive, never duplicated, and a rolled
    back transaction gives its number back.
    """
    _require_scope(tenant_id)
    stmt = insert(LetterSequence).values(tenant_id=tenant_id, year=year, series=series, last=1)
    stmt = stmt.on_conflict_do_update(
        index_elements=[LetterSequence.tenant_id, LetterSequence.year, LetterSequence.series],
        set_={"last": LetterSequence.last + 1},
    ).returning(LetterSequence.last)
    return int(db.session.execute(stmt).scalar_one())


def format_nomor_surat(tenant_code: str, number: int, year: int) -> str:
    unit = {KEMENDAGRI: "SJ", KEMLU: "HPI"}.get(tenant_code, f"Kerma-{tenant_code}")
    return f"{KLASIFIKASI_KERJA_SAMA}/{number:03d}/{unit}/{year}"


# --------------------------------------------------------------------------------------
# Letters


def request_letter(
    tenant_id: int,
    kind: str,
    context: dict[str, Any],
    requested_by: int | None,
    *,
    cooperation_id: int | None = None,
    tanggal: date | None = None,
    fmt: str = "pdf",
    enqueue: Callable[..., Any] | None = None,
) -> Letter:
    """Number a letter now and have it rendered by a job after the commit.

    ``context`` is checked first (:func:`sikd.documents.letters.check_letter_context`),
    so a refused request takes no number.
    """
    from sikd.clock import now
    from sikd.documents.letters import LETTER_KINDS, check_letter_context

    _require_scope(tenant_id)
    if kind not in LETTER_KINDS:
        raise DocumentRefused("unknown_letter_kind", "Jenis surat tidak dikenal.")
    if fmt not in {"pdf", "docx"}:
        raise DocumentRefused("unknown_format", "Format surat harus PDF atau DOCX.")
    clean = check_letter_context(kind, context)
    tenant = _tenant(tenant_id)
    tanggal = tanggal or now().astimezone(ZoneInfo(tenant.tz_name)).date()
    number = next_letter_number(tenant_id, tanggal.year)
    letter = Letter(
        tenant_id=tenant_id,
        kind=kind,
        cooperation_id=cooperation_id,
        nomor=format_nomor_surat(tenant.code, number, tanggal.year),
        sequence_number=number,
        tanggal=tanggal,
        fmt=fmt,
        context=clean,
        status="queued",
        progress=0,
        requested_by=requested_by,
    )
    db.session.add(letter)
    db.session.flush()
    if enqueue is None:
        from sikd_workers.queues import enqueue_after_commit

        enqueue_after_commit(
            "documents", "sikd_workers.documents.render_letter_job", tenant_id, letter.id
        )
        db.session.commit()
    else:
        db.session.commit()
        enqueue(tenant_id, letter.id)
    return letter


def _set_progress(letter: Letter, status: str, progress: int, error: str | None = None) -> None:
    letter.status = status
    letter.progress = progress
    letter.error = error
    db.session.commit()


def render_and_store_letter(tenant_id: int, letter_id: int) -> Letter:
    """Render a queued letter and store it as a Document of the letter's kind (idempotent)."""
    from sikd.documents.letters import LETTER_KINDS, kop_for_tenant, render_letter

    _require_scope(tenant_id)
    letter = db.session.execute(
        scoped(Letter, tenant_id).where(Letter.id == letter_id).with_for_update()
    ).scalar_one_or_none()
    if letter is None:
        raise DocumentNotFound("Surat")
    if letter.status == "done" and letter.document_id is not None:
        db.session.commit()
        return letter
    _set_progress(letter, "rendering", 10)
    try:
        tenant = _tenant(tenant_id)
        context = dict(letter.context)
        if not context.get("kop"):
            context["kop"] = kop_for_tenant(tenant)
        context.update(nomor=letter.nomor, tanggal=letter.tanggal)
        data = render_letter(letter.kind, context, fmt=letter.fmt)
        _set_progress(letter, "rendering", 60)
        spec = LETTER_KINDS[letter.kind]
        label = spec.label
        # The nomor belongs to the issuer (its yearly sequence); the rendered letter belongs
        # to the cooperation's record, which its initiating tenant owns.
        owner_id = _cooperation_owner(letter.cooperation_id) or tenant_id
        with tenant_scope(owner_id):
            version = _store_rendered_letter(owner_id, letter, spec, label, context, data)
        letter.document_id = version.document_id
        _set_progress(letter, "done", 100)
    except Exception as exc:
        db.session.rollback()
        letter = db.session.execute(
            scoped(Letter, tenant_id).where(Letter.id == letter_id)
        ).scalar_one()
        message = (
            str(exc)
            if isinstance(exc, StorageUnavailable | DocumentRefused)
            else "Surat gagal dibuat karena kesalahan sistem. Coba buat ulang suratnya."
        )
        _set_progress(letter, "failed", letter.progress, f"Surat gagal dibuat: {message}")
        raise
    return letter


def _cooperation_owner(cooperation_id: int | None) -> int | None:
    if cooperation_id is None:
        return None
    from sikd.cooperations.models import Cooperation

    with system_scope():
        return db.session.scalar(
            select(Cooperation.tenant_id).where(Cooperation.id == cooperation_id)
        )


def _store_rendered_letter(
    owner_id: int, letter: Letter, spec: Any, label: str, context: dict[str, Any], data: bytes
) -> DocumentVersion:
    from sikd.documents.letters import letter_parts

    return upload_document(
        owner_id,
        letter.cooperation_id,
        spec.filed_as,
        None,
        io.BytesIO(data),
        f"{label} {letter.nomor.replace('/', '-')}.{letter.fmt}",
        letter.requested_by,
        fields={  # the rulebook's fields of a surat
            "nomor_surat": letter.nomor,
            "tanggal_surat": letter.tanggal.isoformat(),
            "perihal": letter_parts(letter.kind, context).perihal,
        },
        title=f"{label} {letter.nomor}",
        commit=False,
    )
