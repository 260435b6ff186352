from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, func
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sikd.core.extensions import db
from sikd.tenancy.models import Tenant, TenantOwnedMixin
from sikd.workflow.roles import role_label


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
    # Raised by a password change, a reset and a deactivation: every session and token carries
    # the number it was issued under and stops working once it no longer matches.
    credentials_version: Mapped[int] = mapped_column(
        Integer, nullable=False, default=1, server_default="1"
    )
    password_changed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    tenant: Mapped[Tenant] = relationship(lazy="joined")
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), nullable=False)

    def get_id(self) -> str:
        # The signed session carries the tenant too, so the user can be loaded under RLS, and
        # the credentials version, so a password change or deactivation ends the session.
        return f"{self.id}:{self.tenant_id}:{self.credentials_version}"

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
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    credentials_version: Mapped[int] = mapped_column(
        Integer, nullable=False, default=1, server_default="1"
    )

    def status(self, now: datetime) -> str:
        if self.revoked:
            return "dicabut"
        if self.expires_at <= now:
            return "kedaluwarsa"
        return "aktif"


class UserSession(TenantOwnedMixin, db.Model):
    """A signed-in browser. The cookie holds a random id; only its sha256 is stored here, and
    logging out, a password change or a deactivation revokes the row, so a copied cookie is
    worthless afterwards."""

    __tablename__ = "user_sessions"
    __table_args__ = (Index("ix_user_sessions_tenant_id_user", "tenant_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    sid_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ip: Mapped[str | None] = mapped_column(String(64))


class PasswordResetLink(TenantOwnedMixin, db.Model):
    """A one-time link a tenant admin creates for a user; only the token's sha256 is stored."""

    __tablename__ = "password_reset_links"
    __table_args__ = (Index("ix_password_reset_links_tenant_id_user", "tenant_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
