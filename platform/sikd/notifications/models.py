"""Notifications: the in-app list and the e-mail outbox, one row per recipient tenant."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    DateTime,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from sikd.core.extensions import db
from sikd.tenancy.models import TenantOwnedMixin


class EmailStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    NO_RECIPIENT = "no-recipient"
    LOGGED = "logged"  # development without a mail server: written to the log instead


class Notification(TenantOwnedMixin, db.Model):
    """In-app notification and e-mail outbox row; ``tenant_id`` is the recipient's tenant."""

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_tenant_id_created", "tenant_id", "created_at"),
        # the reports a tenant received (the API inbox), among all its notifications
        Index(
            "ix_notifications_reports",
            "tenant_id",
            "created_at",
            postgresql_where=text("kind = 'laporan_diterima'"),
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    cooperation_id: Mapped[int | None] = mapped_column(Integer)
    cooperation_tenant_id: Mapped[int | None] = mapped_column(Integer)
    recipient_roles: Mapped[list[str]] = mapped_column(
        ARRAY(String(32)), nullable=False, default=list
    )
    kind: Mapped[str] = mapped_column(String(40), nullable=False)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    read_by: Mapped[list[int]] = mapped_column(ARRAY(Integer), nullable=False, default=list)
    email_status: Mapped[str] = mapped_column(String(12), nullable=False, default="pending")
    emailed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    email_error: Mapped[str | None] = mapped_column(Text)
    dedupe_key: Mapped[str | None] = mapped_column(String(160), unique=True)
