"""Notifications in the API: the caller's list, and marking them read."""

from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint

from sikd.core.api import api_login_required
from sikd.notifications.services import mark_notifications_read, notifications_for

blp = Blueprint("notifications", __name__, description="Notifikasi")


@blp.route("/notifications/read")
class NotificationsRead(MethodView):
    decorators = [api_login_required]

    def post(self):
        """Tandai notifikasi sudah dibaca (``{"ids": [..]}``, atau semua bila kosong)."""
        from flask import request

        ids = (request.get_json(silent=True) or {}).get("ids")
        return {"marked": mark_notifications_read(current_user, ids)}


@blp.route("/notifications")
class Notifications(MethodView):
    decorators = [api_login_required]

    def get(self):
        rows = notifications_for(current_user)
        return {
            "items": [
                {
                    "id": n.id,
                    "kind": n.kind,
                    "title": n.title,
                    "body": n.body,
                    "cooperation_id": n.cooperation_id,
                    "created_at": n.created_at.isoformat(),
                    "read": current_user.id in (n.read_by or []),
                }
                for n in rows
            ]
        }
