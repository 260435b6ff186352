"""Pemantauan and evaluasi over the API: the tim pembinaan dan pengawasan's rounds (inbox,
report, opened when needed) and the follow-ups of an evaluation's recommendation."""

from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import fields, validate

from sikd.cooperations import monitoring
from sikd.cooperations.access import get_visible, visible_first
from sikd.cooperations.rounds import MonitoringRound
from sikd.core import clock
from sikd.core.api import api_login_required, documented_errors
from sikd.core.errors import NotFound
from sikd.core.extensions import db
from sikd.core.schemas import Schema

blp = Blueprint("pengawasan", __name__, description="Pemantauan dan evaluasi kerja sama")


class RoundOpenArgs(Schema):
    kind = fields.String(
        required=True, validate=validate.OneOf(monitoring.KINDS), metadata={"label": "Jenis"}
    )
    alasan = fields.String(
        required=True, validate=validate.Length(max=2000), metadata={"label": "Alasan"}
    )


class RoundReportArgs(Schema):
    catatan = fields.String(
        load_default="", validate=validate.Length(max=4000), metadata={"label": "Catatan"}
    )


class RoundOut(Schema):
    id = fields.Integer(required=True)
    item = fields.String()
    kind = fields.String(required=True)
    label = fields.String(allow_none=True)
    cooperation = fields.Raw(required=True)
    reason = fields.String(required=True)
    scheduled_on = fields.String(required=True)
    due_on = fields.String(required=True)
    status = fields.String(required=True)
    late = fields.Boolean(required=True)
    reported_at = fields.String(allow_none=True)
    lampiran = fields.Raw()
    alasan = fields.String(allow_none=True)
    rekomendasi = fields.String(allow_none=True)
    tindak_lanjut = fields.Raw(allow_none=True)
    basis = fields.String(allow_none=True)


class RoundList(Schema):
    items = fields.List(fields.Nested(RoundOut), required=True)


@blp.route("/pengawasan")
class Inbox(MethodView):
    decorators = [api_login_required]

    @blp.response(200, RoundList)
    @documented_errors(blp, 401)
    def get(self):
        """Putaran pemantauan/evaluasi yang menunggu laporan Anda, dan tindak lanjut
        rekomendasi evaluasi yang belum dipenuhi."""
        return {"items": monitoring.inbox(current_user.tenant_id, list(current_user.roles))}


@blp.route("/cooperations/<int:coop_id>/pengawasan")
class Rounds(MethodView):
    decorators = [visible_first, api_login_required]

    @blp.response(200, RoundList)
    @documented_errors(blp, 401, 404)
    def get(self, coop_id):
        """Riwayat pemantauan dan evaluasi kerja sama ini."""
        coop = get_visible(coop_id)
        return {"items": monitoring.describe_all(coop, monitoring.rounds_of(coop.id))}

    @blp.arguments(RoundOpenArgs)
    @blp.response(201, RoundOut)
    @documented_errors(blp, 401, 403, 404, 409, 422)
    def post(self, args, coop_id):
        """Buka pemantauan atau evaluasi pada saat diperlukan (dengan alasan)."""
        coop = monitoring.own_running(current_user, coop_id)
        rnd = monitoring.open_when_needed(
            coop, args["kind"], args["alasan"], clock.now(), current_user
        )
        body = monitoring.describe(coop, rnd)
        db.session.commit()
        return body, 201


@blp.route("/pengawasan/<int:round_id>/laporan")
class Report(MethodView):
    decorators = [api_login_required]

    @blp.arguments(RoundReportArgs)
    @blp.response(200, RoundOut)
    @documented_errors(blp, 401, 403, 404, 409, 422)
    def post(self, args, round_id):
        """Sampaikan laporan pemantauan/evaluasi kepada ketua TKKSD beserta lampirannya."""
        rnd = db.session.get(MonitoringRound, round_id)
        if rnd is None:
            raise NotFound("not_found", "Putaran pemantauan/evaluasi tidak ditemukan.")
        coop = monitoring.own_running(current_user, rnd.cooperation_id)
        monitoring.report(coop, rnd, current_user, args["catatan"], clock.now())
        body = monitoring.describe(coop, rnd)
        db.session.commit()
        return body
