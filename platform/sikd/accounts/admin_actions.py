"""What a tenant admin does to a user's credentials: one-time reset links, deactivation."""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import select, update

from sikd.accounts.credentials import Revoked, check_new_password, end_credentials, sha256
from sikd.accounts.models import ApiToken, PasswordResetLink, User, UserSession
from sikd.accounts.services import (
    AccountError,
    check_roles_fit,
    hash_password,
)
from sikd.audit import services as audit
from sikd.core import clock
from sikd.core.extensions import db
from sikd.tenancy.scope import system_scope, tenant_scope

RESET_LINK_LIFETIME = timedelta(hours=24)


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
            token_hash=sha256(raw),
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
            select(PasswordResetLink).where(PasswordResetLink.token_hash == sha256(raw))
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
    check_new_password(user, new, confirm)
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
        revoked = end_credentials(user, now)
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
            revoked = end_credentials(target, now)
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


def set_roles_and_unit(admin: User, target: User, roles: list[str], unit: str | None) -> bool:
    """Change a user's roles and unit (perangkat daerah); the roles must fit the tenant. Takes
    effect on the user's next request (roles are read per request). True when anything changed."""
    _check_admin_may_act(admin, target, "mengubah peran")
    roles = sorted(dict.fromkeys(r for r in roles if r))
    check_roles_fit(target.tenant, roles)
    unit = (unit or "").strip()[:160] or None
    if "opd" in roles and not unit:
        raise AccountError(
            "Isi unit (perangkat daerah) untuk Perangkat Daerah Pemrakarsa, mis. Dinas Pariwisata.",
            "unit",
        )
    with tenant_scope(admin.tenant_id):
        target = db.session.merge(target)
        before = {"roles": sorted(target.roles or []), "unit": target.unit}
        if before == {"roles": roles, "unit": unit}:
            db.session.rollback()
            return False
        target.roles, target.unit = roles, unit
        audit.record(
            tenant_id=target.tenant_id,
            action="user.roles_changed",
            object_type="user",
            object_id=target.id,
            summary=f"Peran/unit {target.email} diubah: {', '.join(roles)}; unit {unit or '-'}",
            at=clock.now(),
            actor=admin,
            data={"before": before, "after": {"roles": roles, "unit": unit}},
        )
        db.session.commit()
    return True
