"""Rulebook versions: what a tenant ran under, pinned by each cooperation."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Date,
    DateTime,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from sikd.core.extensions import db
from sikd.tenancy.models import TenantOwnedMixin


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
    # deferred: lists load versions for their hash; the JSON is decoded once per process and
    # version (``sikd.cooperations.state.rulebook_of``) or where it is read explicitly
    rulebook: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False, deferred=True)
    source: Mapped[str] = mapped_column(String(20), nullable=False)  # files | variant_upload
    variant_yaml: Mapped[str | None] = mapped_column(Text)
    effective_from: Mapped[date] = mapped_column(Date, nullable=False)
    created_by: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class VariantDraft(TenantOwnedMixin, db.Model):
    """A daerah's Perwal/Pergub variant being edited in the product (FORMAT.md patch shape).

    ``draft`` → ``proposed`` (tenant admin, with an effective date) → ``published`` (a second
    person: the Kepala Daerah) or back to ``draft``. A published draft is the history entry of the
    rulebook version it produced: who proposed and approved it, its basis document and its date.
    """

    __tablename__ = "variant_drafts"
    __table_args__ = (Index("ix_variant_drafts_tenant_id_status", "tenant_id", "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    variant: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False)
    status: Mapped[str] = mapped_column(String(12), nullable=False, default="draft")
    effective_from: Mapped[date | None] = mapped_column(Date)
    # the regulation's own document (the Perwal/Pergub PDF), uploaded once and cited
    basis_document: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    created_by: Mapped[int | None] = mapped_column(Integer)
    updated_by: Mapped[int | None] = mapped_column(Integer)
    proposed_by: Mapped[int | None] = mapped_column(Integer)
    proposed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    approved_by: Mapped[int | None] = mapped_column(Integer)
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    rulebook_version_id: Mapped[int | None] = mapped_column(Integer)
    previous_hash: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
