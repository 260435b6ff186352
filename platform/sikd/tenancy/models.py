from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sikd.core.extensions import db

TENANT_KINDS = ("provinsi", "kabupaten", "kota", "kementerian")
TIMEZONES = {"WIB": "Asia/Jakarta", "WITA": "Asia/Makassar", "WIT": "Asia/Jayapura"}
KEMENDAGRI = "KEMENDAGRI"
KEMLU = "KEMLU"


class Tenant(db.Model):
    """A pemerintah daerah or a ministry. The registry itself is public to every user."""

    __tablename__ = "tenants"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(160), nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("tenants.id"), index=True)
    timezone: Mapped[str] = mapped_column(String(4), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )

    parent: Mapped[Tenant | None] = relationship(remote_side=[id], lazy="joined")

    @property
    def tz_name(self) -> str:
        return TIMEZONES[self.timezone]

    @property
    def is_daerah(self) -> bool:
        return self.kind in ("provinsi", "kabupaten", "kota")

    @property
    def is_kabkota(self) -> bool:
        return self.kind in ("kabupaten", "kota")

    @property
    def kind_label(self) -> str:
        return {
            "provinsi": "Provinsi",
            "kabupaten": "Kabupaten",
            "kota": "Kota",
            "kementerian": "Kementerian",
        }[self.kind]

    def __repr__(self) -> str:
        return f"<Tenant {self.code} {self.name}>"


class TenantOwnedMixin:
    """Marks a table as tenant-owned: ``tenant_id`` first, RLS enabled by the migration."""

    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), nullable=False)
