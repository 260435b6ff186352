from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from sikd.core.extensions import db, limiter

bp = Blueprint("health", __name__)


@bp.route("/healthz")
@limiter.exempt
def healthz():
    checks: dict[str, dict[str, object]] = {}
    try:
        db.session.execute(text("select 1"))
        checks["database"] = {"ok": True}
    except Exception as exc:  # noqa: BLE001 - report any failure as "down"
        db.session.rollback()
        checks["database"] = {"ok": False, "error": type(exc).__name__}
    try:
        current_app.extensions["sikd_redis"].ping()
        checks["redis"] = {"ok": True}
    except Exception as exc:  # noqa: BLE001
        checks["redis"] = {"ok": False, "error": type(exc).__name__}
    try:
        ok, detail = current_app.extensions["sikd_storage"].healthcheck()
        checks["storage"] = {"ok": ok, "detail": detail}
    except Exception as exc:  # noqa: BLE001
        checks["storage"] = {"ok": False, "error": type(exc).__name__}
    healthy = all(c["ok"] for c in checks.values())
    return jsonify(status="ok" if healthy else "degraded", checks=checks), (200 if healthy else 503)
