from __future__ import annotations

from flask import g, request
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import fields, validate

from sikd.accounts import credentials, limits
from sikd.accounts.services import (
    INACTIVE,
    TOKEN_LIFETIME_HOURS,
    AccountError,
    check_login,
    issue_token,
)
from sikd.core import clock
from sikd.core.api import api_login_required, documented_errors, error_response
from sikd.core.extensions import db
from sikd.core.schemas import Schema

blp = Blueprint("auth", __name__, description="Autentikasi API")


@blp.errorhandler(429)
def _too_many(exc):
    """Failed sign-ins over a limit: the API's error shape with an Indonesian sentence."""
    return error_response("rate_limited", str(exc.description), 429)


def _password(label: str) -> fields.String:
    return fields.String(
        required=True,
        load_only=True,
        validate=validate.Length(min=1, max=1000),
        metadata={"label": label},
    )


class TokenRequest(Schema):
    email = fields.Email(
        required=True,
        validate=validate.Length(max=254),
        metadata={"description": "Alamat surel pengguna", "label": "Alamat surel"},
    )
    password = _password("Kata sandi")


class TokenTenant(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)


class TokenUser(Schema):
    id = fields.Integer(required=True)
    email = fields.String(required=True)
    roles = fields.List(fields.String(), required=True)
    tenant = fields.Nested(TokenTenant, required=True)


class TokenResponse(Schema):
    token = fields.String(required=True)
    token_type = fields.String(required=True)
    expires_in_hours = fields.Integer(required=True)
    user = fields.Nested(TokenUser, required=True)


class TokenInfo(Schema):
    id = fields.Integer(required=True)
    created_at = fields.DateTime(required=True)
    expires_at = fields.DateTime(required=True)
    revoked_at = fields.DateTime(allow_none=True)
    status = fields.String(metadata={"description": "aktif, kedaluwarsa atau dicabut"})
    current = fields.Boolean(metadata={"description": "token yang dipakai permintaan ini"})


class TokenList(Schema):
    tokens = fields.List(fields.Nested(TokenInfo), required=True)


class PasswordChange(Schema):
    current_password = _password("Kata sandi sekarang")
    new_password = _password("Kata sandi baru")


class PasswordChanged(Schema):
    message = fields.String()
    tokens_revoked = fields.Integer()
    sessions_revoked = fields.Integer()


def _api_login_key() -> str:
    body = request.get_json(silent=True)
    email = body.get("email") if isinstance(body, dict) else None
    email = email.strip().lower() if isinstance(email, str) else ""
    return f"api-login:{request.remote_addr}:{email[:254]}"


def _token_info(token, now) -> dict:
    return {
        "id": token.id,
        "created_at": token.created_at,
        "expires_at": token.expires_at,
        "revoked_at": token.revoked_at,
        "status": token.status(now),
        "current": token.id == g.get("api_token_id"),
    }


@blp.route("/auth/tokens")
class Tokens(MethodView):
    decorators = limits.login_limits(_api_login_key)

    @blp.arguments(TokenRequest)
    @blp.response(201, TokenResponse)
    @documented_errors(blp, 401, 429)
    @blp.doc(security=[])
    def post(self, body):
        """Tukar surel + kata sandi dengan token bearer (berlaku 12 jam)."""
        user, reason = check_login(body["email"], body["password"])
        if user is None:
            g.login_failed = True
            if reason == INACTIVE:
                return error_response(
                    "account_inactive",
                    "Akun Anda dinonaktifkan. Hubungi administrator instansi Anda untuk "
                    "mengaktifkannya kembali.",
                    401,
                )
            return error_response(
                "invalid_credentials",
                "Alamat surel atau kata sandi salah. Periksa kembali lalu coba lagi.",
                401,
            )
        raw, _ = issue_token(user)
        return {
            "token": raw,
            "token_type": "Bearer",
            "expires_in_hours": TOKEN_LIFETIME_HOURS,
            "user": {
                "id": user.id,
                "email": user.email,
                "roles": user.roles,
                "tenant": {"code": user.tenant.code, "name": user.tenant.name},
            },
        }

    @api_login_required
    @blp.response(200, TokenList)
    @documented_errors(blp, 401)
    def get(self):
        """Token API milik pengguna yang masuk (terbaru dahulu), dengan statusnya."""
        now = clock.now()
        return {"tokens": [_token_info(t, now) for t in credentials.tokens_of(current_user)]}


@blp.route("/auth/tokens/<int:token_id>")
class TokenItem(MethodView):
    @api_login_required
    @blp.response(204)
    @documented_errors(blp, 401, 404)
    def delete(self, token_id: int):
        """Cabut satu token API milik sendiri; token itu langsung tidak berlaku."""
        token = credentials.revoke_token(current_user, token_id)
        if token is None:
            return error_response(
                "not_found",
                "Token ini tidak ada atau bukan milik Anda. Lihat daftar di GET /api/v1/auth/tokens.",
                404,
            )
        return None


@blp.route("/auth/password")
class Password(MethodView):
    @api_login_required
    @blp.arguments(PasswordChange)
    @blp.response(200, PasswordChanged)
    @documented_errors(blp, 401, 429)
    def post(self, body):
        """Ubah kata sandi sendiri. Semua sesi web dan token API lama (termasuk token yang
        dipakai permintaan ini) dicabut; minta token baru dengan kata sandi baru."""
        user = current_user._get_current_object()
        if limits.password_change_blocked(user.id):
            return error_response("rate_limited", limits.password_change_message(), 429)
        try:
            revoked = credentials.change_password(
                user, body["current_password"], body["new_password"]
            )
        except AccountError as exc:
            db.session.rollback()
            if exc.field == "current_password":
                limits.password_change_failed(user.id)
            return error_response(
                "invalid_input" if exc.field != "current_password" else "wrong_password",
                exc.message,
                422,
                errors={exc.field or "new_password": [exc.message]},
            )
        return {
            "message": "Kata sandi sudah diubah. Semua token dan sesi lama dicabut; minta token "
            "baru lewat POST /api/v1/auth/tokens dengan kata sandi baru.",
            "tokens_revoked": revoked.tokens,
            "sessions_revoked": revoked.sessions,
        }
