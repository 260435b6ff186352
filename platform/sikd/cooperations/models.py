"""A cooperation (kerja sama) and everything that happens to it.

All rows are owned by the initiating tenant (``tenant_id``). Other tenants see a cooperation
only through an explicit :class:`CooperationAccess` grant (its provinsi, Kemendagri, and Kemlu
once it was sent there); the RLS policies of the child tables admit those grantees too.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

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
    and_,
    any_,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, array
from sqlalchemy.orm import Mapped, foreign, mapped_column, relationship

from sikd.core.extensions import db
from sikd.tenancy.models import Tenant, TenantOwnedMixin

if TYPE_CHECKING:
    from sikd.rules.models import RulebookVersion


class CooperationStatus(StrEnum):
    BERJALAN = "berjalan"  # running: some stage of its process is open
    SELESAI = "selesai"  # the process reached its end
    DITOLAK = "ditolak"  # refused on the way
    BERAKHIR = "berakhir"  # its term (jangka waktu) ran out; pengakhiran still to be recorded


# Statuses in which the cooperation can still be acted on (a term that ran out still needs its
# pengakhiran with the asset/obligation checklist: Permendagri 23/2009 Pasal 6(d)4, 10(d)4).
ACTIVE_STATUSES = (CooperationStatus.BERJALAN, CooperationStatus.BERAKHIR)


TYPES = ("KSDPL", "KSDLL", "KSDD", "KSDPK")
FOREIGN_TYPES = ("KSDPL", "KSDLL")


# What the turn conditions (cooperations.turns) and the row-level policy read of a row.
TURN_COLUMNS = (
    "id", "tenant_id", "holder_tenant_id", "partner_tenant_id", "status", "holder_level",
    "holder_roles", "waiting_sides", "next_due_at",
)  # fmt: skip


class Cooperation(TenantOwnedMixin, db.Model):
    __tablename__ = "cooperations"
    __table_args__ = (
        UniqueConstraint("tenant_id", "number", name="uq_cooperations_tenant_number"),
        Index("ix_cooperations_tenant_id_stage", "tenant_id", "stage"),
        Index("ix_cooperations_tenant_id_year", "tenant_id", "year"),
        Index("ix_cooperations_tenant_id_updated_at", "tenant_id", "updated_at"),
        # the inbox and the queues: running cooperations by the tenant that holds them
        Index(
            "ix_cooperations_running_holder",
            "holder_tenant_id",
            postgresql_where=text("status = 'berjalan'"),
        ),
        # ... while they can still be acted on (a term that ran out awaits its pengakhiran),
        # with every column the turn and the row-level policy read, so a tenant's inbox and
        # queue are counted and sorted by an index-only scan (cooperations.turns); the level
        # (the Gubernur's queue: ``provinsi``) is one of them (only ``tenant_id`` leads a
        # composite key: tests/tenancy)
        Index(
            "ix_cooperations_active_holder",
            "holder_tenant_id",
            postgresql_where=text("status in ('berjalan', 'berakhir')"),
            postgresql_include=[c for c in TURN_COLUMNS if c != "holder_tenant_id"],
        ),
        # a tenant's own active cooperations (Dipantau: those waiting for somebody else), as
        # covering
        Index(
            "ix_cooperations_active_tenant",
            "tenant_id",
            postgresql_where=text("status in ('berjalan', 'berakhir')"),
            postgresql_include=[c for c in TURN_COLUMNS if c != "tenant_id"],
        ),
        # the national viewers' waiting list: the active ones received since the last rollup
        Index(
            "ix_cooperations_active_holder_since",
            "holder_since",
            postgresql_where=text("status in ('berjalan', 'berakhir')"),
        ),
        # the national list of overdue cooperations: running ones by their next deadline
        Index(
            "ix_cooperations_running_next_due_at",
            "next_due_at",
            postgresql_where=text("status = 'berjalan'"),
        ),
        # a daerah's dashboard and map (viewer_rollup.FIGURES_SQL): an index-only scan
        Index(
            "ix_cooperations_tenant_figures",
            "tenant_id",
            postgresql_include=[
                "id",
                "type",
                "status",
                "partner_country",
                "year",
                "stage",
                "stage_label",
                "created_by",
                "next_due_at",
                "flags",
                "estimated_cost",
            ],
        ),  # fmt: skip
        # the register's search of a tenant's own rows (queries._register_keys): index-only
        Index(
            "ix_cooperations_tenant_search",
            "tenant_id",
            postgresql_include=[
                "updated_at",
                "id",
                "title",
                "number",
                "partner_name",
                "partner_country",
            ],
        ),  # fmt: skip
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
    status: Mapped[str] = mapped_column(
        String(20), nullable=False, default=CooperationStatus.BERJALAN
    )
    holder_level: Mapped[str] = mapped_column(String(16), nullable=False, default="own")
    holder_tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), nullable=False)
    stage_entered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    rulebook_version_id: Mapped[int] = mapped_column(
        ForeignKey("rulebook_versions.id"), nullable=False
    )
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    term_start: Mapped[date | None] = mapped_column(Date)
    term_end: Mapped[date | None] = mapped_column(Date)
    # the end date an approved extension set (Perwal 57/2023 Pasal 26, 42, 78); wins over the
    # date written in the naskah/PKS
    term_extended_until: Mapped[date | None] = mapped_column(Date)
    # KSDD with another daerah that uses SIKD: the partner tenant acts at ``partner`` stages
    partner_tenant_id: Mapped[int | None] = mapped_column(ForeignKey("tenants.id"), index=True)
    partner_number: Mapped[str | None] = mapped_column(String(40))  # the partner's register no.
    estimated_cost: Mapped[int | None] = mapped_column(BigInteger)
    benefit_note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    # Derived facts the lists show, kept by :func:`sikd.cooperations.summary.refresh_summary`
    # in the transaction that changes them (create, apply_decision): the current stage's label
    # and the roles that act on it (from the pinned rulebook), the earliest open deadline of the
    # current stage (instant and unit, for "sisa …"), and since when the holder has it (the open
    # hop). Overdue is ``next_due_at < now``, answered by an index.
    # the sides (levels) that have approved so far at a stage whose sides approve in parallel
    # (``parallel`` in FORMAT.md: each side's DPRD, Pasal 27); emptied when the stage is left
    approvals: Mapped[list[str]] = mapped_column(
        ARRAY(String(20)), nullable=False, default=list, server_default="{}"
    )
    # ... and the sides whose approval is still needed there (the inbox of each side's DPRD)
    waiting_sides: Mapped[list[str]] = mapped_column(
        ARRAY(String(20)), nullable=False, default=list, server_default="{}"
    )
    stage_label: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    holder_roles: Mapped[list[str]] = mapped_column(ARRAY(String(32)), nullable=False, default=list)
    next_due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    next_due_unit: Mapped[str | None] = mapped_column(String(20))
    holder_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    tenant: Mapped[Tenant] = relationship(foreign_keys="Cooperation.tenant_id", lazy="joined")
    holder_tenant: Mapped[Tenant] = relationship(foreign_keys=[holder_tenant_id], lazy="joined")
    partner_tenant: Mapped[Tenant | None] = relationship(
        foreign_keys=[partner_tenant_id], lazy="joined"
    )
    rulebook_version: Mapped[RulebookVersion] = relationship(lazy="select")
    # The documents that count now (current version, not superseded; filed by either side of a
    # KSDD between two tenants), read through
    # :func:`sikd.cooperations.state.document_fields`; documents own the table.
    current_documents: Mapped[list[Any]] = relationship(
        "Document",
        primaryjoin=lambda: _current_documents_join(),
        viewonly=True,
        lazy="select",
        order_by="Document.id",
    )


def _current_documents_join():
    """Filed by the owner or by the partner daerah: ``tenant_id = ANY(ARRAY[owner, partner])``
    with the cooperation's id, so each cooperation's documents are one scan of the
    ``(tenant_id, cooperation_id)`` index (an ``OR`` of the two tenants would be planned as a
    scan of the whole ``cooperation_id`` column of that index)."""
    documents = db.metadata.tables["documents"]
    return and_(
        Cooperation.id == foreign(documents.c.cooperation_id),
        documents.c.tenant_id
        == any_(array([Cooperation.tenant_id, Cooperation.partner_tenant_id])),
        documents.c.superseded.is_(False),
        documents.c.current_version_id.is_not(None),
    )


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
    # provinsi | kemendagri | kemlu | partner
    reason: Mapped[str] = mapped_column(String(20), nullable=False)
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


class NationalRollup(db.Model):
    """Counts for the national view per provinsi (its own and its kabupaten/kota's), process,
    stage and status; rebuilt by the periodic sweep (:mod:`sikd.cooperations.rollup`), never
    scanned per request. Figures only, across tenants: read by the national roles' page."""

    __tablename__ = "national_rollup"

    provinsi_tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    process: Mapped[str] = mapped_column(String(40), primary_key=True)
    stage: Mapped[str] = mapped_column(String(60), primary_key=True)
    status: Mapped[str] = mapped_column(String(20), primary_key=True)
    stage_label: Mapped[str] = mapped_column(String(300), nullable=False)
    total: Mapped[int] = mapped_column(Integer, nullable=False)
    overdue: Mapped[int] = mapped_column(Integer, nullable=False)
    dormant: Mapped[int] = mapped_column(Integer, nullable=False)
    refreshed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


def parties(coop: Cooperation) -> tuple[int, ...]:
    """The tenants that keep their own documents on the cooperation: the owner, and the partner
    daerah of a KSDD when it uses SIKD (each side files under its own tenant; both read the
    shared file)."""
    if coop.partner_tenant_id is None:
        return (coop.tenant_id,)
    return (coop.tenant_id, coop.partner_tenant_id)
