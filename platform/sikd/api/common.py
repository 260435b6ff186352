from __future__ import annotations

from functools import wraps

from flask import jsonify
from flask_login import current_user

from sikd.cooperations.services import CooperationError


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


def cooperation_error(exc: CooperationError):
    return error_response(
        exc.code,
        exc.message,
        exc.status,
        errors=exc.field_errors,
        missing=list(exc.missing),
        basis=exc.basis,
        state=exc.state,
    )
