"""Tables of the register: legacy imports with their progress, the column mapping each tenant
last used, the rows already imported (so a file imported twice adds nothing), and which fields
of its cooperation a tenant shows on the public register."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from sikd.core.extensions import db
from sikd.tenancy.models import TenantOwnedMixin


class ImportStatus:
    UPLOADED = "diunggah"  # file stored, columns not yet confirmed
    QUEUED = "antre"
    RUNNING = "berjalan"
    DONE = "selesai"
    FAILED = "gagal"


class RegisterImport(TenantOwnedMixin, db.Model):
    """One uploaded file of legacy cooperation and the job that imports it."""

    __tablename__ = "register_imports"
    __table_args__ = (Index("ix_register_imports_tenant_id_created_at", "tenant_id", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    filename: Mapped[str] = mapped_column(String(200), nullable=False)
    content: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    headers: Mapped[list[str]] = mapped_column(JSONB, nullable=False, default=list)
    mapping: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False, default=dict)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default=ImportStatus.UPLOADED)
    total: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    done: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    created: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    skipped: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    failed: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    errors: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, nullable=False, default=list)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ImportMapping(TenantOwnedMixin, db.Model):
    """The column mapping a tenant last confirmed (file header → register field)."""

    __tablename__ = "register_import_mappings"

    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    mapping: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False, default=dict)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class ImportedRow(TenantOwnedMixin, db.Model):
    """A cooperation that came from an import, by the key of its row (title, partner, type,
    term): the same row imported again finds it here and is skipped."""

    __tablename__ = "register_imported_rows"
    __table_args__ = (UniqueConstraint("tenant_id", "row_key", name="uq_register_imported_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    row_key: Mapped[str] = mapped_column(String(64), nullable=False)
    cooperation_id: Mapped[int] = mapped_column(ForeignKey("cooperations.id"), nullable=False)
    import_id: Mapped[int] = mapped_column(ForeignKey("register_imports.id"), nullable=False)
    source_number: Mapped[str | None] = mapped_column(String(80))


class PublicSettings(TenantOwnedMixin, db.Model):
    """Which fields of its cooperation a tenant keeps off the public register."""

    __tablename__ = "register_public_settings"

    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    hidden_fields: Mapped[list[str]] = mapped_column(
        ARRAY(String(40)), nullable=False, default=list
    )
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


BUDGET_SOURCES = {
    "apbd": "APBD",
    "apbn": "APBN",
    "mitra": "Dana mitra",
    "lainnya": "Sumber lain yang sah",
}


class CooperationBudget(TenantOwnedMixin, db.Model):
    """What a cooperation cost in one year from one source, and what it brought that year:
    beneficiaries and results (as the annual or implementation report states them)."""

    __tablename__ = "register_budgets"
    __table_args__ = (
        UniqueConstraint(
            "tenant_id", "cooperation_id", "year", "source", name="uq_register_budget_year_source"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperation_id: Mapped[int] = mapped_column(ForeignKey("cooperations.id"), nullable=False)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    source: Mapped[str] = mapped_column(String(20), nullable=False)
    amount: Mapped[int] = mapped_column(BigInteger, nullable=False)
    beneficiaries: Mapped[int | None] = mapped_column(Integer)
    results: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
