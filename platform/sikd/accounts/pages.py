"""Pages of the accounts area: who may open a page (:func:`roles_required`), and the tenant
admin's user list."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import render_template, request
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from sikd.accounts.models import User
from sikd.accounts.views import bp
from sikd.core.errors import render_error
from sikd.core.extensions import db
from sikd.workflow.roles import ROLES


def roles_required(*roles: str) -> Callable:
    """The page is for these roles; anyone else gets a 403 page that says whom to ask."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any):
            if not current_user.has_role(*roles):
                needed = ", ".join(ROLES[r].label for r in roles if r in ROLES)
                return render_error(
                    403,
                    f"Halaman ini untuk peran {needed}. Minta administrator instansi Anda "
                    "menambahkan peran itu bila Anda memerlukannya, atau kembali ke Kotak Masuk.",
                )
            return view(*args, **kwargs)

        return login_required(wrapper)

    return decorator


def _assignable_roles() -> list:
    tenant = current_user.tenant
    return [
        role
        for role in ROLES.values()
        if role.allowed_on(tenant.kind, tenant.code)
        and (role.code != "platform_operator" or current_user.has_role("platform_operator"))
    ]


@bp.route("/admin/pengguna", methods=["GET", "POST"])
@roles_required("tenant_admin")
def users():
    from sikd.accounts.services import AccountError, create_user, generate_password

    errors: dict[str, list[str]] = {}
    values = MultiDict()
    created = None
    generated = None
    status = 200
    if request.method == "POST":
        values = MultiDict(request.form)
        password = values.get("password", "")
        if not password:
            password = generated = generate_password()
        try:
            created = create_user(
                current_user.tenant,
                values.get("email", ""),
                values.getlist("roles"),
                password,
                full_name=values.get("full_name", "").strip() or None,
                unit=values.get("unit", "").strip() or None,
                actor=current_user,
            )
        except AccountError as exc:
            db.session.rollback()
            errors.setdefault(exc.field or "email", []).append(exc.message)
            generated, status = None, 422
        else:
            values = MultiDict()
    people = db.session.scalars(
        select(User).where(User.tenant_id == current_user.tenant_id).order_by(User.full_name)
    ).all()
    return render_template(
        "accounts/users.html",
        people=people,
        roles=_assignable_roles(),
        values=values,
        errors=errors,
        created=created,
        generated=generated,
    ), status
