"""The schedules of running cooperations over the API: one cooperation's, and every late one
the caller may see (the holder, its TKKSD, the Gubernur of a kab/kota, Kemendagri)."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from sikd.cooperations import schedules
from sikd.cooperations.access import get_visible, visibility_filter
from sikd.cooperations.models import Cooperation
from sikd.core.api import api_login_required
from sikd.core.extensions import db
from sikd.deadlines.models import Deadline

blp = Blueprint("jadwal", __name__, description="Jadwal kerja sama berjalan")


class ScheduleArgs(Schema):
    status = fields.String(load_default="late", validate=validate.OneOf(["open", "late"]))


@blp.route("/cooperations/<int:coop_id>/jadwal")
class CooperationSchedule(MethodView):
    decorators = [api_login_required]

    def get(self, coop_id):
        """Jadwal kerja sama ini: masa berlaku, laporan tahunan, laporan mitra, dan lainnya."""
        coop = get_visible(coop_id)
        rows = schedules.rows_of(coop.id, ("open", "late", "closed", "fired"))
        return {"items": [schedules.describe(coop, r) for r in rows]}


@blp.route("/jadwal")
class Schedules(MethodView):
    decorators = [api_login_required]

    @blp.arguments(ScheduleArgs, location="query")
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
