"""RQ jobs for documents. They take ids, open their own app context, and set the tenant."""

from __future__ import annotations

from datetime import timedelta


def render_letter_job(tenant_id: int, letter_id: int) -> int | None:
    """Render a numbered letter and store it as a Document; returns the document id."""
    from sikd.core.jobs import app_context
    from sikd.documents.issuing import render_and_store_letter
    from sikd.tenancy.scope import tenant_scope

    with app_context(), tenant_scope(tenant_id):
        letter = render_and_store_letter(tenant_id, letter_id)
        return letter.document_id


def cleanup_orphans_job(grace_hours: float = 1.0) -> int:
    """Remove stored objects that no document version refers to; returns how many."""
    from sikd.core.jobs import app_context
    from sikd.documents.services import cleanup_orphans

    with app_context():
        return len(cleanup_orphans(timedelta(hours=grace_hours)))
