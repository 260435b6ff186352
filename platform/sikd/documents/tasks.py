"""RQ jobs for documents. They take ids, open their own app context, and set the tenant.

A letter row is the source of truth for its rendering: ``queued``, ``rendering`` or ``failed``
means there is no document yet. The job is retried by RQ with backoff, and
:func:`relay_pending_letters` (periodic) enqueues again what is still not done after a grace
period and has no job on its way.
"""

from __future__ import annotations

import logging
from datetime import timedelta

log = logging.getLogger(__name__)

UNFINISHED = ("queued", "rendering", "failed")
GRACE_MINUTES = 15
MAX_AGE_DAYS = 3  # an older unfinished letter waits for its author to request it again
_LOCK_NAMESPACE = 7_300_003  # pg_advisory_lock(namespace, letter id)


def render_letter_job(tenant_id: int, letter_id: int) -> int | None:
    """Render a numbered letter and store it as a Document; returns the document id."""
    from sqlalchemy import text

    from sikd.core.extensions import db
    from sikd.core.jobs import app_context
    from sikd.documents.issuing import render_and_store_letter
    from sikd.tenancy.scope import tenant_scope

    with app_context(), tenant_scope(tenant_id):
        # Rendering commits its progress, so the lock lives on a connection of its own: a
        # relayed copy of this job waits, then finds the letter done (no second document).
        params = {"ns": _LOCK_NAMESPACE, "id": letter_id}
        with db.engine.connect() as lock:
            lock.execute(text("select pg_advisory_lock(:ns, :id)"), params)
            try:
                letter = render_and_store_letter(tenant_id, letter_id)
            finally:
                lock.execute(text("select pg_advisory_unlock(:ns, :id)"), params)
                lock.commit()
        return letter.document_id


def relay_pending_letters(grace_minutes: float = GRACE_MINUTES) -> int:
    """Enqueue again every letter not done ``grace_minutes`` after its last change whose job is
    gone (a failed enqueue, a lost Redis, a crashed worker, retries used up)."""
    from sqlalchemy import select

    from sikd.core import clock
    from sikd.core.extensions import db
    from sikd.core.jobs import app_context, relay
    from sikd.documents.issuing import RENDER_LETTER, letter_job_id
    from sikd.documents.models import Letter
    from sikd.tenancy.models import Tenant
    from sikd.tenancy.scope import system_scope

    with app_context(), system_scope():
        now = clock.now()
        rows = db.session.execute(
            select(Letter.tenant_id, Letter.id)
            .where(
                Letter.tenant_id.in_(select(Tenant.id)),  # the (tenant_id, status) index
                Letter.status.in_(UNFINISHED),
                Letter.created_at >= now - timedelta(days=MAX_AGE_DAYS),
                Letter.updated_at < now - timedelta(minutes=grace_minutes),
            )
            .order_by(Letter.id)
        ).all()
        db.session.commit()
        relayed = sum(
            relay("documents", RENDER_LETTER, t, n, job_id=letter_job_id(t, n)) for t, n in rows
        )
    if relayed:
        log.info("Relai surat: %d surat yang belum selesai dimasukkan lagi.", relayed)
    return relayed


def cleanup_orphans_job(grace_hours: float = 1.0) -> int:
    """Remove stored objects that no document version refers to; returns how many."""
    from sikd.core.jobs import app_context
    from sikd.documents.services import cleanup_orphans

    with app_context():
        return len(cleanup_orphans(timedelta(hours=grace_hours)))
