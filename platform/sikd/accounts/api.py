from __future__ import annotations

from flask import g, request
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from sikd.accounts.services import TOKEN_LIFETIME_HOURS, authenticate, issue_token
from sikd.core.api import error_response
from sikd.core.extensions import limiter

blp = Blueprint("auth", __name__, description="Autentikasi API")


class TokenRequest(Schema):
    email = fields.Email(required=True, metadata={"description": "Alamat surel pengguna"})
    password = fields.String(required=True, load_only=True)


class TokenResponse(Schema):
    token = fields.String()
    token_type = fields.String()
    expires_in_hours = fields.Integer()
    user = fields.Dict()


@blp.route("/auth/tokens")
class Tokens(MethodView):
    decorators = [
        limiter.limit(
            "5 per 15 minutes",
            key_func=lambda: "api-login:{}:{}".format(
                request.remote_addr,
                str((request.get_json(silent=True) or {}).get("email", "")).lower(),
            ),
            deduct_when=lambda response: bool(g.get("login_failed")),
        )
    ]

    @blp.arguments(TokenRequest)
    @blp.response(201, TokenResponse)
    def post(self, body):
        """Tukar surel + kata sandi dengan token bearer (berlaku 12 jam)."""
        user = authenticate(body["email"], body["password"])
        if user is None:
            g.login_failed = True
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
