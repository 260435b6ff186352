"""The JSON API under /api/v1 (flask-smorest; OpenAPI at /api/v1/openapi.json).

Errors are JSON: ``{"code": <stable>, "message": <Indonesian>, "errors": {<field path>: [..]}}``.
"""

from __future__ import annotations

from flask import Flask, jsonify
from flask_smorest import Api
from werkzeug.exceptions import HTTPException

from sikd.web.errors import MESSAGES

_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "invalid_input",
    429: "rate_limited",
    503: "unavailable",
}


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
        body = {"code": data.get("code") or _CODES.get(status, "error"), "message": message}
        if field_errors:
            body["errors"] = field_errors
        return jsonify(body), status


api = SikdApi()


def init_api(app: Flask) -> None:
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
    from sikd.api import auth, cooperations, documents, rules

    for bp in (auth.blp, cooperations.blp, documents.blp, rules.blp):
        api.register_blueprint(bp, url_prefix="/api/v1")
    app.add_url_rule("/unduh/<token>", "download_link", documents.follow_download_link)

    from sikd.api.common import cooperation_error
    from sikd.cooperations.services import CooperationError
    from sikd.web.errors import render_error

    @app.errorhandler(CooperationError)
    def _cooperation_refused(exc: CooperationError):
        """A refusal from the services: JSON for the API, the Indonesian error page otherwise."""
        from flask import request

        from sikd.extensions import db

        db.session.rollback()
        if request.path.startswith("/api/"):
            return cooperation_error(exc)
        return render_error(exc.status, exc.message, exc.code)
