"""Outgoing letters: numbered in the issuer's yearly series when requested, rendered by a job,
and filed as a document of the cooperation."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from sikd.core.extensions import db
from sikd.core.storage import StorageUnavailable
from sikd.documents.letterhead import format_number, kop_of, number_parts
from sikd.documents.letters import LETTER_KINDS, check_letter_context
from sikd.documents.models import DocumentVersion, Letter
from sikd.documents.rendering import letter_parts, render_letter
from sikd.documents.services import (
    DocumentNotFound,
    DocumentRefused,
    require_scope,
    tenant_of,
    upload_document,
)
from sikd.tenancy.models import KEMENDAGRI, KEMLU
from sikd.tenancy.scope import (
    scoped,
    system_scope,
    tenant_scope,
)
from sikd.tenancy.sequences import next_number

log = logging.getLogger(__name__)


LETTER_SERIES = "kerma"
RENDER_LETTER = "sikd.documents.tasks.render_letter_job"
KLASIFIKASI_KERJA_SAMA = "000.7"


# --------------------------------------------------------------------------------------
# Letter numbers


def next_letter_number(tenant_id: int, year: int, series: str = LETTER_SERIES) -> int:
    """Take the next ordinal of a tenant's yearly letter series, in the caller's transaction.

    ``INSERT … ON CONFLICT DO UPDATE … RETURNING``: a concurrent caller waits on the row
    until this transaction ends, so numbers are consecutive, never duplicated, and a rolled
    back transaction gives its number back.
    """
    require_scope(tenant_id)
    return next_number(tenant_id, year, series)


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
    from sikd.core.clock import now

    require_scope(tenant_id)
    if kind not in LETTER_KINDS:
        raise DocumentRefused("unknown_letter_kind", "Jenis surat tidak dikenal.")
    if fmt not in {"pdf", "docx"}:
        raise DocumentRefused("unknown_format", "Format surat harus PDF atau DOCX.")
    clean = check_letter_context(kind, context)
    tenant = tenant_of(tenant_id)
    tanggal = tanggal or now().astimezone(ZoneInfo(tenant.tz_name)).date()
    number = next_letter_number(tenant_id, tanggal.year)
    letter = Letter(
        tenant_id=tenant_id,
        kind=kind,
        cooperation_id=cooperation_id,
        nomor=format_number(number_parts(tenant), number, tanggal),
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
        from sikd.core.jobs import enqueue_after_commit, with_backoff

        enqueue_after_commit(
            "documents",
            RENDER_LETTER,
            tenant_id,
            letter.id,
            job_id=letter_job_id(tenant_id, letter.id),
            retry=with_backoff(),
        )
        db.session.commit()
    else:
        db.session.commit()
        enqueue(tenant_id, letter.id)
    return letter


def letter_job_id(tenant_id: int, letter_id: int) -> str:
    """One job id per letter: the relay sees whether its rendering is still on its way."""
    return f"letter-render-{tenant_id}-{letter_id}"


def _set_progress(letter: Letter, status: str, progress: int, error: str | None = None) -> None:
    letter.status = status
    letter.progress = progress
    letter.error = error
    db.session.commit()


def render_and_store_letter(tenant_id: int, letter_id: int) -> Letter:
    """Render a queued letter and store it as a Document of the letter's kind (idempotent)."""
    require_scope(tenant_id)
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
        tenant = tenant_of(tenant_id)
        context = dict(letter.context)
        if not context.get("kop"):
            context["kop"] = kop_of(tenant)  # the issuer's own letterhead (Pengaturan Kop Surat)
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
