"""One error type and one handler: JSON under ``/api``, an Indonesian page elsewhere.

Every refusal the services raise is an :class:`AppError` (or a subclass) with a stable ``code``
from :data:`CODES` or a domain code (``wrong_level``, ``missing_documents`` …, listed in the
README), an Indonesian ``message`` that says what to do, an HTTP ``status``, and optionally field
errors, the documents still missing, the legal basis and the cooperation's current state.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask, Response, current_app, jsonify, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

_LIMIT_TEXT = re.compile(r"^\d+ per \d* ?\w+")

# The generic codes, one per HTTP status; domain refusals carry their own code.
CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "invalid_input",
    429: "rate_limited",
    500: "server_error",
    503: "unavailable",
}

MESSAGES = {
    400: ("Permintaan tidak dapat diproses", "Periksa kembali isian Anda lalu kirim ulang."),
    401: ("Perlu masuk", "Silakan masuk dengan akun Anda untuk melanjutkan."),
    403: (
        "Akses ditolak",
        "Peran Anda tidak mengizinkan tindakan ini. Hubungi administrator instansi bila Anda memerlukannya.",
    ),
    404: (
        "Halaman tidak ditemukan",
        "Data yang Anda cari tidak ada atau tidak dapat Anda lihat. Kembali ke Kotak Masuk.",
    ),
    405: ("Metode tidak diizinkan", "Alamat ini tidak menerima permintaan seperti itu."),
    409: (
        "Data sudah berubah",
        "Orang lain baru saja bertindak pada data ini. Muat ulang halaman untuk melihat keadaan terbaru.",
    ),
    413: ("Berkas terlalu besar", "Unggah berkas yang lebih kecil dari batas yang ditentukan."),
    422: ("Isian belum benar", "Perbaiki isian yang ditandai lalu kirim ulang."),
    429: ("Terlalu banyak percobaan", "Tunggu beberapa saat lalu coba lagi."),
    500: (
        "Terjadi kesalahan pada sistem",
        "Coba lagi beberapa saat lagi. Bila berulang, hubungi operator platform.",
    ),
    503: (
        "Layanan sedang tidak tersedia",
        "Penyimpanan atau layanan pendukung sedang gangguan. Coba lagi beberapa saat lagi.",
    ),
}


class AppError(Exception):
    """A refusal shown as-is: stable code, Indonesian message, HTTP status."""

    status = 422
    default_code = "invalid_input"

    def __init__(
        self,
        code: str | None,
        message: str,
        *,
        status: int | None = None,
        missing: tuple[str, ...] | list[str] = (),
        basis: str = "",
        field_errors: dict[str, list[str]] | None = None,
        state: dict[str, Any] | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code or self.default_code
        self.message = message
        self.status = status or self.status
        self.missing = tuple(missing)
        self.basis = basis
        self.field_errors = field_errors or {}
        self.state = state
        self.hint = hint

    def as_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        extra = {
            "hint": self.hint,
            "errors": self.field_errors,
            "missing": list(self.missing),
            "basis": self.basis,
            "state": self.state,
        }
        body.update({k: v for k, v in extra.items() if v})
        return body


class NotFound(AppError):
    """Not there, or not visible to the caller: the two are never told apart."""

    status = 404
    default_code = "not_found"


def upload_limit_message() -> str:
    limit = current_app.config["SIKD_SETTINGS"].upload_max_bytes // (1024 * 1024)
    return f"Ukuran berkas melebihi batas {limit} MB. Perkecil atau pisahkan berkasnya lalu unggah lagi."


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def render_error(status: int, detail: str | None = None, code: str | None = None):
    """The one rendering of an error: JSON body under /api, the Indonesian page elsewhere."""
    return render_app_error(
        AppError(code or CODES.get(status, "error"), detail or "", status=status)
    )


def render_app_error(exc: AppError):
    title, hint = MESSAGES.get(exc.status, MESSAGES[500])
    if wants_json():
        body = exc.as_json()
        body["message"] = exc.message or title
        body.setdefault("hint", hint)
        return jsonify(body), exc.status
    return render_template(
        "error.html",
        status=exc.status,
        title=title,
        hint=exc.hint or hint,
        detail=exc.message or None,
        field_errors=exc.field_errors,
    ), exc.status


def register_error_handlers(app: Flask) -> None:
    from sikd.core.extensions import db

    @app.errorhandler(AppError)
    def _refused(exc: AppError):
        db.session.rollback()
        return render_app_error(exc)

    @app.errorhandler(CSRFError)
    def _csrf(exc: CSRFError):
        return render_error(
            400,
            "Formulir kedaluwarsa atau tidak sah (token CSRF). Muat ulang halaman lalu kirim kembali.",
            "csrf_failed",
        )

    def http_error(exc: HTTPException):
        status = exc.code or 500
        detail = getattr(exc, "description", None)
        if status == 413:
            detail = upload_limit_message()
        elif status == 429 and detail and _LIMIT_TEXT.match(str(detail)):
            detail = None  # the limiter's own text is English ("5 per 15 minute"); the hint says it
        elif status in (400, 404, 405, 500):
            detail = None  # never leak internals; the page says what to do
        response, status = render_error(status, detail)
        if not isinstance(response, Response):
            response = make_response(response, status)
        # 405 names the methods served (Allow), 429 when to retry (Retry-After)
        for name, value in exc.get_headers():
            if name.lower() in ("allow", "retry-after"):
                response.headers[name] = value
        return response, status

    for status in (400, 401, 403, 404, 405, 409, 413, 429, 500, 503):
        app.register_error_handler(status, http_error)
