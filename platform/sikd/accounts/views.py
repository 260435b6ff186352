from __future__ import annotations

from flask import (
    Blueprint,
    Flask,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import EmailField, PasswordField, SubmitField
from wtforms.validators import DataRequired, Email

from sikd.accounts import admin_actions, credentials, limits
from sikd.accounts.models import User
from sikd.accounts.services import INACTIVE, AccountError, check_login, token_and_user
from sikd.core import clock
from sikd.core.extensions import csrf, db, login_manager
from sikd.tenancy.scope import set_tenant

bp = Blueprint("accounts", __name__, template_folder="templates")

LOGIN_LIMIT = limits.ACCOUNT_LIMIT
SESSION_KEY = "sikd_sid"  # the random id of this browser's session row (stored hashed)


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
        if _has_bearer():
            return None  # a bearer header authenticates alone: never by the cookie beside it
        try:
            user_id, tenant_id, version = (int(part) for part in user_key.split(":", 2))
        except ValueError:
            return None  # a session from before credentials versions: sign in again
        set_tenant(tenant_id)  # RLS: the user row is visible only inside its own tenant
        user = db.session.scalar(
            select(User).where(User.id == user_id, User.tenant_id == tenant_id)
        )
        if (
            user is None
            or not user.active
            or user.credentials_version != version
            or not credentials.session_is_live(user, session.get(SESSION_KEY))
        ):
            set_tenant(None)
            return None
        return user

    @login_manager.request_loader
    def load_user_from_bearer(req) -> User | None:
        header = req.headers.get("Authorization", "")
        if not header.lower().startswith("bearer "):
            return None
        found = token_and_user(header[7:].strip())
        if found is None:
            return None
        token, user = found
        set_tenant(user.tenant_id)
        g.api_token_auth = True
        g.api_token_id = token.id
        return user

    @app.before_request
    def _bind_tenant_and_check_csrf():
        # Flask-Login caches the user on ``g``, which lives on the app context; a caller that
        # keeps one app context across requests (tests, scripts) must not see the last user.
        g.pop("_login_user", None)
        g.pop("csrf_token", None)  # Flask-WTF's cached token, likewise per request
        g.pop("api_token_id", None)
        g.pop("api_token_auth", None)
        g.pop("login_failed", None)
        set_tenant(None)
        if request.routing_exception is not None:
            return None  # 404 or 405 (with Allow) for what is not served, before CSRF asks
        token_exchange = request.path == "/api/v1/auth/tokens"  # e-mail + password, no cookie used
        unsafe = request.method in ("POST", "PUT", "PATCH", "DELETE")
        if _has_bearer() and not token_exchange:
            # Only the token authenticates (load_user ignores the cookie); a bearer header that
            # is not a live token is refused, never passed on to the cookie or to CSRF rules.
            if not current_user.is_authenticated:
                return _bearer_refused()
        elif unsafe and not token_exchange and _session_or_page():
            # Every form and every cookie-authenticated API call carries a CSRF token. An
            # anonymous API call has no session to forge: the view answers 401.
            csrf.protect()
        if current_user.is_authenticated:  # triggers a loader, which sets the tenant
            g.tenant = current_user.tenant
        return None


def _has_bearer() -> bool:
    return request.headers.get("Authorization", "").lower().startswith("bearer ")


def _session_or_page() -> bool:
    return current_user.is_authenticated or not request.path.startswith("/api/")


def _bearer_refused():
    from sikd.core.errors import render_error

    return render_error(
        401,
        "Token bearer tidak sah, kedaluwarsa, atau sudah dicabut. Minta token baru lewat "
        "POST /api/v1/auth/tokens, atau kirim permintaan tanpa header Authorization.",
        "invalid_token",
    )


def _login_key() -> str:
    email = (request.form.get("email") or "").strip().lower()
    return f"login:{request.remote_addr}:{email}"


def sign_in(user: User) -> None:
    """Flask-Login's session plus a revocable session row for this browser."""
    session.pop(SESSION_KEY, None)
    session[SESSION_KEY] = credentials.start_session(user, request.remote_addr)
    login_user(user)
    set_tenant(user.tenant_id)


def sign_out() -> None:
    credentials.end_session(current_user._get_current_object(), session.get(SESSION_KEY))
    logout_user()
    session.clear()  # nothing of the old session stays in the cookie


_limit_account, _limit_address, _limit_all = limits.login_limits(_login_key)


@bp.route("/masuk", methods=["GET", "POST"])
@_limit_account
@_limit_address
@_limit_all
def login():
    if current_user.is_authenticated:
        return redirect(url_for("cooperation_pages.home"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        user, reason = check_login(form.email.data, form.password.data)
        if user is not None:
            sign_in(user)
            target = request.args.get("next")
            if not target or not target.startswith("/") or target.startswith("//"):
                target = url_for("cooperation_pages.home")
            return redirect(target)
        g.login_failed = True
        status = 401
        if reason == INACTIVE:
            flash(
                "Akun Anda dinonaktifkan. Hubungi administrator instansi Anda untuk "
                "mengaktifkannya kembali.",
                "danger",
            )
        else:
            flash("Alamat surel atau kata sandi salah. Periksa kembali lalu coba lagi.", "danger")
    elif request.method == "POST":
        status = 400
    return render_template("accounts/login.html", form=form), status


@bp.route("/keluar", methods=["POST"])
@login_required
def logout():
    sign_out()
    flash("Anda telah keluar.", "info")
    return redirect(url_for("accounts.login"))


# --- the signed-in user's own credentials ---------------------------------------------------


@bp.route("/akun/kata-sandi", methods=["GET", "POST"])
@login_required
def change_password():
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        user = current_user._get_current_object()
        if limits.password_change_blocked(user.id):
            errors["current_password"] = [limits.password_change_message()]
            status = 429
        else:
            try:
                revoked = credentials.change_password(
                    user,
                    request.form.get("current_password", ""),
                    request.form.get("new_password", ""),
                    request.form.get("confirm_password", ""),
                )
            except AccountError as exc:
                db.session.rollback()
                if exc.field == "current_password":
                    limits.password_change_failed(user.id)
                errors.setdefault(exc.field or "new_password", []).append(exc.message)
                status = 422
            else:
                if not g.get("api_token_auth"):
                    sign_in(user)  # this browser stays signed in under the new credentials
                others = revoked.sessions - 1 if revoked.sessions else 0
                flash(
                    "Kata sandi Anda sudah diubah. "
                    f"{others} sesi lain dan {revoked.tokens} token API dicabut; "
                    "masuk kembali di perangkat lain dengan kata sandi baru.",
                    "success",
                )
                return redirect(url_for("accounts.change_password"))
    return render_template("accounts/change_password.html", errors=errors), status


@bp.route("/akun/token")
@login_required
def tokens():
    return render_template(
        "accounts/tokens.html",
        tokens=credentials.tokens_of(current_user),
        now=clock.now(),
    )


@bp.route("/akun/token/<int:token_id>/cabut", methods=["POST"])
@login_required
def revoke_token(token_id: int):
    token = credentials.revoke_token(current_user, token_id)
    if token is None:
        abort(404)
    flash(f"Token #{token.id} dicabut; aplikasi yang memakainya perlu token baru.", "success")
    return redirect(url_for("accounts.tokens"))


# --- the one-time reset link ----------------------------------------------------------------


@bp.route("/atur-ulang-kata-sandi/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    found = admin_actions.reset_link_user(token)
    if found is None:
        response = render_template("accounts/reset_invalid.html"), 404
    else:
        _, user = found
        # plain values: a refusal rolls back, and the user row is not visible outside its tenant
        who = {"email": user.email, "tenant": user.tenant.name}
        errors: dict[str, list[str]] = {}
        status = 200
        if request.method == "POST":
            try:
                done = admin_actions.reset_password_with_link(
                    token,
                    request.form.get("new_password", ""),
                    request.form.get("confirm_password", ""),
                )
            except AccountError as exc:
                db.session.rollback()
                errors.setdefault(exc.field or "new_password", []).append(exc.message)
                status = 422
            else:
                if done is None:
                    response = render_template("accounts/reset_invalid.html"), 404
                    return _no_referrer(response)
                if current_user.is_authenticated:
                    logout_user()
                session.clear()
                flash(
                    "Kata sandi baru sudah disimpan. Silakan masuk dengan kata sandi baru.",
                    "success",
                )
                return _no_referrer(redirect(url_for("accounts.login")))
        response = render_template("accounts/reset.html", who=who, errors=errors), status
    return _no_referrer(response)


def _no_referrer(response):
    """The link's token is in the address: keep it out of Referer headers and caches."""
    from flask import make_response

    response = make_response(response)
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response
