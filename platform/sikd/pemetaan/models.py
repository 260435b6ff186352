"""The year's pemetaan, the Perangkat Daerah's recommendations, the list's items, and which
cooperation rests on which item (or on a recorded exception)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from sikd.core.extensions import db
from sikd.tenancy.models import TenantOwnedMixin


class PemetaanCycle(TenantOwnedMixin, db.Model):
    __tablename__ = "pemetaan_cycles"
    __table_args__ = (Index("ux_pemetaan_cycles_tenant_id_year", "tenant_id", "year", unique=True),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    # identifikasi → penetapan (after the pleno) → berlaku (Keputusan uploaded) → diganti
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    opened_by: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    berita_acara: Mapped[dict[str, Any] | None] = mapped_column(JSONB)  # tanggal, skala_prioritas
    keputusan: Mapped[dict[str, Any] | None] = mapped_column(JSONB)  # nomor, tanggal, key, sha256
    berlaku_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class PemetaanSubmission(TenantOwnedMixin, db.Model):
    """One Perangkat Daerah's recommendation (Pasal 10–13)."""

    __tablename__ = "pemetaan_submissions"
    __table_args__ = (Index("ix_pemetaan_submissions_tenant_id_cycle", "tenant_id", "cycle_id"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("pemetaan_cycles.id"), nullable=False)
    perangkat_daerah: Mapped[str] = mapped_column(String(200), nullable=False)
    tim_anggota: Mapped[list[dict[str, str]]] = mapped_column(JSONB, nullable=False)
    content: Mapped[dict[str, str]] = mapped_column(JSONB, nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False)  # diajukan dikembalikan lengkap
    catatan: Mapped[str | None] = mapped_column(Text)  # why it was returned (Pasal 14(2))
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    submitted_by: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)


class PemetaanItem(TenantOwnedMixin, db.Model):
    """An item of the Daftar Rencana Program dan Kegiatan Kerja Sama Daerah (Pasal 16)."""

    __tablename__ = "pemetaan_items"
    __table_args__ = (Index("ux_pemetaan_items_tenant_id_code", "tenant_id", "code", unique=True),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("pemetaan_cycles.id"), nullable=False)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("pemetaan_submissions.id"), nullable=False
    )
    code: Mapped[str] = mapped_column(String(40), nullable=False)  # e.g. PEM-2027-01
    judul: Mapped[str] = mapped_column(String(300), nullable=False)
    perangkat_daerah: Mapped[str] = mapped_column(String(200), nullable=False)
    prioritas: Mapped[int] = mapped_column(Integer, nullable=False)  # 1 = highest


class PemetaanLink(TenantOwnedMixin, db.Model):
    """A new cooperation rests on an item, or on a recorded exception with its reason."""

    __tablename__ = "pemetaan_links"
    __table_args__ = (Index("ix_pemetaan_links_tenant_id_item", "tenant_id", "item_id"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    cooperation_id: Mapped[int] = mapped_column(ForeignKey("cooperations.id"), nullable=False)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("pemetaan_items.id"))
    pengecualian: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
