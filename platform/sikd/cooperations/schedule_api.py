"""The schedules of running cooperations over the API: one cooperation's, and every late one
the caller may see (the holder, its TKKSD, the Gubernur of a kab/kota, Kemendagri)."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields, validate
from sqlalchemy import select

from sikd.cooperations import schedules
from sikd.cooperations.access import get_visible, visibility_filter
from sikd.cooperations.models import Cooperation
from sikd.core.api import api_login_required, documented_errors
from sikd.core.extensions import db
from sikd.core.schemas import Schema
from sikd.deadlines.models import Deadline

blp = Blueprint("jadwal", __name__, description="Jadwal kerja sama berjalan")


class ScheduleArgs(Schema):
    status = fields.String(
        load_default="late",
        validate=validate.OneOf(["open", "late"]),
        metadata={"label": "Status jadwal"},
    )


class ScheduleCooperation(Schema):
    id = fields.Integer(required=True)
    number = fields.String(required=True)
    tenant = fields.String(required=True)


class ScheduleItem(Schema):
    cooperation = fields.Nested(ScheduleCooperation, required=True)
    jadwal = fields.String(required=True)
    label = fields.String(allow_none=True)
    period = fields.String(allow_none=True)
    due_at = fields.String(required=True, metadata={"format": "date-time"})
    status = fields.String(required=True)
    late = fields.Boolean(required=True)
    basis = fields.String(allow_none=True)
    reminders_sent = fields.List(fields.String())


class ScheduleList(Schema):
    items = fields.List(fields.Nested(ScheduleItem), required=True)


@blp.route("/cooperations/<int:coop_id>/jadwal")
class CooperationSchedule(MethodView):
    decorators = [api_login_required]

    @blp.response(200, ScheduleList)
    @documented_errors(blp, 401, 404)
    def get(self, coop_id):
        """Jadwal kerja sama ini: masa berlaku, laporan tahunan, laporan mitra, dan lainnya."""
        coop = get_visible(coop_id)
        rows = schedules.rows_of(coop.id, ("open", "late", "closed", "fired"))
        return {"items": [schedules.describe(coop, r) for r in rows]}


@blp.route("/jadwal")
class Schedules(MethodView):
    decorators = [api_login_required]

    @blp.arguments(ScheduleArgs, location="query", unknown=None)  # unknown names: 422
    @blp.response(200, ScheduleList)
    @documented_errors(blp, 401)
    def get(self, args):
        """Jadwal yang terlambat (status=late) atau masih berjalan (status=open) pada kerja sama
        yang boleh Anda lihat."""
        rows = db.session.execute(
            select(Deadline, Cooperation)
            .join(Cooperation, Cooperation.id == Deadline.cooperation_id)
            .where(
                Deadline.jadwal.is_not(None),
                Deadline.status == args["status"],
                visibility_filter(),
            )
            .order_by(Deadline.due_at)
            .limit(500)
        ).all()
        return {"items": [schedules.describe(coop, row) for row, coop in rows]}
