"""JSON API of domestic cooperation: the partner picker, each side's facts, the KSDPK
selection, the reports received and the supervision queue."""

from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from sikd.cooperations import selection, supervision
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
from sikd.core import clock
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


class QueueArgs(Schema):
    phase = fields.String(load_default=None, metadata={"description": "penjajakan … pengakhiran"})
    year = fields.Integer(load_default=None)


class NoteBody(Schema):
    kind = fields.String(required=True, metadata={"description": "pembinaan | temuan | ..."})
    text = fields.String(required=True, validate=validate.Length(max=4000))


class ReportBody(Schema):
    year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))
    period = fields.String(load_default=None, validate=validate.Length(max=40))
    summary = fields.String(required=True, validate=validate.Length(max=8000))


def _note_dict(note) -> dict:
    return {
        "id": note.id,
        "kind": note.kind,
        "phase": note.phase,
        "text": note.text,
        "at": note.at.isoformat(),
    }


@blp.route("/supervision")
class SupervisionQueue(MethodView):
    decorators = [api_login_required]

    @blp.arguments(QueueArgs, location="query")
    def get(self, args):
        """Antrean pembinaan dan pengawasan KSDD/KSDPK menurut tahap (Permendagri 23/2009)."""
        items = supervision.queue(current_user, args["phase"], args["year"])
        return {
            "phases": supervision.PHASES,
            "basis": supervision.BASIS,
            "items": [
                {
                    "cooperation": CooperationOut().dump(i["cooperation"]),
                    "phase": i["phase"],
                    "notes": [_note_dict(n) for n in i["notes"]],
                }
                for i in items
            ],
        }


@blp.route("/supervision/cooperations/<int:coop_id>/notes")
class SupervisionNotes(MethodView):
    decorators = [api_login_required]

    def get(self, coop_id):
        """Catatan pembinaan, temuan, dan permintaan keterangan atas kerja sama ini."""
        coop = get_visible(coop_id)
        return {"items": [_note_dict(n) for n in supervision.notes_of(coop)]}

    @blp.arguments(NoteBody)
    def post(self, body, coop_id):
        """Catat pembinaan, temuan, atau minta keterangan; daerah yang diawasi diberi tahu."""
        note = supervision.add_note(current_user, coop_id, body["kind"], body["text"])
        return _note_dict(note), 201


@blp.route("/supervision/reports")
class SupervisionReports(MethodView):
    decorators = [api_login_required]

    def get(self):
        """Laporan pembinaan dan pengawasan yang Anda kirim atau terima."""
        return {
            "items": [
                {
                    "id": r.id,
                    "year": r.year,
                    "period": r.period,
                    "summary": r.summary,
                    "items": r.items,
                    "from_tenant_id": r.tenant_id,
                    "at": r.at.isoformat(),
                }
                for r in supervision.reports_for(current_user)
            ]
        }

    @blp.arguments(ReportBody)
    def post(self, body):
        """Susun dan sampaikan laporan Gubernur kepada Menteri Dalam Negeri (Pasal 13)."""
        report = supervision.submit_report(
            current_user, body["year"], body["period"], body["summary"]
        )
        return {"id": report.id, "period": report.period, "items": report.items}, 201


@blp.route("/supervision/report-draft")
class SupervisionReportDraft(MethodView):
    decorators = [api_login_required]

    @blp.arguments(QueueArgs, location="query")
    def get(self, args):
        """Isi laporan berkala sebelum disampaikan: kerja sama yang diawasi dan catatannya."""
        year = args["year"] or clock.now().year
        return {"year": year, "items": supervision.report_items(current_user, year)}
