"""Notifications in the API: the caller's list, and marking them read."""

from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import fields, validate

from sikd.core.api import api_login_required, documented_errors
from sikd.core.schemas import Schema
from sikd.notifications.services import mark_notifications_read, notifications_for

blp = Blueprint("notifications", __name__, description="Notifikasi")


class ReadBody(Schema):
    ids = fields.List(
        fields.Integer(strict=True, validate=validate.Range(min=1, max=2**63 - 1)),
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=500),
        metadata={"label": "Nomor notifikasi", "description": "kosong: semua"},
    )


class Marked(Schema):
    marked = fields.Integer(required=True, metadata={"description": "yang baru ditandai"})


class NotificationOut(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True)
    title = fields.String(required=True)
    body = fields.String(allow_none=True)
    cooperation_id = fields.Integer(allow_none=True)
    created_at = fields.DateTime(required=True)
    read = fields.Boolean(required=True)


class NotificationList(Schema):
    items = fields.List(fields.Nested(NotificationOut), required=True)


@blp.route("/notifications/read")
class NotificationsRead(MethodView):
    decorators = [api_login_required]

    @blp.arguments(ReadBody)
    @blp.response(200, Marked)
    @documented_errors(blp, 401)
    def post(self, body):
        """Tandai notifikasi sudah dibaca (``{"ids": [..]}``, atau semua bila kosong)."""
        return {"marked": mark_notifications_read(current_user, body["ids"])}


@blp.route("/notifications")
class Notifications(MethodView):
    decorators = [api_login_required]

    @blp.response(200, NotificationList)
    @documented_errors(blp, 401)
    def get(self):
        """Notifikasi Anda, terbaru dahulu."""
        rows = notifications_for(current_user)
        return {
            "items": [
                {
                    "id": n.id,
                    "kind": n.kind,
                    "title": n.title,
                    "body": n.body,
                    "cooperation_id": n.cooperation_id,
                    "created_at": n.created_at,
                    "read": current_user.id in (n.read_by or []),
                }
                for n in rows
            ]
        }
