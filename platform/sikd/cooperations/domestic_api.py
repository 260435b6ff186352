"""JSON API of domestic cooperation: the partner picker, each side's facts, the KSDPK
selection, the reports received and the supervision queue (schemas in
:mod:`sikd.cooperations.domestic_schemas`)."""

from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint

from sikd.cooperations import selection, supervision
from sikd.cooperations.access import get_visible, visible_first
from sikd.cooperations.api_schemas import CooperationOut
from sikd.cooperations.domestic import received_reports
from sikd.cooperations.domestic_schemas import (
    FactBody,
    FactsOut,
    NoteBody,
    NoteOut,
    NotesOut,
    PartnerSearchArgs,
    PartnersOut,
    QueueArgs,
    QueueOut,
    ReceivedReportsOut,
    ReportBody,
    ReportDraftOut,
    ReportOut,
    ReportsOut,
    ScoreBody,
    SelectionOut,
)
from sikd.cooperations.facts import set_fact
from sikd.cooperations.partners import facts_by_side, search_partners, settable_facts
from sikd.cooperations.state import preload_rulebook_versions, rules_of
from sikd.core import clock
from sikd.core.api import api_login_required, documented_errors

blp = Blueprint("domestic", __name__, description="Kerja sama dalam negeri (KSDD/KSDPK)")


@blp.route("/partners")
class Partners(MethodView):
    decorators = [api_login_required]

    @blp.arguments(PartnerSearchArgs, location="query", unknown=None)  # unknown names: 422
    @blp.response(200, PartnersOut)
    @documented_errors(blp, 401)
    def get(self, args):
        """Cari daerah mitra KSDD dalam daftar (provinsi dan kabupaten/kota)."""
        return {"items": search_partners(current_user, args["q"])}


@blp.route("/cooperations/<int:coop_id>/facts")
class Facts(MethodView):
    decorators = [visible_first, api_login_required]

    @blp.response(200, FactsOut)
    @documented_errors(blp, 401, 404)
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
    @documented_errors(blp, 401, 403, 404, 409)
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
        "criteria": [{"code": k, "label": v} for k, v in selection.criteria_of(coop).items()],
        "basis": selection.BASIS,
        "ranking": selection.ranking(coop),
        "berita_acara": [
            {"chosen": r.chosen, "ranking": r.ranking, "at": r.at}
            for r in selection.records_of(coop)
        ],
    }


@blp.route("/cooperations/<int:coop_id>/selection")
class Selection(MethodView):
    decorators = [visible_first, api_login_required]

    @blp.response(200, SelectionOut)
    @documented_errors(blp, 401, 404)
    def get(self, coop_id):
        """Penilaian calon mitra KSDPK, peringkat, dan berita acara pemilihan."""
        return _selection_payload(get_visible(coop_id))

    @blp.arguments(ScoreBody)
    @blp.response(201, SelectionOut)
    @documented_errors(blp, 401, 403, 404, 409)
    def post(self, body, coop_id):
        """Nilai satu kriteria untuk satu calon mitra (1-100, dengan catatan); 409 di luar
        tahap Pemilihan calon mitra."""
        selection.score_candidate(
            current_user,
            coop_id,
            body["candidate"],
            body["criterion"],
            body["score"],
            body["note"],
        )
        return _selection_payload(get_visible(coop_id))


@blp.route("/reports/received")
class ReceivedReports(MethodView):
    decorators = [api_login_required]

    @blp.response(200, ReceivedReportsOut)
    @documented_errors(blp, 401)
    def get(self):
        """Laporan pelaksanaan yang disampaikan kepada instansi Anda (Pasal 33(2))."""
        return {"items": received_reports(current_user)}


@blp.route("/supervision")
class SupervisionQueue(MethodView):
    decorators = [api_login_required]

    @blp.arguments(QueueArgs, location="query", unknown=None)  # unknown names: 422
    @blp.response(200, QueueOut)
    @documented_errors(blp, 401, 403)
    def get(self, args):
        """Antrean pembinaan dan pengawasan KSDD/KSDPK menurut tahap (Permendagri 23/2009)."""
        items = supervision.queue(current_user, args["phase"], args["year"])
        preload_rulebook_versions([i["cooperation"] for i in items])
        return {"phases": supervision.PHASES, "basis": supervision.BASIS, "items": items}


@blp.route("/supervision/cooperations/<int:coop_id>/notes")
class SupervisionNotes(MethodView):
    decorators = [visible_first, api_login_required]

    @blp.response(200, NotesOut)
    @documented_errors(blp, 401, 404)
    def get(self, coop_id):
        """Catatan pembinaan, temuan, dan permintaan keterangan atas kerja sama ini."""
        return {"items": supervision.notes_of(get_visible(coop_id))}

    @blp.arguments(NoteBody)
    @blp.response(201, NoteOut)
    @documented_errors(blp, 401, 403, 404)
    def post(self, body, coop_id):
        """Catat pembinaan, temuan, atau minta keterangan; daerah yang diawasi diberi tahu."""
        return supervision.add_note(current_user, coop_id, body["kind"], body["text"])


@blp.route("/supervision/reports")
class SupervisionReports(MethodView):
    decorators = [api_login_required]

    @blp.response(200, ReportsOut)
    @documented_errors(blp, 401)
    def get(self):
        """Laporan pembinaan dan pengawasan yang Anda kirim atau terima."""
        return {"items": supervision.reports_for(current_user)}

    @blp.arguments(ReportBody)
    @blp.response(201, ReportOut)
    @documented_errors(blp, 401, 403)
    def post(self, body):
        """Susun dan sampaikan laporan Gubernur kepada Menteri Dalam Negeri (Pasal 13)."""
        return supervision.submit_report(
            current_user, body["year"], body["period"], body["summary"]
        )


@blp.route("/supervision/report-draft")
class SupervisionReportDraft(MethodView):
    decorators = [api_login_required]

    @blp.arguments(QueueArgs, location="query", unknown=None)  # unknown names: 422
    @blp.response(200, ReportDraftOut)
    @documented_errors(blp, 401, 403)
    def get(self, args):
        """Isi laporan berkala sebelum disampaikan: kerja sama yang diawasi dan catatannya."""
        year = args["year"] or clock.now().year
        return {"year": year, "items": supervision.report_items(current_user, year)}
