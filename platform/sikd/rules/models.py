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
