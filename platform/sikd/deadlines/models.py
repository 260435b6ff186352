"""Deadlines as rows in PostgreSQL: written with the stage change, fired by the sweep."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    BigInteger,
    DateTime,
    ForeignKey,
    Index,
    String,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from sikd.core.extensions import db
from sikd.tenancy.models import TenantOwnedMixin


class DeadlineStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"  # the stage was left in time
    FIRED = "fired"  # the sweep acted on it
    OBSOLETE = "obsolete"  # the stage had moved on before it fell due
    LATE = "late"  # a schedule (jadwal) fell due unmet: shown as late until it is met


class Deadline(TenantOwnedMixin, db.Model):
    """A deadline is a row, written with the stage change; the sweep acts on it."""

    __tablename__ = "deadlines"
    __table_args__ = (
        Index("ix_deadlines_tenant_id_cooperation", "tenant_id", "cooperation_id"),
        # the sweep's index: open deadlines by due instant, across tenants (system scope)
        Index("ix_deadlines_open_due_at", "due_at", postgresql_where=text("status = 'open'")),
        Index(
            "ix_deadlines_tenant_id_jadwal",
            "tenant_id",
            "cooperation_id",
            "jadwal",
            postgresql_where=text("jadwal is not null"),
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    cooperation_id: Mapped[int] = mapped_column(ForeignKey("cooperations.id"), nullable=False)
    stage: Mapped[str] = mapped_column(String(60), nullable=False)
    spec: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False)
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    calendar_version: Mapped[str] = mapped_column(String(120), nullable=False)
    status: Mapped[str] = mapped_column(
        String(12), nullable=False, default="open"
    )  # open closed fired obsolete
    reminders_sent: Mapped[list[str]] = mapped_column(
        ARRAY(String(40)), nullable=False, default=list
    )
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    fired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # a schedule of the running cooperation (rulebook ``jadwal``), not bound to a stage
    jadwal: Mapped[str | None] = mapped_column(String(40))
    period: Mapped[str | None] = mapped_column(String(20))  # e.g. "2027" or "2027-07-15"
