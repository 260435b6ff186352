"""The route of a cooperation: one hop per holder (daerah, Gubernur, Kemendagri, Kemlu)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sikd.core.extensions import db
from sikd.tenancy.models import Tenant, TenantOwnedMixin


class RoutingHop(TenantOwnedMixin, db.Model):
    """Who holds the cooperation now, since when, until when, and how the hop ended."""

    __tablename__ = "routing_hops"
    __table_args__ = (
        Index(
            "ix_routing_hops_tenant_id_cooperation", "tenant_id", "cooperation_id", "received_at"
        ),
        # the Gubernur's "routed directly" list: the few hops the sweep routed around a holder
        Index(
            "ix_routing_hops_routed_directly_holder",
            "holder_tenant_id",
            postgresql_where=text("outcome = 'routed_directly'"),
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
