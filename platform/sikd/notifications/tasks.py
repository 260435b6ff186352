"""E-mail for notification rows (the outbox), sent by the notifications queue, and its relay.

The row is the source of truth: ``pending`` or ``failed`` means not yet delivered. A send is
retried by RQ with backoff; :func:`relay_pending_emails` (periodic, see ``sikd_workers.schedule``)
enqueues again what is still undelivered after a grace period. Sending is idempotent: one
sender at a time per notification (an advisory lock), and a delivered row is never sent again.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import timedelta
from email.message import EmailMessage
from typing import Any

from sikd.core.jobs import app_context

log = logging.getLogger(__name__)

_LOCK_NAMESPACE = 7_300_002  # pg_advisory_xact_lock(namespace, id); audit uses 7_300_001
GRACE_MINUTES = 15
MAX_AGE_DAYS = 3  # older undelivered rows stay visible in the app, but are not mailed any more


def send_notification_email(tenant_id: int, notification_id: int) -> str:
    """Mail one notification to the active users of its tenant holding one of its roles."""
    from flask import current_app
    from sqlalchemy import text

    from sikd.core import clock
    from sikd.core.extensions import db
    from sikd.notifications.models import EmailStatus, Notification
    from sikd.tenancy.scope import tenant_scope

    with app_context(), tenant_scope(tenant_id):
        # A relayed copy of this job waits here, then finds the row sent.
        db.session.execute(
            text("select pg_advisory_xact_lock(:ns, :id)"),
            {"ns": _LOCK_NAMESPACE, "id": notification_id % 2_147_483_647},
        )
        note = db.session.get(Notification, notification_id, populate_existing=True)
        if note is None or note.tenant_id != tenant_id:
            db.session.commit()
            return "missing"
        if note.email_status not in (EmailStatus.PENDING, EmailStatus.FAILED):
            db.session.commit()
            return f"already-{note.email_status}"
        recipients = _recipients(note)
        if not recipients:
            note.email_status = EmailStatus.NO_RECIPIENT
            db.session.commit()
            return note.email_status
        settings = current_app.config["SIKD_SETTINGS"]
        message = _message(note, recipients, settings)
        try:
            _deliver(message, settings)
        except ConnectionRefusedError as exc:
            if settings.env != "development":
                _mark_failed(note, exc)
                raise  # RQ retries with backoff; the relay takes over after that
            _log_instead(note, message, settings)
            return note.email_status
        except (OSError, smtplib.SMTPException) as exc:
            _mark_failed(note, exc)
            raise
        note.email_status, note.emailed_at, note.email_error = EmailStatus.SENT, clock.now(), None
        db.session.commit()
        return "sent"


def relay_pending_emails(grace_minutes: float = GRACE_MINUTES) -> int:
    """Enqueue again every e-mail still undelivered after ``grace_minutes`` whose job is gone
    (a failed enqueue, a Redis that lost its data, retries used up). Returns how many."""
    from sqlalchemy import select

    from sikd.core import clock
    from sikd.core.extensions import db
    from sikd.core.jobs import relay
    from sikd.notifications.models import EmailStatus, Notification
    from sikd.notifications.services import SEND_EMAIL, email_job_id
    from sikd.tenancy.models import Tenant
    from sikd.tenancy.scope import system_scope

    with app_context(), system_scope():
        now = clock.now()
        tenant_ids = list(db.session.scalars(select(Tenant.id)))
        rows = db.session.execute(
            select(Notification.tenant_id, Notification.id)
            .where(
                Notification.tenant_id.in_(tenant_ids),  # the (tenant_id, created_at) index
                Notification.created_at >= now - timedelta(days=MAX_AGE_DAYS),
                Notification.created_at < now - timedelta(minutes=grace_minutes),
                Notification.email_status.in_([EmailStatus.PENDING, EmailStatus.FAILED]),
            )
            .order_by(Notification.created_at)
        ).all()
        db.session.commit()
        relayed = sum(
            relay("notifications", SEND_EMAIL, t, n, job_id=email_job_id(t, n)) for t, n in rows
        )
    if relayed:
        log.info("Relai surel: %d notifikasi yang belum terkirim dimasukkan lagi.", relayed)
    return relayed


def _recipients(note: Any) -> list[str]:
    from sqlalchemy import select

    from sikd.accounts.models import User
    from sikd.core.extensions import db

    users = db.session.scalars(
        select(User).where(User.tenant_id == note.tenant_id, User.active.is_(True))
    ).all()
    return [
        u.email
        for u in users
        if not note.recipient_roles or set(u.roles) & set(note.recipient_roles)
    ]


def _message(note: Any, recipients: list[str], settings: Any) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = f"[SIKD] {note.title}"
    message["From"] = settings.mail_sender
    message["To"] = ", ".join(recipients)
    link = (
        f"{settings.base_url}/kerja-sama/{note.cooperation_id}"
        if note.cooperation_id
        else settings.base_url
    )
    message.set_content(f"{note.body}\n\nBuka di SIKD: {link}\n")
    return message


def _deliver(message: EmailMessage, settings: Any) -> None:
    with smtplib.SMTP(settings.mail_server, settings.mail_port, timeout=20) as smtp:
        if settings.mail_use_tls:
            smtp.starttls()
        if settings.mail_username:
            smtp.login(settings.mail_username, settings.mail_password or "")
        smtp.send_message(message)


def _mark_failed(note: Any, exc: BaseException) -> None:
    from sikd.core.extensions import db
    from sikd.notifications.models import EmailStatus

    note.email_status, note.email_error = EmailStatus.FAILED, str(exc)[:500]
    db.session.commit()


def _log_instead(note: Any, message: EmailMessage, settings: Any) -> None:
    """Development without a mail server: one log line per message, and the row is settled."""
    from sikd.core.extensions import db
    from sikd.notifications.models import EmailStatus

    log.warning(
        "Surel tidak dikirim: tidak ada server surel di %s:%s (mode pengembangan). "
        "Kepada: %s · Perihal: %s",
        settings.mail_server,
        settings.mail_port,
        message["To"],
        message["Subject"],
    )
    note.email_status = EmailStatus.LOGGED
    note.email_error = "Mode pengembangan tanpa server surel: dicatat di log, tidak dikirim."
    db.session.commit()
