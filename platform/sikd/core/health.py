"""``/healthz``: is each service the app needs up? Anonymous callers (load balancers) get
only ok/not ok per service; the detail (bucket, endpoint, directory) is for a signed-in
platform operator, and goes to the log when a check fails."""

from __future__ import annotations

import logging

from flask import Blueprint, current_app, jsonify
from flask_login import current_user
from sqlalchemy import text

from sikd.core.extensions import db, limiter

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)


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
    if not healthy:
        log.warning("healthz: %s", checks)
    if not _may_see_detail():
        checks = {name: {"ok": c["ok"]} for name, c in checks.items()}
    return jsonify(status="ok" if healthy else "degraded", checks=checks), (200 if healthy else 503)


def _may_see_detail() -> bool:
    return bool(current_user.is_authenticated and "platform_operator" in (current_user.roles or ()))
