"""E-mail for notification rows (the outbox), sent by the notifications queue."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from sikd.core.jobs import app_context


def send_notification_email(tenant_id: int, notification_id: int) -> str:
    """Mail one notification to the active users of its tenant holding one of its roles."""
    from flask import current_app
    from sqlalchemy import select

    from sikd.accounts.models import User
    from sikd.core import clock
    from sikd.core.extensions import db
    from sikd.notifications.models import EmailStatus, Notification
    from sikd.tenancy.scope import tenant_scope

    with app_context(), tenant_scope(tenant_id):
        note = db.session.get(Notification, notification_id)
        if note is None or note.tenant_id != tenant_id:
            return "missing"
        if note.email_status == EmailStatus.SENT:
            return "already-sent"
        users = db.session.scalars(
            select(User).where(User.tenant_id == tenant_id, User.active.is_(True))
        ).all()
        recipients = [
            u.email
            for u in users
            if not note.recipient_roles or set(u.roles) & set(note.recipient_roles)
        ]
        if not recipients:
            note.email_status = EmailStatus.NO_RECIPIENT
            db.session.commit()
            return note.email_status
        settings = current_app.config["SIKD_SETTINGS"]
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
        try:
            with smtplib.SMTP(settings.mail_server, settings.mail_port, timeout=20) as smtp:
                if settings.mail_use_tls:
                    smtp.starttls()
                if settings.mail_username:
                    smtp.login(settings.mail_username, settings.mail_password or "")
                smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            note.email_status, note.email_error = EmailStatus.FAILED, str(exc)[:500]
            db.session.commit()
            raise  # RQ keeps the failed job for a retry
        note.email_status, note.emailed_at = EmailStatus.SENT, clock.now()
        db.session.commit()
        return "sent"
