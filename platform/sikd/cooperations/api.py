from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint

from sikd.cooperations.access import get_visible
from sikd.cooperations.actions import available_actions, perform_action
from sikd.cooperations.api_schemas import (
    ActionBody,
    ActionsOut,
    CooperationCreate,
    CooperationOut,
    CooperationPage,
    InboxArgs,
    InboxOut,
    ListArgs,
    TimelineOut,
)
from sikd.cooperations.create import NewCooperation, create_cooperation
from sikd.cooperations.domestic import received_reports
from sikd.cooperations.queries import (
    COUNT_CAP,
    filtered_cooperations,
    timeline,
)
from sikd.cooperations.state import preload_rulebook_versions, rules_of
from sikd.cooperations.turns import inbox_page
from sikd.core.api import api_login_required, documented_errors

blp = Blueprint("cooperations", __name__, description="Kerja sama daerah")


def action_info_dict(info) -> dict:
    return {
        "id": info.id,
        "label": info.label,
        "kind": info.kind,
        "lands_on": info.lands_on,
        "to_level": info.to_level,
        "reason_required": info.reason_required,
        "missing_documents": list(info.missing_documents),
        "ready": info.ready,
        "basis": info.basis,
        "inputs": [
            {
                "name": i.name,
                "label": i.label,
                "type": i.type,
                "required": i.required,
                "choices": list(i.choices),
            }
            for i in info.inputs
        ],
    }


@blp.route("/cooperations")
class Cooperations(MethodView):
    decorators = [api_login_required]

    @blp.arguments(ListArgs, location="query", unknown=None)  # unknown names: 422
    @blp.response(200, CooperationPage)
    @documented_errors(blp, 401)
    def get(self, args):
        """Daftar kerja sama yang boleh Anda lihat, dengan saringan."""
        rows, total = filtered_cooperations(args)
        preload_rulebook_versions(rows)
        return {
            "items": rows,
            "total": min(total, COUNT_CAP),
            "total_capped": total > COUNT_CAP,
            "page": args["page"],
        }

    @blp.arguments(CooperationCreate)
    @blp.response(201, CooperationOut)
    @documented_errors(blp, 401, 403)
    def post(self, body):
        """Catat prakarsa kerja sama baru (tahap pertama sesuai aturan instansi)."""
        return create_cooperation(current_user, NewCooperation(**body))


@blp.route("/cooperations/<int:coop_id>")
class CooperationDetail(MethodView):
    decorators = [api_login_required]

    @blp.response(200, CooperationOut)
    @documented_errors(blp, 401, 404)
    def get(self, coop_id):
        """Satu kerja sama yang boleh Anda lihat."""
        return get_visible(coop_id)


@blp.route("/cooperations/<int:coop_id>/actions")
class Actions(MethodView):
    decorators = [api_login_required]

    @blp.response(200, ActionsOut)
    @documented_errors(blp, 401, 404)
    def get(self, coop_id):
        """Tindakan yang boleh Anda ambil sekarang, dengan isian yang diperlukan masing-masing."""
        coop = get_visible(coop_id)
        return {
            "version": coop.version,
            "stage": coop.stage,
            "actions": [action_info_dict(a) for a in available_actions(current_user, coop)],
        }


@blp.route("/cooperations/<int:coop_id>/actions/<string:action>")
class TakeAction(MethodView):
    decorators = [api_login_required]

    @blp.arguments(ActionBody)
    @blp.response(200, CooperationOut)
    @documented_errors(blp, 401, 403, 404, 409)
    def post(self, body, coop_id, action):
        """Ambil tindakan; 409 bila keadaan sudah berubah, 422 bila ada yang kurang."""
        return perform_action(
            current_user, coop_id, action, body["inputs"], body["expected_version"]
        )


@blp.route("/cooperations/<int:coop_id>/timeline")
class Timeline(MethodView):
    decorators = [api_login_required]

    @blp.response(200, TimelineOut)
    @documented_errors(blp, 401, 404)
    def get(self, coop_id):
        """Riwayat tahap, perjalanan (hop), tenggat, dan keputusan beserta suratnya."""
        coop = get_visible(coop_id)
        data = timeline(coop)
        rules = rules_of(coop)

        def label(stage):
            return rules.label_of(coop.process, stage) if stage else None

        return {
            "events": [
                {
                    "at": e.at,
                    "from_stage": e.from_stage,
                    "to_stage": e.to_stage,
                    "to_label": label(e.to_stage),
                    "action": e.action,
                    "kind": e.kind,
                    "actor": e.actor_label,
                    "inputs": e.inputs,
                    "basis": e.basis,
                    "expiry": e.expiry,
                    "skipped": e.skipped,
                }
                for e in data["events"]
            ],
            "hops": [
                {
                    "stage": h.stage,
                    "level": h.level,
                    "holder": h.holder_tenant,
                    "holder_roles": h.holder_roles,
                    "received_at": h.received_at,
                    "due_at": h.due_at,
                    "acted_at": h.acted_at,
                    "outcome": h.outcome,
                    "note": h.note,
                    "basis": h.basis,
                }
                for h in data["hops"]
            ],
            "deadlines": [
                {
                    "stage": d.stage,
                    "due_at": d.due_at,
                    "status": d.status,
                    "on_expiry": d.spec.get("on_expiry"),
                    "amount": d.spec.get("amount"),
                    "unit": d.spec.get("unit"),
                    "basis": d.spec.get("basis"),
                    "calendar_version": d.calendar_version,
                }
                for d in data["deadlines"]
            ],
            "decisions": data["decisions"],
        }


@blp.route("/inbox")
class Inbox(MethodView):
    decorators = [api_login_required]

    @blp.arguments(InboxArgs, location="query", unknown=None)  # unknown names: 422
    @blp.response(200, InboxOut)
    @documented_errors(blp, 401)
    def get(self, args):
        """Yang menunggu tindakan Anda: lewat tenggat lebih dulu, lalu menurut tenggat
        (per_page per halaman; ``total`` dan ``overdue`` untuk seluruhnya)."""
        items, total, late = inbox_page(
            current_user, page=args["page"], per_page=args["per_page"], clamp=False
        )
        preload_rulebook_versions([i["cooperation"] for i in items])
        return {
            "total": total,
            "overdue": late,
            "page": args["page"],
            "items": items,
            # external reports delivered to this tenant (Perwal 57/2023 Pasal 33(2))
            "reports": received_reports(current_user),
        }
