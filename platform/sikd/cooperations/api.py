from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from sikd.cooperations.access import get_visible
from sikd.cooperations.actions import available_actions, perform_action
from sikd.cooperations.create import NewCooperation, create_cooperation
from sikd.cooperations.models import TYPES, Cooperation
from sikd.cooperations.queries import (
    COUNT_CAP,
    filtered_cooperations,
    inbox,
    inbox_counts,
    timeline,
)
from sikd.cooperations.state import preload_rulebook_versions, rules_of
from sikd.core.api import api_login_required

blp = Blueprint("cooperations", __name__, description="Kerja sama daerah")


class CooperationCreate(Schema):
    type = fields.String(required=True, validate=validate.OneOf(TYPES))
    subtype = fields.String(required=True)
    title = fields.String(required=True, validate=validate.Length(min=3, max=300))
    partner_name = fields.String(required=True, validate=validate.Length(min=2, max=300))
    partner_kind = fields.String(required=True, validate=validate.Length(max=40))
    partner_country = fields.String(load_default=None, validate=validate.Length(equal=2))
    objek = fields.List(fields.String(), load_default=list)
    persyaratan = fields.List(fields.String(), load_default=list)
    prakarsa_origin = fields.String(
        load_default="daerah",
        validate=validate.OneOf(
            ["daerah", "mitra_luar_negeri", "melalui_kemendagri", "melalui_kemlu", "mitra"]
        ),
    )
    pemetaan_ref = fields.String(load_default=None)
    pemetaan_pengecualian = fields.String(load_default=None)
    facts = fields.List(fields.String(), load_default=list)
    estimated_cost = fields.Integer(load_default=None, validate=validate.Range(min=0))
    benefit_note = fields.String(load_default=None)


class TenantRef(Schema):
    code = fields.String()
    name = fields.String()


class CooperationOut(Schema):
    id = fields.Integer()
    number = fields.String()
    year = fields.Integer()
    type = fields.String()
    subtype = fields.String()
    title = fields.String()
    partner_name = fields.String()
    partner_kind = fields.String()
    partner_country = fields.String(allow_none=True)
    objek = fields.List(fields.String())
    persyaratan = fields.List(fields.String())
    prakarsa_origin = fields.String()
    facts = fields.List(fields.String())
    flags = fields.List(fields.String())
    process = fields.String()
    stage = fields.String()
    stage_label = fields.Method("get_stage_label")
    status = fields.String()
    holder_level = fields.String()
    holder_tenant = fields.Nested(TenantRef)
    tenant = fields.Nested(TenantRef)
    version = fields.Integer()
    rulebook_hash = fields.Method("get_rulebook_hash")
    created_at = fields.DateTime()
    updated_at = fields.DateTime()

    def get_stage_label(self, obj: Cooperation) -> str:
        return obj.stage_label or rules_of(obj).label_of(obj.process, obj.stage)

    def get_rulebook_hash(self, obj: Cooperation) -> str:
        return obj.rulebook_version.content_hash


class ListArgs(Schema):
    type = fields.String(load_default=None)
    stage = fields.String(load_default=None)
    partner_country = fields.String(load_default=None)
    year = fields.Integer(load_default=None)
    status = fields.String(load_default=None)
    tenant = fields.String(load_default=None, metadata={"description": "kode instansi pemrakarsa"})
    provinsi = fields.String(
        load_default=None, metadata={"description": "kode provinsi (dirinya atau induknya)"}
    )
    flag = fields.String(load_default=None, metadata={"description": "penanda, mis. dormant"})
    q = fields.String(
        load_default=None, metadata={"description": "cari di judul, nomor, atau mitra"}
    )
    overdue = fields.Boolean(load_default=None)
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class InboxArgs(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class ActionBody(Schema):
    inputs = fields.Dict(load_default=dict)
    expected_version = fields.Integer(load_default=None)


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

    @blp.arguments(ListArgs, location="query")
    def get(self, args):
        """Daftar kerja sama yang boleh Anda lihat, dengan saringan."""
        rows, total = filtered_cooperations(args)
        preload_rulebook_versions(rows)
        return {
            "items": CooperationOut(many=True).dump(rows),
            "total": min(total, COUNT_CAP),
            "total_capped": total > COUNT_CAP,
            "page": args["page"],
        }

    @blp.arguments(CooperationCreate)
    @blp.response(201, CooperationOut)
    def post(self, body):
        """Catat prakarsa kerja sama baru (tahap pertama sesuai aturan instansi)."""
        return create_cooperation(current_user, NewCooperation(**body))


@blp.route("/cooperations/<int:coop_id>")
class CooperationDetail(MethodView):
    decorators = [api_login_required]

    @blp.response(200, CooperationOut)
    def get(self, coop_id):
        return get_visible(coop_id)


@blp.route("/cooperations/<int:coop_id>/actions")
class Actions(MethodView):
    decorators = [api_login_required]

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
    def post(self, body, coop_id, action):
        """Ambil tindakan; 409 bila keadaan sudah berubah, 422 bila ada yang kurang."""
        return perform_action(
            current_user, coop_id, action, body["inputs"], body["expected_version"]
        )


@blp.route("/cooperations/<int:coop_id>/timeline")
class Timeline(MethodView):
    decorators = [api_login_required]

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
                    "at": e.at.isoformat(),
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
                    "holder": {"code": h.holder_tenant.code, "name": h.holder_tenant.name},
                    "holder_roles": h.holder_roles,
                    "received_at": h.received_at.isoformat(),
                    "due_at": h.due_at.isoformat() if h.due_at else None,
                    "acted_at": h.acted_at.isoformat() if h.acted_at else None,
                    "outcome": h.outcome,
                    "note": h.note,
                    "basis": h.basis,
                }
                for h in data["hops"]
            ],
            "deadlines": [
                {
                    "stage": d.stage,
                    "due_at": d.due_at.isoformat(),
                    "status": d.status,
                    "on_expiry": d.spec.get("on_expiry"),
                    "amount": d.spec.get("amount"),
                    "unit": d.spec.get("unit"),
                    "basis": d.spec.get("basis"),
                    "calendar_version": d.calendar_version,
                }
                for d in data["deadlines"]
            ],
            "decisions": [
                {
                    "stage": d.stage,
                    "action": d.action,
                    "nomor_surat": d.nomor_surat,
                    "tanggal_surat": d.tanggal_surat.isoformat() if d.tanggal_surat else None,
                    "note": d.note,
                    "at": d.at.isoformat(),
                }
                for d in data["decisions"]
            ],
        }


@blp.route("/inbox")
class Inbox(MethodView):
    decorators = [api_login_required]

    @blp.arguments(InboxArgs, location="query")
    def get(self, args):
        """Yang menunggu tindakan Anda: lewat tenggat lebih dulu, lalu menurut tenggat
        (per_page per halaman; ``total`` dan ``overdue`` untuk seluruhnya)."""
        total, late = inbox_counts(current_user)
        per_page = args["per_page"]
        items = inbox(current_user, limit=per_page, offset=(args["page"] - 1) * per_page)
        preload_rulebook_versions([i["cooperation"] for i in items])
        return {
            "total": total,
            "overdue": late,
            "page": args["page"],
            "items": [
                {
                    "cooperation": CooperationOut().dump(i["cooperation"]),
                    "due_at": i["due_at"].isoformat() if i["due_at"] else None,
                }
                for i in items
            ],
        }
