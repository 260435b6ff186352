"""A cooperation (kerja sama) and everything that happens to it.

All rows are owned by the initiating tenant (``tenant_id``). Other tenants see a cooperation
only through an explicit :class:`CooperationAccess` grant (its provinsi, Kemendagri, and Kemlu
once it was sent there); the RLS policies of the child tables admit those grantees too.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sikd.extensions import db
from sikd.tenancy.models import Tenant, TenantOwnedMixin


class RulebookVersion(TenantOwnedMixin, db.Model):
    """The merged rulebook a tenant ran under, by content hash; cooperations pin one."""

    __tablename__ = "rulebook_versions"
    __table_args__ = (
        UniqueConstraint(
            "tenant_id", "content_hash", "effective_from", name="uq_rulebook_versions_hash"
        ),
        Index("ix_rulebook_versions_tenant_id_effective", "tenant_id", "effective_from"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    rulebook: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False)
    source: Mapped[str] = mapped_column(String(20), nullable=False)  # files | variant_upload
    variant_yaml: Mapped[str | None] = mapped_column(Text)
    effective_from: Mapped[date] = mapped_column(Date, nullable=False)
    created_by: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Cooperation(TenantOwnedMixin, db.Model):
    __tablename__ = "cooperations"
    __table_args__ = (
        UniqueConstraint("tenant_id", "number", name="uq_cooperations_tenant_number"),
        Index("ix_cooperations_tenant_id_stage", "tenant_id", "stage"),
        Index("ix_cooperations_tenant_id_year", "tenant_id", "year"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(40), nullable=False)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    type: Mapped[str] = mapped_column(String(8), nullable=False)  # KSDD KSDPK KSDPL KSDLL
    subtype: Mapped[str] = mapped_column(String(32), nullable=False)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    partner_name: Mapped[str] = mapped_column(String(300), nullable=False)
    partner_kind: Mapped[str] = mapped_column(String(40), nullable=False)
    partner_country: Mapped[str | None] = mapped_column(String(2))  # ISO 3166-1 alpha-2
    objek: Mapped[list[str]] = mapped_column(ARRAY(String(40)), nullable=False, default=list)
    persyaratan: Mapped[list[str]] = mapped_column(ARRAY(String(60)), nullable=False, default=list)
    prakarsa_origin: Mapped[str] = mapped_column(String(40), nullable=False)
    pemetaan_ref: Mapped[str | None] = mapped_column(String(200))
    facts: Mapped[list[str]] = mapped_column(ARRAY(String(60)), nullable=False, default=list)
    flags: Mapped[list[str]] = mapped_column(ARRAY(String(40)), nullable=False, default=list)
    process: Mapped[str] = mapped_column(String(40), nullable=False)
    stage: Mapped[str] = mapped_column(String(60), nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="berjalan")
    holder_level: Mapped[str] = mapped_column(String(16), nullable=False, default="own")
    holder_tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), nullable=False)
    stage_entered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    rulebook_version_id: Mapped[int] = mapped_column(
        ForeignKey("rulebook_versions.id"), nullable=False
    )
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    term_start: Mapped[date | None] = mapped_column(Date)
    term_end: Mapped[date | None] = mapped_column(Date)
    estimated_cost: Mapped[int | None] = mapped_column(BigInteger)
    benefit_note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)

    tenant: Mapped[Tenant] = relationship(foreign_keys="Cooperation.tenant_id", lazy="joined")
    holder_tenant: Mapped[Tenant] = relationship(foreign_keys=[holder_tenant_id], lazy="joined")
    rulebook_version: Mapped[RulebookVersion] = relationship(lazy="select")


class CooperationAccess(TenantOwnedMixin, db.Model):
    """An explicit grant: ``tenant_id`` (the grantee) may see ``cooperation_id``."""

    __tablename__ = "cooperation_access"
    __table_args__ = (
        UniqueConstraint("tenant_id", "cooperation_id", name="uq_cooperation_access_grant"),
        Index("ix_cooperation_access_tenant_id_cooperation", "tenant_id", "cooperation_id"),
        Index("ix_cooperation_access_cooperation_id", "cooperation_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperation_id: Mapped[int] = mapped_column(ForeignKey("cooperations.id"), nullable=False)
    owner_tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), nullable=False)
    reason: Mapped[str] = mapped_column(String(20), nullable=False)  # provinsi | kemendagri | kemlu
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class StageEvent(TenantOwnedMixin, db.Model):
    """The stage history: who did what, when, on what basis."""

    __tablename__ = "stage_events"
    __table_args__ = (
        Index("ix_stage_events_tenant_id_cooperation", "tenant_id", "cooperation_id", "at"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    cooperation_id: Mapped[int] = mapped_column(ForeignKey("cooperations.id"), nullable=False)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    from_stage: Mapped[str | None] = mapped_column(String(60))
    to_stage: Mapped[str] = mapped_column(String(60), nullable=False)
    action: Mapped[str | None] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    actor_user_id: Mapped[int | None] = mapped_column(Integer)
    actor_tenant_id: Mapped[int | None] = mapped_column(ForeignKey("tenants.id"))
    actor_label: Mapped[str] = mapped_column(String(240), nullable=False)
    inputs: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False, default=dict)
    skipped: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, nullable=False, default=list)
    basis: Mapped[str] = mapped_column(Text, nullable=False, default="")
    expiry: Mapped[str | None] = mapped_column(String(20))


class RoutingHop(TenantOwnedMixin, db.Model):
    """Who holds the cooperation now, since when, until when, and how the hop ended."""

    __tablename__ = "routing_hops"
    __table_args__ = (
        Index(
            "ix_routing_hops_tenant_id_cooperation", "tenant_id", "cooperation_id", "received_at"
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    cooperation_id: Mapped[int] = mapped_column(ForeignKey("cooperations.id"), nullable=False)
    stage: Mapped[str] = mapped_column(String(60), nullable=False)
    level: Mapped[str] = mapped_column(String(16), nullable=False)
    holder_tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), nullable=False)
    holder_roles: Mapped[list[str]] = mapped_column(ARRAY(String(32)), nullable=False, default=list)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    acted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    outcome: Mapped[str | None] = mapped_column(
        String(20)
    )  # forwarded returned routed_directly decided
    note: Mapped[str | None] = mapped_column(Text)
    basis: Mapped[str] = mapped_column(Text, nullable=False, default="")

    holder_tenant: Mapped[Tenant] = relationship(foreign_keys=[holder_tenant_id], lazy="joined")


class CooperationDecision(TenantOwnedMixin, db.Model):
    """A decision with its letter: tanggapan, pertimbangan, surat konfirmasi, persetujuan, salinan."""

    __tablename__ = "cooperation_decisions"
    __table_args__ = (
        Index("ix_cooperation_decisions_tenant_id_cooperation", "tenant_id", "cooperation_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperation_id: Mapped[int] = mapped_column(ForeignKey("cooperations.id"), nullable=False)
    stage: Mapped[str] = mapped_column(String(60), nullable=False)
    action: Mapped[str] = mapped_column(String(60), nullable=False)
    decided_by_tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), nullable=False)
    nomor_surat: Mapped[str | None] = mapped_column(String(120))
    tanggal_surat: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class Deadline(TenantOwnedMixin, db.Model):
    """A deadline is a row, written with the stage change; the sweep acts on it."""

    __tablename__ = "deadlines"
    __table_args__ = (
        Index("ix_deadlines_tenant_id_cooperation", "tenant_id", "cooperation_id"),
        # the sweep's index: open deadlines by due instant, across tenants (system scope)
        Index("ix_deadlines_open_due_at", "due_at", postgresql_where=text("status = 'open'")),
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


class Notification(TenantOwnedMixin, db.Model):
    """In-app notification and e-mail outbox row; ``tenant_id`` is the recipient's tenant."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_tenant_id_created", "tenant_id", "created_at"),)

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
