"""Accounts: creating users with roles that fit their tenant, and checking passwords."""

from __future__ import annotations

import contextlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select

from sikd.accounts.models import ApiToken, User
from sikd.audit import services as audit
from sikd.core import clock
from sikd.core.extensions import db
from sikd.tenancy.models import Tenant
from sikd.tenancy.scope import system_scope, tenant_scope
from sikd.workflow.roles import ROLES

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
    check_password_strength(password, email=email, full_name=full_name)
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


PASSWORD_MIN_LENGTH = 10
PASSWORD_MAX_LENGTH = 256
# The passwords tried first in any spraying run; checked whole, case-insensitively.
_COMMON_PASSWORDS = frozenset(
    {
        "1234567890",
        "12345678910",
        "123456789a",
        "0987654321",
        "qwertyuiop",
        "password123",
        "password1234",
        "passw0rd123",
        "katasandi123",
        "katasandi1234",
        "bismillah123",
        "indonesia123",
        "indonesia1945",
        "merdeka1945",
        "admin12345",
        "administrator",
        "sikd123456",
        "sikd12345678",
        "rahasia123",
        "rahasia12345",
    }
)


def check_password_strength(
    password: str,
    *,
    email: str | None = None,
    full_name: str | None = None,
    field: str = "password",
) -> None:
    """The one password rule (NIST SP 800-63B style: length and a blocklist, no composition
    rules): at least 10 characters, not a well-known password, not the e-mail or the name."""
    password = password or ""
    if len(password) < PASSWORD_MIN_LENGTH:
        raise AccountError(f"Kata sandi minimal {PASSWORD_MIN_LENGTH} karakter.", field)
    if len(password) > PASSWORD_MAX_LENGTH:
        raise AccountError(f"Kata sandi paling panjang {PASSWORD_MAX_LENGTH} karakter.", field)
    lowered = password.lower()
    if lowered in _COMMON_PASSWORDS or len(set(lowered)) <= 2:
        raise AccountError(
            "Kata sandi ini terlalu mudah ditebak. Pakai beberapa kata yang hanya Anda ketahui, "
            "misalnya frasa pendek dengan angka.",
            field,
        )
    for own in (email, (email or "").split("@")[0], full_name):
        if own and len(own) >= 4 and own.lower().replace(" ", "") in lowered.replace(" ", ""):
            raise AccountError("Kata sandi tidak boleh memuat alamat surel atau nama Anda.", field)


def verify_password(user: User, password: str) -> bool:
    try:
        return _hasher.verify(user.password_hash, password or "")
    except (VerificationError, InvalidHashError):
        return False


def authenticate(email: str, password: str) -> User | None:
    """The login lookup is the one place a user is found across tenants (by unique e-mail)."""
    user, _ = check_login(email, password)
    return user


INACTIVE = "inactive"


def check_login(email: str, password: str) -> tuple[User | None, str | None]:
    """``(user, None)`` on success; ``(None, "inactive")`` for the right password of a
    deactivated account (so the page can say whom to ask); ``(None, None)`` otherwise."""
    email = (email or "").strip().lower()
    with system_scope():
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            with contextlib.suppress(VerificationError):
                _hasher.verify(_DUMMY_HASH, password or "")  # same time as a wrong password
            return None, None
        if not verify_password(user, password):
            return None, None
        if not user.active:
            return None, INACTIVE
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
        user.last_login_at = clock.now()
        db.session.commit()
        return user, None


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
            credentials_version=user.credentials_version,
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
    found = token_and_user(raw)
    return found[1] if found else None


def token_and_user(raw: str) -> tuple[ApiToken, User] | None:
    """The token lookup spans tenants (by unique hash), like the login lookup by e-mail.
    A token dies with its revocation, its expiry, and any change of the user's credentials
    version (password change, reset, deactivation)."""

    if not raw or not raw.startswith("sikd_"):
        return None
    with system_scope():
        token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_hash(raw)))
        if token is None or token.revoked or token.expires_at <= clock.now():
            return None
        user = db.session.get(User, token.user_id)
    if (
        user is None
        or not user.active
        or user.tenant_id != token.tenant_id
        or user.credentials_version != token.credentials_version
    ):
        return None
    return token, user
