"""JSON API of domestic cooperation: the partner picker, each side's facts, the KSDPK
selection, the reports received and the supervision queue."""

from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from sikd.cooperations import selection
from sikd.cooperations.access import get_visible
from sikd.cooperations.api import CooperationOut
from sikd.cooperations.domestic import received_reports
from sikd.cooperations.partners import (
    facts_by_side,
    search_partners,
    set_fact,
    settable_facts,
)
from sikd.cooperations.state import rules_of
from sikd.core.api import api_login_required

blp = Blueprint("domestic", __name__, description="Kerja sama dalam negeri (KSDD/KSDPK)")


class PartnerSearchArgs(Schema):
    q = fields.String(load_default="", metadata={"description": "nama atau kode daerah"})


class FactBody(Schema):
    fact = fields.String(required=True)
    value = fields.Boolean(required=True)
    alasan = fields.String(required=True, validate=validate.Length(max=2000))
    expected_version = fields.Integer(load_default=None)


class ScoreBody(Schema):
    candidate = fields.String(required=True, validate=validate.Length(min=1, max=300))
    criterion = fields.String(required=True)
    score = fields.Integer(required=True, strict=True)
    note = fields.String(required=True, validate=validate.Length(max=4000))


@blp.route("/partners")
class Partners(MethodView):
    decorators = [api_login_required]

    @blp.arguments(PartnerSearchArgs, location="query")
    def get(self, args):
        """Cari daerah mitra KSDD dalam daftar (provinsi dan kabupaten/kota)."""
        return {"items": search_partners(current_user, args["q"])}


@blp.route("/cooperations/<int:coop_id>/facts")
class Facts(MethodView):
    decorators = [api_login_required]

    def get(self, coop_id):
        """Fakta kerja sama per pihak dan yang dapat Anda ubah."""
        coop = get_visible(coop_id)
        sides = facts_by_side(rules_of(coop), coop.process)
        current = set(coop.facts or ())
        return {
            "version": coop.version,
            "sides": {
                side: {fact: fact in current for fact in sorted(names)}
                for side, names in sides.items()
            },
            "settable": sorted(settable_facts(current_user, coop)),
        }

    @blp.arguments(FactBody)
    @blp.response(200, CooperationOut)
    def post(self, body, coop_id):
        """Tetapkan atau cabut fakta (mis. membebani masyarakat) dengan alasan; tercatat di audit."""
        return set_fact(
            current_user,
            coop_id,
            body["fact"],
            body["value"],
            body["alasan"],
            body["expected_version"],
        )


def _selection_payload(coop) -> dict:
    return {
        "criteria": [{"code": k, "label": v} for k, v in selection.CRITERIA.items()],
        "basis": selection.BASIS,
        "ranking": selection.ranking(coop),
        "berita_acara": [
            {"chosen": r.chosen, "ranking": r.ranking, "at": r.at.isoformat()}
            for r in selection.records_of(coop)
        ],
    }


@blp.route("/cooperations/<int:coop_id>/selection")
class Selection(MethodView):
    decorators = [api_login_required]

    def get(self, coop_id):
        """Penilaian calon mitra KSDPK, peringkat, dan berita acara pemilihan."""
        return _selection_payload(get_visible(coop_id))

    @blp.arguments(ScoreBody)
    def post(self, body, coop_id):
        """Nilai satu kriteria untuk satu calon mitra (1-100, dengan catatan)."""
        selection.score_candidate(
            current_user,
            coop_id,
            body["candidate"],
            body["criterion"],
            body["score"],
            body["note"],
        )
        return _selection_payload(get_visible(coop_id)), 201


@blp.route("/reports/received")
class ReceivedReports(MethodView):
    decorators = [api_login_required]

    def get(self):
        """Laporan pelaksanaan yang disampaikan kepada instansi Anda (Pasal 33(2))."""
        return {"items": received_reports(current_user)}
