"""Disputes of a running KSDPL/KSDLL over the API (Perwal Bekasi 57/2023 Pasal 82-83)."""

from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import fields, validate

from sikd.cooperations import disputes
from sikd.cooperations.access import get_visible, visible_first
from sikd.core import clock
from sikd.core.api import api_login_required, documented_errors
from sikd.core.extensions import db
from sikd.core.schemas import Schema

blp = Blueprint("perselisihan", __name__, description="Penyelesaian perselisihan KSDPL/KSDLL")


class DisputeOpenArgs(Schema):
    uraian = fields.String(
        required=True, validate=validate.Length(max=4000), metadata={"label": "Uraian"}
    )


class DisputeStepArgs(Schema):
    langkah = fields.String(
        required=True,
        validate=validate.OneOf(["konsultasi_menteri", "selesai"]),
        metadata={"label": "Langkah"},
    )
    catatan = fields.String(
        required=True, validate=validate.Length(max=4000), metadata={"label": "Catatan"}
    )


class DisputeOut(Schema):
    id = fields.Integer(required=True)
    status = fields.String(required=True)
    tahap = fields.String(required=True)
    uraian = fields.String(required=True)
    opened_at = fields.String(required=True)
    closed_at = fields.String(allow_none=True)
    langkah = fields.Raw(required=True)
    berikutnya = fields.List(fields.String())
    menunggu = fields.String()
    basis = fields.String()


class DisputeList(Schema):
    items = fields.List(fields.Nested(DisputeOut), required=True)


@blp.route("/cooperations/<int:coop_id>/perselisihan")
class Disputes(MethodView):
    decorators = [visible_first, api_login_required]

    @blp.response(200, DisputeList)
    @documented_errors(blp, 401, 404)
    def get(self, coop_id):
        """Perselisihan kerja sama ini dan langkah penyelesaiannya."""
        coop = get_visible(coop_id)
        return {"items": [disputes.describe(d) for d in disputes.disputes_of(coop)]}

    @blp.arguments(DisputeOpenArgs)
    @blp.response(201, DisputeOut)
    @documented_errors(blp, 401, 403, 404, 409, 422)
    def post(self, args, coop_id):
        """Catat perselisihan; penyelesaian dimulai dengan negosiasi dan konsultasi (Pasal 82)."""
        coop = get_visible(coop_id, for_update=True)
        d = disputes.open_dispute(current_user, coop, args["uraian"], clock.now())
        body = disputes.describe(d)
        db.session.commit()
        return body, 201


@blp.route("/cooperations/<int:coop_id>/perselisihan/<int:dispute_id>/langkah")
class DisputeStep(MethodView):
    decorators = [visible_first, api_login_required]

    @blp.arguments(DisputeStepArgs)
    @blp.response(200, DisputeOut)
    @documented_errors(blp, 401, 403, 404, 409, 422)
    def post(self, args, coop_id, dispute_id):
        """Langkah berikutnya: konsultasi kepada Menteri (Pasal 83) atau selesai."""
        coop = get_visible(coop_id, for_update=True)
        d = disputes.get_dispute(coop, dispute_id)
        disputes.step(current_user, coop, d, args["langkah"], args["catatan"], clock.now())
        body = disputes.describe(d)
        db.session.commit()
        return body
