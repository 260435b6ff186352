"""Accounts: creating users with roles that fit their tenant, and checking passwords."""

from __future__ import annotations

import contextlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select

from sikd import clock
from sikd.accounts.models import ApiToken, User
from sikd.workflow.roles import ROLES
from sikd.audit import services as audit
from sikd.extensions import db
from sikd.tenancy.models import Tenant
from sikd.tenancy.scope import system_scope, tenant_scope

_hasher = PasswordHasher()
# Verifying against this keeps the time of "no such user" equal to "wrong password".
_DUMMY_HASH = _hasher.hash("sikd-dummy-password")


class AccountError(ValueError):
    """A refusal with an Indonesian message and the field it concerns."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def generate_password() -> str:
    return secrets.token_urlsafe(12)


def check_roles_fit(tenant: Tenant, roles: list[str]) -> None:
    if not roles:
        raise AccountError("Pilih minimal satu peran untuk pengguna.", "roles")
    for code in roles:
        role = ROLES.get(code)
        if role is None:
            raise AccountError(
                f"Peran {code!r} tidak dikenal. Peran yang ada: {', '.join(sorted(ROLES))}.",
                "roles",
            )
        if not role.allowed_on(tenant.kind, tenant.code):
            raise AccountError(
                f"Peran {role.label} tidak dapat diberikan pada {tenant.name} ({tenant.kind_label}).",
                "roles",
            )


def create_user(
    tenant: Tenant,
    email: str,
    roles: list[str],
    password: str,
    full_name: str | None = None,
    unit: str | None = None,
    actor: User | None = None,
) -> User:
    try:
        email = validate_email(email, check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise AccountError(f"Alamat surel tidak valid: {exc}", "email") from exc
    check_roles_fit(tenant, roles)
    if len(password) < 10:
        raise AccountError("Kata sandi minimal 10 karakter.", "password")
    if "opd" in roles and not unit:
        raise AccountError(
            "Pengguna Perangkat Daerah harus menyebut unit perangkat daerahnya.", "unit"
        )
    with system_scope():
        taken = db.session.scalar(select(func.count()).select_from(User).where(User.email == email))
    if taken:
        raise AccountError("Alamat surel ini sudah dipakai oleh pengguna lain.", "email")
    with tenant_scope(tenant.id):
        user = User(
            tenant_id=tenant.id,
            email=email,
            full_name=full_name or email.split("@")[0],
            password_hash=hash_password(password),
            roles=list(roles),
            unit=unit,
        )
        db.session.add(user)
        db.session.flush()
        audit.record(
            tenant_id=tenant.id,
            action="user.created",
            object_type="user",
            object_id=user.id,
            summary=f"Pengguna {email} dibuat dengan peran {', '.join(roles)}",
            at=clock.now(),
            actor=actor,
            data={"roles": roles, "unit": unit},
        )
        db.session.commit()
    return user


def authenticate(email: str, password: str) -> User | None:
    """The login lookup is the one place a user is found across tenants (by unique e-mail)."""
    email = (email or "").strip().lower()
    with system_scope():
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            with contextlib.suppress(VerificationError):
                _hasher.verify(_DUMMY_HASH, password or "")  # same time as a wrong password
            return None
        try:
            _hasher.verify(user.password_hash, password or "")
        except (VerificationError, InvalidHashError):
            return None
        if not user.active:
            return None
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
        user.last_login_at = clock.now()
        db.session.commit()
        return user


# --- API tokens -----------------------------------------------------------------------------

TOKEN_LIFETIME_HOURS = 12


def _token_hash(raw: str) -> str:
    import hashlib

    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(user: User) -> tuple[str, ApiToken]:
    """A bearer token for the API; only its sha256 is stored."""
    from datetime import timedelta

    raw = "sikd_" + secrets.token_urlsafe(32)
    now = clock.now()
    with tenant_scope(user.tenant_id):
        token = ApiToken(
            tenant_id=user.tenant_id,
            user_id=user.id,
            token_hash=_token_hash(raw),
            created_at=now,
            expires_at=now + timedelta(hours=TOKEN_LIFETIME_HOURS),
            revoked=False,
        )
        db.session.add(token)
        audit.record(
            tenant_id=user.tenant_id,
            action="token.issued",
            object_type="user",
            object_id=user.id,
            summary=f"Token API diterbitkan untuk {user.email}",
            at=now,
            actor=user,
        )
        db.session.commit()
    return raw, token


def user_for_token(raw: str) -> User | None:
    """The token lookup spans tenants (by unique hash), like the login lookup by e-mail."""

    if not raw or not raw.startswith("sikd_"):
        return None
    with system_scope():
        token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_hash(raw)))
        if token is None or token.revoked or token.expires_at <= clock.now():
            return None
        user = db.session.get(User, token.user_id)
    if user is None or not user.active or user.tenant_id != token.tenant_id:
        return None
    return user
