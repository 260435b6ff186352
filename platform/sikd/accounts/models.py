from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, func
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sikd.workflow.roles import role_label
from sikd.extensions import db
from sikd.tenancy.models import Tenant, TenantOwnedMixin


class User(TenantOwnedMixin, UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (Index("ix_users_tenant_id_id", "tenant_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True, nullable=False)
    full_name: Mapped[str] = mapped_column(String(160), nullable=False)
    password_hash: Mapped[str] = mapped_column(String(255), nullable=False)
    roles: Mapped[list[str]] = mapped_column(ARRAY(String(32)), nullable=False, default=list)
    unit: Mapped[str | None] = mapped_column(String(160))  # perangkat daerah, for OPD users
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    tenant: Mapped[Tenant] = relationship(lazy="joined")
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), nullable=False)

    def get_id(self) -> str:
        # The signed session carries the tenant too, so the user can be loaded under RLS.
        return f"{self.id}:{self.tenant_id}"

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    def has_role(self, *codes: str) -> bool:
        return any(code in self.roles for code in codes)

    @property
    def role_labels(self) -> list[str]:
        return [role_label(r) for r in self.roles]


class ApiToken(TenantOwnedMixin, db.Model):
    __tablename__ = "api_tokens"
    __table_args__ = (Index("ix_api_tokens_tenant_id_user", "tenant_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    revoked: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
