"""The tenant admin's page for one user: a one-time reset link, deactivation, reactivation.

Only users of the admin's own tenant are found (the query filters on the tenant and RLS
underneath); anyone else's user answers 404, exactly like a user that does not exist.
"""

from __future__ import annotations

from functools import wraps
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from sikd.accounts import admin_actions
from sikd.accounts.models import User
from sikd.accounts.services import AccountError
from sikd.core.errors import render_error
from sikd.core.extensions import db
from sikd.workflow.roles import ROLES

bp = Blueprint("account_admin", __name__)


def _tenant_admin(view):
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any):
        if not current_user.has_role("tenant_admin"):
            return render_error(
                403,
                "Halaman ini untuk peran Administrator Instansi. Minta administrator instansi "
                "Anda bila Anda memerlukannya, atau kembali ke Kotak Masuk.",
            )
        return view(*args, **kwargs)

    return login_required(wrapper)


def _target(user_id: int) -> User | None:
    return admin_actions.user_in_admin_tenant(current_user, user_id)


def _not_found():
    return render_error(
        404,
        "Pengguna ini tidak ada di instansi Anda. Kembali ke daftar Pengguna.",
    )


def _page(user: User, status: int = 200, reset_url: str | None = None, error: str | None = None):
    return render_template(
        "accounts/user_admin.html",
        user=user,
        open=admin_actions.open_credentials(user),
        reset_url=reset_url,
        lifetime_hours=int(admin_actions.RESET_LINK_LIFETIME.total_seconds() // 3600),
        error=error,
        is_self=user.id == current_user.id,
        roles=[r for r in ROLES.values() if r.allowed_on(user.tenant.kind, user.tenant.code)],
    ), status


@bp.route("/admin/pengguna/<int:user_id>")
@_tenant_admin
def user_page(user_id: int):
    user = _target(user_id)
    if user is None:
        return _not_found()
    return _page(user)


@bp.route("/admin/pengguna/<int:user_id>/tautan-atur-ulang", methods=["POST"])
@_tenant_admin
def create_reset_link(user_id: int):
    user = _target(user_id)
    if user is None:
        return _not_found()
    try:
        raw, _ = admin_actions.create_reset_link(current_user, user)
    except AccountError as exc:
        db.session.rollback()
        return _page(user, 422, error=exc.message)
    # the configured address, never the request's Host header (which a client chooses)
    base = current_app.config["SIKD_SETTINGS"].base_url.rstrip("/")
    url = base + url_for("accounts.reset_password", token=raw)
    response = _page(user, 201, reset_url=url)
    return response[0], response[1], {"Cache-Control": "no-store"}


@bp.route("/admin/pengguna/<int:user_id>/nonaktifkan", methods=["POST"])
@_tenant_admin
def deactivate(user_id: int):
    return _set_active(user_id, False)


@bp.route("/admin/pengguna/<int:user_id>/aktifkan", methods=["POST"])
@_tenant_admin
def reactivate(user_id: int):
    return _set_active(user_id, True)


def _set_active(user_id: int, active: bool):
    user = _target(user_id)
    if user is None:
        return _not_found()
    try:
        revoked = admin_actions.set_active(current_user, user, active)
    except AccountError as exc:
        db.session.rollback()
        return _page(user, 422, error=exc.message)
    if active:
        flash(f"Akun {user.email} aktif kembali; pengguna dapat masuk lagi.", "success")
    else:
        flash(
            f"Akun {user.email} dinonaktifkan: {revoked.sessions} sesi dan {revoked.tokens} "
            "token API langsung dicabut, dan pengguna tidak dapat masuk.",
            "success",
        )
    return redirect(url_for("account_admin.user_page", user_id=user.id))


@bp.route("/admin/pengguna/<int:user_id>/peran", methods=["POST"])
@_tenant_admin
def change_roles(user_id: int):
    user = _target(user_id)
    if user is None:
        return _not_found()
    try:
        changed = admin_actions.set_roles_and_unit(
            current_user, user, request.form.getlist("roles"), request.form.get("unit")
        )
    except AccountError as exc:
        db.session.rollback()
        return _page(user, 422, error=exc.message)
    flash(
        f"Peran dan unit {user.email} disimpan; berlaku mulai halaman berikutnya yang dibuka "
        "pengguna."
        if changed
        else f"Tidak ada perubahan untuk {user.email}.",
        "success",
    )
    return redirect(url_for("account_admin.user_page", user_id=user.id))
