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
from datetime import datetime, timedelta

from sqlalchemy import select, update

from sikd.accounts.models import ApiToken, PasswordResetLink, User, UserSession
from sikd.accounts.services import (
    AccountError,
    check_password_strength,
    hash_password,
    verify_password,
)
from sikd.audit import services as audit
from sikd.core import clock
from sikd.core.extensions import db
from sikd.tenancy.scope import system_scope, tenant_scope

RESET_LINK_LIFETIME = timedelta(hours=24)


def _sha256(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@dataclass(frozen=True)
class Revoked:
    tokens: int
    sessions: int


def _end_credentials(user: User, now: datetime) -> Revoked:
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
            sid_hash=_sha256(raw),
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
            UserSession.sid_hash == _sha256(raw_sid),
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
                    UserSession.sid_hash == _sha256(raw_sid),
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
    _check_new_password(user, new, confirm)
    if verify_password(user, new):
        raise AccountError(
            "Kata sandi baru harus berbeda dari kata sandi saat ini.", "new_password"
        )
    now = clock.now()
    with tenant_scope(user.tenant_id):
        user = db.session.merge(user)
        user.password_hash = hash_password(new)
        user.password_changed_at = now
        revoked = _end_credentials(user, now)
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


def _check_new_password(user: User, new: str, confirm: str | None) -> None:
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


# --- tenant admin: reset links, deactivation ------------------------------------------------


def user_in_admin_tenant(admin: User, user_id: int) -> User | None:
    """A user of the admin's own tenant, else ``None`` (the pages answer 404)."""
    with tenant_scope(admin.tenant_id):
        return db.session.scalar(
            select(User).where(User.tenant_id == admin.tenant_id, User.id == user_id)
        )


def _check_admin_may_act(admin: User, target: User, what: str) -> None:
    if not admin.has_role("tenant_admin") or admin.tenant_id != target.tenant_id:
        raise AccountError("Hanya administrator instansi pengguna ini yang dapat melakukannya.")
    if target.id == admin.id:
        raise AccountError(
            f"Anda tidak dapat {what} akun Anda sendiri. Untuk kata sandi Anda, pakai halaman "
            "Ubah kata sandi; untuk akun Anda, minta administrator lain."
        )
    if target.has_role("platform_operator") and not admin.has_role("platform_operator"):
        raise AccountError(f"Hanya Operator Platform yang dapat {what} akun Operator Platform.")


def create_reset_link(admin: User, target: User) -> tuple[str, PasswordResetLink]:
    """A one-time link (24 hours) for ``target`` to set a new password. Earlier open links
    for the same user are cancelled; the raw token is returned once and stored hashed."""
    _check_admin_may_act(admin, target, "membuat tautan atur ulang kata sandi untuk")
    if not target.active:
        raise AccountError(
            "Akun ini nonaktif. Aktifkan kembali akunnya dahulu, lalu buat tautan atur ulang."
        )
    raw = secrets.token_urlsafe(32)
    now = clock.now()
    with tenant_scope(admin.tenant_id):
        cancelled = db.session.execute(
            update(PasswordResetLink)
            .where(
                PasswordResetLink.tenant_id == target.tenant_id,
                PasswordResetLink.user_id == target.id,
                PasswordResetLink.used_at.is_(None),
                PasswordResetLink.cancelled_at.is_(None),
            )
            .values(cancelled_at=now)
        ).rowcount
        link = PasswordResetLink(
            tenant_id=target.tenant_id,
            user_id=target.id,
            token_hash=_sha256(raw),
            created_by=admin.id,
            created_at=now,
            expires_at=now + RESET_LINK_LIFETIME,
        )
        db.session.add(link)
        db.session.flush()
        audit.record(
            tenant_id=target.tenant_id,
            action="user.password_reset_link_created",
            object_type="user",
            object_id=target.id,
            summary=f"Tautan atur ulang kata sandi untuk {target.email} dibuat "
            f"(berlaku sampai {link.expires_at:%Y-%m-%d %H:%M} UTC)",
            at=now,
            actor=admin,
            data={
                "link_id": link.id,
                "expires_at": link.expires_at.isoformat(),
                "earlier_links_cancelled": cancelled or 0,
            },
        )
        db.session.commit()
    return raw, link


def reset_link_user(raw: str) -> tuple[PasswordResetLink, User] | None:
    """The link and its user while the link may still be used, else ``None``. The lookup
    spans tenants (by unique hash), like the login lookup by e-mail."""
    if not raw or len(raw) > 200:
        return None
    with system_scope():
        link = db.session.scalar(
            select(PasswordResetLink).where(PasswordResetLink.token_hash == _sha256(raw))
        )
        if (
            link is None
            or link.used_at is not None
            or link.cancelled_at is not None
            or link.expires_at <= clock.now()
        ):
            return None
        user = db.session.get(User, link.user_id)
    if user is None or not user.active or user.tenant_id != link.tenant_id:
        return None
    return link, user


def reset_password_with_link(raw: str, new: str, confirm: str | None = None) -> User | None:
    """Set the new password through a link; the link is spent, every session and token ends.
    ``None`` when the link is no longer valid."""
    found = reset_link_user(raw)
    if found is None:
        return None
    link, user = found
    _check_new_password(user, new, confirm)
    now = clock.now()
    with tenant_scope(user.tenant_id):
        # single use even when two requests race: only one UPDATE finds the link unused
        spent = db.session.execute(
            update(PasswordResetLink)
            .where(
                PasswordResetLink.id == link.id,
                PasswordResetLink.used_at.is_(None),
                PasswordResetLink.cancelled_at.is_(None),
            )
            .values(used_at=now)
        ).rowcount
        if not spent:
            db.session.rollback()
            return None
        user = db.session.merge(user)
        user.password_hash = hash_password(new)
        user.password_changed_at = now
        revoked = _end_credentials(user, now)
        audit.record(
            tenant_id=user.tenant_id,
            action="user.password_reset",
            object_type="user",
            object_id=user.id,
            summary=f"{user.email} menetapkan kata sandi baru lewat tautan atur ulang; "
            "semua sesi dan token lama dicabut",
            at=now,
            actor=user,
            data={
                "link_id": link.id,
                "tokens_revoked": revoked.tokens,
                "sessions_revoked": revoked.sessions,
            },
        )
        db.session.commit()
    return user


def set_active(admin: User, target: User, active: bool) -> Revoked:
    """Deactivate (every session and token ends at once) or reactivate a user."""
    _check_admin_may_act(admin, target, "menonaktifkan" if not active else "mengaktifkan")
    now = clock.now()
    revoked = Revoked(0, 0)
    with tenant_scope(admin.tenant_id):
        target = db.session.merge(target)
        if target.active == active:
            db.session.rollback()
            return revoked
        target.active = active
        if not active:
            revoked = _end_credentials(target, now)
            db.session.execute(
                update(PasswordResetLink)
                .where(
                    PasswordResetLink.tenant_id == target.tenant_id,
                    PasswordResetLink.user_id == target.id,
                    PasswordResetLink.used_at.is_(None),
                    PasswordResetLink.cancelled_at.is_(None),
                )
                .values(cancelled_at=now)
            )
        audit.record(
            tenant_id=target.tenant_id,
            action="user.deactivated" if not active else "user.reactivated",
            object_type="user",
            object_id=target.id,
            summary=(
                f"Akun {target.email} dinonaktifkan; semua sesi dan token dicabut"
                if not active
                else f"Akun {target.email} diaktifkan kembali"
            ),
            at=now,
            actor=admin,
            data={"tokens_revoked": revoked.tokens, "sessions_revoked": revoked.sessions},
        )
        db.session.commit()
    return revoked


def open_credentials(user: User) -> dict[str, int]:
    """How many sessions and unexpired tokens a user has open (for the admin page)."""
    from sqlalchemy import func

    now = clock.now()
    with tenant_scope(user.tenant_id):
        sessions = db.session.scalar(
            select(func.count())
            .select_from(UserSession)
            .where(
                UserSession.tenant_id == user.tenant_id,
                UserSession.user_id == user.id,
                UserSession.revoked_at.is_(None),
            )
        )
        tokens = db.session.scalar(
            select(func.count())
            .select_from(ApiToken)
            .where(
                ApiToken.tenant_id == user.tenant_id,
                ApiToken.user_id == user.id,
                ApiToken.revoked.is_(False),
                ApiToken.expires_at > now,
            )
        )
    return {"sessions": sessions or 0, "tokens": tokens or 0}
