from __future__ import annotations

from flask import Flask, current_app, jsonify, render_template, request
from flask_wtf.csrf import CSRFError

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
    409: (
        "Data sudah berubah",
        "Orang lain baru saja bertindak pada data ini. Muat ulang halaman untuk melihat keadaan terbaru.",
    ),
    413: ("Berkas terlalu besar", "Unggah berkas yang lebih kecil dari batas yang ditentukan."),
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


def upload_limit_message() -> str:
    limit = current_app.config["SIKD_SETTINGS"].upload_max_bytes // (1024 * 1024)
    return f"Ukuran berkas melebihi batas {limit} MB. Perkecil atau pisahkan berkasnya lalu unggah lagi."


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def render_error(status: int, detail: str | None = None, code: str | None = None):
    title, hint = MESSAGES.get(status, MESSAGES[500])
    if _wants_json():
        return jsonify(code=code or f"http_{status}", message=detail or title, hint=hint), status
    return render_template(
        "error.html", status=status, title=title, hint=hint, detail=detail
    ), status


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(exc: CSRFError):
        return render_error(
            400,
            "Formulir kedaluwarsa atau tidak sah (token CSRF). Muat ulang halaman lalu kirim kembali.",
            "csrf_failed",
        )

    for status in (400, 401, 403, 404, 405, 409, 413, 429, 500, 503):

        def handler(exc, status=status):
            detail = getattr(exc, "description", None)
            if status == 413:
                detail = upload_limit_message()
            elif status == 429:
                detail = str(detail) if detail else None
            elif status in (404, 500):
                detail = None  # never leak internals; the page says what to do
            return render_error(status, detail)

        app.register_error_handler(status, handler)
