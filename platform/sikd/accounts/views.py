from __future__ import annotations

from flask import Blueprint, Flask, flash, g, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import EmailField, PasswordField, SubmitField
from wtforms.validators import DataRequired, Email

from sikd.accounts.models import User
from sikd.accounts.services import authenticate, user_for_token
from sikd.core.extensions import csrf, db, limiter, login_manager
from sikd.tenancy.scope import set_tenant

bp = Blueprint("accounts", __name__, template_folder="templates")

LOGIN_LIMIT = "5 per 15 minutes"


class LoginForm(FlaskForm):
    email = EmailField(
        "Alamat surel",
        validators=[DataRequired("Isi alamat surel."), Email("Alamat surel tidak valid.")],
    )
    password = PasswordField("Kata sandi", validators=[DataRequired("Isi kata sandi.")])
    submit = SubmitField("Masuk")


def init_login(app: Flask) -> None:
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Silakan masuk terlebih dahulu."
    login_manager.login_message_category = "warning"
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(user_key: str) -> User | None:
        try:
            user_id, tenant_id = (int(part) for part in user_key.split(":", 1))
        except ValueError:
            return None
        set_tenant(tenant_id)  # RLS: the user row is visible only inside its own tenant
        user = db.session.scalar(
            select(User).where(User.id == user_id, User.tenant_id == tenant_id)
        )
        if user is None or not user.active:
            set_tenant(None)
            return None
        return user

    @login_manager.request_loader
    def load_user_from_bearer(req) -> User | None:
        header = req.headers.get("Authorization", "")
        if not header.lower().startswith("bearer "):
            return None
        user = user_for_token(header[7:].strip())
        if user is not None:
            set_tenant(user.tenant_id)
            g.api_token_auth = True
        return user

    @app.before_request
    def _bind_tenant_and_check_csrf() -> None:
        # Flask-Login caches the user on ``g``, which lives on the app context; a caller that
        # keeps one app context across requests (tests, scripts) must not see the last user.
        g.pop("_login_user", None)
        g.pop("csrf_token", None)  # Flask-WTF's cached token, likewise per request
        set_tenant(None)
        bearer = request.headers.get("Authorization", "").lower().startswith("bearer ")
        token_exchange = request.path == "/api/v1/auth/tokens"  # e-mail + password, no cookie used
        if (
            request.method in ("POST", "PUT", "PATCH", "DELETE")
            and not bearer
            and not token_exchange
        ):
            # Every form and every cookie-authenticated API call carries a CSRF token;
            # bearer-token API calls cannot be forged by a browser and are exempt.
            csrf.protect()
        if current_user.is_authenticated:  # triggers a loader, which sets the tenant
            g.tenant = current_user.tenant


def _login_key() -> str:
    email = (request.form.get("email") or "").strip().lower()
    return f"login:{request.remote_addr}:{email}"


@bp.route("/masuk", methods=["GET", "POST"])
@limiter.limit(
    LOGIN_LIMIT,
    key_func=_login_key,
    methods=["POST"],
    deduct_when=lambda response: bool(g.get("login_failed")),
    error_message="Terlalu banyak percobaan masuk yang gagal. Tunggu 15 menit lalu coba lagi.",
)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("cooperation_pages.home"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user)
            set_tenant(user.tenant_id)
            target = request.args.get("next")
            if not target or not target.startswith("/") or target.startswith("//"):
                target = url_for("cooperation_pages.home")
            return redirect(target)
        g.login_failed = True
        status = 401
        flash("Alamat surel atau kata sandi salah. Periksa kembali lalu coba lagi.", "danger")
    elif request.method == "POST":
        status = 400
    return render_template("accounts/login.html", form=form), status


@bp.route("/keluar", methods=["POST"])
@login_required
def logout():
    logout_user()
    flash("Anda telah keluar.", "info")
    return redirect(url_for("accounts.login"))
