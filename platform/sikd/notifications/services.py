"""Notification rows: the in-app list and the e-mail outbox (sent by a job after commit)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import or_, select, text

from sikd.core.extensions import db
from sikd.core.jobs import enqueue_after_commit, with_backoff
from sikd.notifications.models import EmailStatus, Notification
from sikd.tenancy.scope import is_system_scope, owned_by, tenant_scope

SEND_EMAIL = "sikd.notifications.tasks.send_notification_email"


def email_job_id(tenant_id: int, notification_id: int) -> str:
    """One job id per notification: the relay sees whether its e-mail is still on its way."""
    return f"notification-email-{tenant_id}-{notification_id}"


def add_notification(
    tenant_id: int,
    coop: Any | None,
    kind: str,
    title: str,
    body: str,
    roles: list[str],
    now: datetime,
    dedupe_key: str | None = None,
) -> Notification:
    """A notification for the users of ``tenant_id`` holding one of ``roles`` (all when empty)."""
    return add_notifications(coop, [(tenant_id, kind, title, body, roles, dedupe_key)], now)[0]


# (tenant_id, kind, title, body, roles, dedupe_key)
NotificationSpec = tuple[int, str, str, str, list[str], str | None]


def add_notifications(
    coop: Any | None, specs: list[NotificationSpec], now: datetime
) -> list[Notification]:
    """Several notifications in the caller's transaction, each e-mailed by a job after commit.

    Each row is written in its tenant's scope (row-level security checks the tenant); in the
    system scope (the sweep) all of them go in one multi-row INSERT."""
    notes = [
        Notification(
            tenant_id=tenant_id,
            cooperation_id=coop.id if coop else None,
            cooperation_tenant_id=coop.tenant_id if coop else None,
            recipient_roles=list(roles),
            kind=kind,
            title=title,
            body=body,
            created_at=now,
            read_by=[],
            email_status=EmailStatus.PENDING,
            dedupe_key=dedupe_key,
        )
        for tenant_id, kind, title, body, roles, dedupe_key in specs
    ]
    if is_system_scope():
        db.session.add_all(notes)
        db.session.flush()
    else:
        db.session.flush()  # the caller's pending changes in the caller's scope, not the next
        for note in notes:
            with tenant_scope(note.tenant_id):
                db.session.add(note)
                db.session.flush()
    for note in notes:
        enqueue_after_commit(
            "notifications",
            SEND_EMAIL,
            note.tenant_id,
            note.id,
            job_id=email_job_id(note.tenant_id, note.id),
            retry=with_backoff(),
        )
    return notes


def _mine(user: Any):
    return (
        owned_by(Notification, user.tenant_id),
        or_(
            Notification.recipient_roles == [],
            Notification.recipient_roles.overlap(user.roles),
        ),
    )


def is_turn(note: Notification, user: Any) -> bool:
    """A notification addressed to the roles that must act (one of them the user's) says it is
    the user's turn; one to the whole instansi (``recipient_roles`` empty) is for information."""
    return bool(set(note.recipient_roles or ()) & set(user.roles))


# The menu says "99+" past this many: a Kota's TKKSD may have tens of thousands unread, and
# counting them all costs more than the page that shows the number.
UNREAD_CAP = 99


def unread_count(user: Any, cap: int = UNREAD_CAP) -> int:
    """How many of the user's notifications the user has not read, counting at most
    ``cap + 1`` (more than ``cap`` = many); one statement, for the menu: the database function
    ``sikd_unread_notifications`` (migration 0018) walks the tenant's notifications newest
    first and stops at the cap (the rows :func:`_mine` gives; row-level security applies)."""
    return int(
        db.session.scalar(
            text("select sikd_unread_notifications(:tenant, :roles, :user, :cap)"),
            {"tenant": user.tenant_id, "roles": list(user.roles), "user": user.id, "cap": cap},
        )
    )


def mark_one_read(user: Any, note_id: int) -> Notification | None:
    note = db.session.scalar(select(Notification).where(Notification.id == note_id, *_mine(user)))
    if note is not None and user.id not in (note.read_by or []):
        note.read_by = [*(note.read_by or []), user.id]
        db.session.commit()
    return note


def notifications_for(user: Any, limit: int = 50, kind: str | None = None) -> list[Notification]:
    """The user's latest notifications (of one ``kind``: the received reports have their own
    index, so they are not looked for among all of a tenant's notifications)."""
    query = select(Notification).where(*_mine(user))
    if kind is not None:
        query = query.where(Notification.kind == kind)
    return list(db.session.scalars(query.order_by(Notification.created_at.desc()).limit(limit)))


def mark_notifications_read(user: Any, ids: list[int] | None = None) -> int:
    """Mark the user's notifications (these ids, or all) as read by this user."""
    rows = [n for n in notifications_for(user, limit=500) if ids is None or n.id in ids]
    count = 0
    for note in rows:
        if user.id not in (note.read_by or []):
            note.read_by = [*(note.read_by or []), user.id]
            count += 1
    db.session.commit()
    return count
