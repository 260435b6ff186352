"""The JSON API under /api/v1 (flask-smorest; OpenAPI at /api/v1/openapi.json).

Errors are JSON: ``{"code": <stable>, "message": <Indonesian>, "hint": .., "errors": {<field
path>: [..]}, ..}`` (see :mod:`sikd.core.errors`), declared in the document as
:class:`ErrorOut` for every operation. Each feature declares its own blueprint in
``<feature>/api.py`` with its request and response schemas (bases in :mod:`sikd.core.schemas`);
the app factory registers them. Swagger UI is served from the ``swagger-ui-bundle`` package:
nothing is loaded from the internet.
"""

from __future__ import annotations

from functools import wraps
from http import HTTPStatus
from typing import Any

from flask import Flask, jsonify, send_from_directory
from flask_login import current_user
from flask_smorest import Api
from marshmallow import fields
from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.routing import IntegerConverter

from sikd.core.errors import CODES, MESSAGES, AppError
from sikd.core.schemas import Schema

PG_INT_MAX = 2**31 - 1  # PostgreSQL ``integer``: every id in a URL is one
SWAGGER_ASSETS = ("swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js")


class IdConverter(IntegerConverter):
    """``<int:...>`` app-wide: a non-negative number that fits a PostgreSQL integer, else 404
    (a larger one would be a database error, i.e. a 500, if it reached a query)."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max=PG_INT_MAX):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max)


class ErrorOut(Schema):
    """Every refusal and error of the API (README: "Errors")."""

    code = fields.String(
        required=True, metadata={"description": "kode tetap, mis. not_found, stale_state"}
    )
    message = fields.String(required=True, metadata={"description": "kalimat bahasa Indonesia"})
    hint = fields.String(metadata={"description": "apa yang dapat dilakukan berikutnya"})
    errors = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        metadata={"description": "kolom → masalahnya"},
    )
    missing = fields.List(fields.String(), metadata={"description": "dokumen yang belum ada"})
    basis = fields.String(metadata={"description": "dasar hukum"})
    state = fields.Dict(metadata={"description": "keadaan kerja sama sekarang (409)"})


def _flatten(prefix: str, problems: Any, out: dict[str, list[str]]) -> None:
    if isinstance(problems, dict):
        for key, inner in problems.items():
            _flatten(f"{prefix}.{key}" if prefix else str(key), inner, out)
    elif isinstance(problems, list | tuple) and all(isinstance(p, str) for p in problems):
        out.setdefault(prefix or "_schema", []).extend(problems)
    else:
        out.setdefault(prefix or "_schema", []).append(str(problems))


def field_errors_of(messages: dict) -> dict[str, list[str]]:
    """webargs' ``{location: {field: [..] | {index: [..]}}}`` → ``{"field.index": [..]}``;
    the JSON body's fields are named without a location prefix."""
    out: dict[str, list[str]] = {}
    for location, problems in (messages or {}).items():
        _flatten("" if location == "json" else location, problems, out)
    return {name: [_INVALID_BODY.get(p, p) for p in problems] for name, problems in out.items()}


_INVALID_BODY = {
    "Invalid JSON body.": "Isi permintaan bukan JSON yang sah.",
}


class SikdApi(Api):
    ERROR_SCHEMA = ErrorOut

    def handle_http_exception(self, error: HTTPException):
        status = error.code or 500
        data = getattr(error, "data", {}) or {}
        field_errors = field_errors_of(data.get("messages") or {})
        title, hint = MESSAGES.get(status, MESSAGES[500])
        message = (
            "Isian belum benar. Perbaiki kolom yang disebutkan lalu kirim ulang."
            if field_errors
            else (data.get("message") or title)
        )
        body = {"code": data.get("code") or CODES.get(status, "error"), "message": message}
        if field_errors:
            body["errors"] = field_errors
        body["hint"] = hint
        response = jsonify(body)
        response.headers.extend(
            (k, v) for k, v in error.get_headers() if k.lower() not in ("content-type",)
        )
        return response, status


api = SikdApi()


def init_api(app: Flask, blueprints) -> None:
    app.config.update(
        API_TITLE="SIKD API",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="docs",
        OPENAPI_SWAGGER_UI_URL="/api/v1/docs/assets/",  # the swagger-ui-bundle package's files
        API_SPEC_OPTIONS={
            "security": [{"bearer": []}],
            "info": {
                "description": "Kerja sama daerah. Masuk dengan POST /api/v1/auth/tokens lalu "
                "kirim header Authorization: Bearer <token>. Setiap galat berbentuk ErrorOut."
            },
        },
    )
    api.init_app(app)
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    for bp in blueprints:
        api.register_blueprint(bp, url_prefix="/api/v1")
    app.add_url_rule("/api/v1/docs/assets/<path:filename>", "swagger_ui_assets", _swagger_asset)


def _swagger_asset(filename: str):
    import swagger_ui_bundle

    if filename not in SWAGGER_ASSETS:
        raise NotFound()
    return send_from_directory(swagger_ui_bundle.swagger_ui_path, filename)


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


def documented_errors(blp, *statuses: int):
    """Declare the refusals an operation gives (each an :class:`ErrorOut`) in the document."""

    def decorator(view):
        for status in statuses:
            view = blp.alt_response(status, response=HTTPStatus(status).name)(view)
        return view

    return decorator


def cooperation_error(exc: AppError):
    return jsonify(exc.as_json()), exc.status
