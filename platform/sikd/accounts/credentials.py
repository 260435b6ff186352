"""Credentials that end with their reason: password change, admin reset links, deactivation,
revocable web sessions and API tokens.

Every user row carries ``credentials_version``. Web sessions (``User.get_id``) and API tokens
record the version they were issued under; changing the password, resetting it through a link
or deactivating the account raises the version *and* revokes the stored session and token rows
in the same transaction, so nothing issued before keeps working. Every change is audited.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update

from sikd.accounts.models import ApiToken, User, UserSession
from sikd.accounts.services import (
    AccountError,
    check_password_strength,
    hash_password,
    verify_password,
)
from sikd.audit import services as audit
from sikd.core import clock
from sikd.core.extensions import db
from sikd.tenancy.scope import tenant_scope


def sha256(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@dataclass(frozen=True)
class Revoked:
    tokens: int
    sessions: int


def end_credentials(user: User, now: datetime) -> Revoked:
    """Raise the user's credentials version and revoke every open session and token row.
    Runs inside the caller's transaction, in the user's tenant scope."""
    db.session.execute(
        select(User.id).where(User.id == user.id).with_for_update()
    )  # two changes at once still raise the version twice
    user.credentials_version = (user.credentials_version or 1) + 1
    tokens = db.session.execute(
        update(ApiToken)
        .where(
            ApiToken.tenant_id == user.tenant_id,
            ApiToken.user_id == user.id,
            ApiToken.revoked.is_(False),
        )
        .values(revoked=True, revoked_at=now)
    ).rowcount
    sessions = db.session.execute(
        update(UserSession)
        .where(
            UserSession.tenant_id == user.tenant_id,
            UserSession.user_id == user.id,
            UserSession.revoked_at.is_(None),
        )
        .values(revoked_at=now)
    ).rowcount
    db.session.flush()
    return Revoked(tokens=tokens or 0, sessions=sessions or 0)


# --- web sessions ---------------------------------------------------------------------------


def start_session(user: User, ip: str | None) -> str:
    """A new signed-in browser: returns the random id the cookie keeps (stored hashed)."""
    raw = secrets.token_urlsafe(32)
    now = clock.now()
    with tenant_scope(user.tenant_id):
        row = UserSession(
            tenant_id=user.tenant_id,
            user_id=user.id,
            sid_hash=sha256(raw),
            created_at=now,
            ip=(ip or "")[:64] or None,
        )
        db.session.add(row)
        db.session.flush()
        audit.record(
            tenant_id=user.tenant_id,
            action="user.logged_in",
            object_type="user",
            object_id=user.id,
            summary=f"{user.email} masuk lewat web",
            at=now,
            actor=user,
            data={"session_id": row.id, "ip": row.ip},
        )
        db.session.commit()
    return raw


def session_is_live(user: User, raw_sid: str | None) -> bool:
    """In the user's tenant scope (the user loader has set it)."""
    if not raw_sid:
        return False
    row = db.session.scalar(
        select(UserSession.id).where(
            UserSession.tenant_id == user.tenant_id,
            UserSession.user_id == user.id,
            UserSession.sid_hash == sha256(raw_sid),
            UserSession.revoked_at.is_(None),
        )
    )
    return row is not None


def end_session(user: User, raw_sid: str | None) -> None:
    """Logging out revokes the session row: the old cookie, if copied, no longer signs in."""
    now = clock.now()
    with tenant_scope(user.tenant_id):
        row = (
            db.session.scalar(
                select(UserSession).where(
                    UserSession.tenant_id == user.tenant_id,
                    UserSession.sid_hash == sha256(raw_sid),
                    UserSession.revoked_at.is_(None),
                )
            )
            if raw_sid
            else None
        )
        if row is not None:
            row.revoked_at = now
        audit.record(
            tenant_id=user.tenant_id,
            action="user.logged_out",
            object_type="user",
            object_id=user.id,
            summary=f"{user.email} keluar dari web",
            at=now,
            actor=user,
            data={"session_id": row.id if row is not None else None},
        )
        db.session.commit()


# --- password change ------------------------------------------------------------------------


def change_password(user: User, current: str, new: str, confirm: str | None = None) -> Revoked:
    """The signed-in user changes its own password; every other session and token ends."""
    if not verify_password(user, current):
        raise AccountError(
            "Kata sandi saat ini salah. Ketik ulang kata sandi yang Anda pakai untuk masuk.",
            "current_password",
        )
    check_new_password(user, new, confirm)
    if verify_password(user, new):
        raise AccountError(
            "Kata sandi baru harus berbeda dari kata sandi saat ini.", "new_password"
        )
    now = clock.now()
    with tenant_scope(user.tenant_id):
        user = db.session.merge(user)
        user.password_hash = hash_password(new)
        user.password_changed_at = now
        revoked = end_credentials(user, now)
        audit.record(
            tenant_id=user.tenant_id,
            action="user.password_changed",
            object_type="user",
            object_id=user.id,
            summary=f"{user.email} mengubah kata sandinya; semua sesi dan token lama dicabut",
            at=now,
            actor=user,
            data={"tokens_revoked": revoked.tokens, "sessions_revoked": revoked.sessions},
        )
        db.session.commit()
    return revoked


def check_new_password(user: User, new: str, confirm: str | None) -> None:
    check_password_strength(new, email=user.email, full_name=user.full_name, field="new_password")
    if confirm is not None and confirm != new:
        raise AccountError(
            "Ulangan kata sandi baru tidak sama. Ketik kata sandi baru yang sama dua kali.",
            "confirm_password",
        )


# --- API tokens -----------------------------------------------------------------------------


def tokens_of(user: User) -> list[ApiToken]:
    with tenant_scope(user.tenant_id):
        return list(
            db.session.scalars(
                select(ApiToken)
                .where(ApiToken.tenant_id == user.tenant_id, ApiToken.user_id == user.id)
                .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
            )
        )


def revoke_token(user: User, token_id: int) -> ApiToken | None:
    """Revoke one of the user's own tokens; ``None`` when it is not theirs (or not there)."""
    now = clock.now()
    with tenant_scope(user.tenant_id):
        token = db.session.scalar(
            select(ApiToken).where(
                ApiToken.tenant_id == user.tenant_id,
                ApiToken.user_id == user.id,
                ApiToken.id == token_id,
            )
        )
        if token is None:
            return None
        if not token.revoked:
            token.revoked = True
            token.revoked_at = now
            audit.record(
                tenant_id=user.tenant_id,
                action="token.revoked",
                object_type="user",
                object_id=user.id,
                summary=f"{user.email} mencabut token API #{token.id}",
                at=now,
                actor=user,
                data={"token_id": token.id},
            )
        db.session.commit()
    return token
