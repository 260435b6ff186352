"""The JSON API under /api/v1 (flask-smorest; OpenAPI at /api/v1/openapi.json).

Errors are JSON: ``{"code": <stable>, "message": <Indonesian>, "errors": {<field path>: [..]}}``
(see :mod:`sikd.core.errors`). Each feature declares its own blueprint in ``<feature>/api.py``;
the app factory registers them.
"""

from __future__ import annotations

from functools import wraps

from flask import Flask, jsonify
from flask_login import current_user
from flask_smorest import Api
from werkzeug.exceptions import HTTPException

from sikd.core.errors import CODES, MESSAGES, AppError


class SikdApi(Api):
    def handle_http_exception(self, error: HTTPException):
        status = error.code or 500
        data = getattr(error, "data", {}) or {}
        messages = data.get("messages") or {}
        field_errors: dict[str, list[str]] = {}
        for location, fields in messages.items():
            for name, problems in (fields or {}).items():
                field_errors[f"{location}.{name}" if location != "json" else name] = (
                    problems if isinstance(problems, list) else [str(problems)]
                )
        title = MESSAGES.get(status, MESSAGES[500])[0]
        message = (
            "Isian tidak valid. Perbaiki kolom yang disebutkan lalu kirim ulang."
            if status == 422
            else (data.get("message") or title)
        )
        body = {"code": data.get("code") or CODES.get(status, "error"), "message": message}
        if field_errors:
            body["errors"] = field_errors
        return jsonify(body), status


api = SikdApi()


def init_api(app: Flask, blueprints) -> None:
    app.config.update(
        API_TITLE="SIKD API",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="docs",
        OPENAPI_SWAGGER_UI_URL="https://cdn.jsdelivr.net/npm/swagger-ui-dist/",
    )
    api.init_app(app)
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    for bp in blueprints:
        api.register_blueprint(bp, url_prefix="/api/v1")


def error_response(code: str, message: str, status: int, **extra):
    body = {"code": code, "message": message}
    body.update({k: v for k, v in extra.items() if v})
    return jsonify(body), status


def api_login_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            return error_response(
                "unauthenticated",
                "Perlu masuk: kirim header Authorization: Bearer <token> dari POST /api/v1/auth/tokens.",
                401,
            )
        return view(*args, **kwargs)

    return wrapper


def cooperation_error(exc: AppError):
    return jsonify(exc.as_json()), exc.status
