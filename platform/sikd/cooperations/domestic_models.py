"""Tables of domestic cooperation beyond the process itself: the selection of a KSDPK partner
(Perwal Bekasi 57/2023 Pasal 39(2)-(3)) and the supervision by the Gubernur and Kemendagri
(Permendagri 23/2009 Pasal 2-13).

Selection rows belong to the cooperation's owner (granted tenants read them, like the other
child tables). Supervision notes and reports belong to the supervising tenant; the supervised
daerah reads the notes on its cooperations, the recipient (Kemendagri) reads the reports.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    DateTime,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from sikd.core.extensions import db
from sikd.tenancy.models import TenantOwnedMixin


class CandidateScore(TenantOwnedMixin, db.Model):
    """One criterion scored for one candidate partner by the selection team (Pasal 39(2))."""

    __tablename__ = "candidate_scores"
    __table_args__ = (
        UniqueConstraint(
            "tenant_id", "cooperation_id", "candidate", "criterion", name="uq_candidate_scores"
        ),
        Index("ix_candidate_scores_tenant_id_cooperation", "tenant_id", "cooperation_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperation_id: Mapped[int] = mapped_column(ForeignKey("cooperations.id"), nullable=False)
    candidate: Mapped[str] = mapped_column(String(300), nullable=False)
    criterion: Mapped[str] = mapped_column(String(20), nullable=False)
    score: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    note: Mapped[str] = mapped_column(Text, nullable=False)
    scored_by: Mapped[int] = mapped_column(Integer, nullable=False)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class SelectionRecord(TenantOwnedMixin, db.Model):
    """The berita acara of the selection: the ranking and the partner chosen (Pasal 39(2)-(3))."""

    __tablename__ = "selection_records"
    __table_args__ = (
        Index("ix_selection_records_tenant_id_cooperation", "tenant_id", "cooperation_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperation_id: Mapped[int] = mapped_column(ForeignKey("cooperations.id"), nullable=False)
    ranking: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, nullable=False)
    chosen: Mapped[str] = mapped_column(String(300), nullable=False)
    decided_by: Mapped[int] = mapped_column(Integer, nullable=False)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class SupervisionNote(TenantOwnedMixin, db.Model):
    """A pembinaan note, a finding or a request for information by the supervisor
    (``tenant_id``) on a cooperation of ``owner_tenant_id`` (Permendagri 23/2009 Pasal 3-4, 9-11)."""

    __tablename__ = "supervision_notes"
    __table_args__ = (
        Index("ix_supervision_notes_tenant_id_cooperation", "tenant_id", "cooperation_id"),
        Index("ix_supervision_notes_owner_tenant_id", "owner_tenant_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperation_id: Mapped[int] = mapped_column(ForeignKey("cooperations.id"), nullable=False)
    owner_tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), nullable=False)
    kind: Mapped[str] = mapped_column(String(30), nullable=False)  # see supervision.NOTE_KINDS
    phase: Mapped[str] = mapped_column(String(20), nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    created_by: Mapped[int] = mapped_column(Integer, nullable=False)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class SupervisionReport(TenantOwnedMixin, db.Model):
    """The supervisor's periodic report (Gubernur → Mendagri: Permendagri 23/2009 Pasal 12-13)."""

    __tablename__ = "supervision_reports"
    __table_args__ = (
        Index("ix_supervision_reports_tenant_id_year", "tenant_id", "year"),
        Index("ix_supervision_reports_recipient_tenant_id", "recipient_tenant_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    period: Mapped[str] = mapped_column(String(40), nullable=False)
    recipient_tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), nullable=False)
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, nullable=False)
    summary: Mapped[str] = mapped_column(Text, nullable=False)
    submitted_by: Mapped[int] = mapped_column(Integer, nullable=False)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
