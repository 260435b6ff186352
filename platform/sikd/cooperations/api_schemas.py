"""What the cooperations API reads and answers, as marshmallow schemas (and so in the OpenAPI
document). Request fields carry Indonesian labels: validation messages name them."""

from __future__ import annotations

from marshmallow import fields, validate

from sikd.cooperations.models import TYPES, Cooperation
from sikd.cooperations.state import rules_of
from sikd.core.schemas import Schema

PG_BIGINT_MAX = 2**63 - 1
PG_INT_MAX = 2**31 - 1


def _text(label: str, max_len: int, *, min_len: int = 0, **kw) -> fields.String:
    return fields.String(
        validate=validate.Length(min=min_len, max=max_len), metadata={"label": label}, **kw
    )


def _codes(label: str, max_len: int) -> fields.List:
    return fields.List(
        fields.String(validate=validate.Length(min=1, max=max_len)),
        load_default=list,
        validate=validate.Length(max=100),
        metadata={"label": label},
    )


class CooperationCreate(Schema):
    type = fields.String(
        required=True, validate=validate.OneOf(TYPES), metadata={"label": "Jenis kerja sama"}
    )
    subtype = _text("Bentuk kerja sama", 32, min_len=1, required=True)
    title = _text("Judul", 300, min_len=3, required=True)
    # may stay empty when ``partner_tenant_code`` names the partner daerah (KSDD)
    partner_name = _text("Nama mitra", 300, load_default="")
    partner_kind = _text("Jenis mitra", 40, min_len=1, required=True)
    partner_country = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(equal=2),
        metadata={"label": "Kode negara mitra (ISO 3166, dua huruf)"},
    )
    objek = _codes("Objek kerja sama", 40)
    persyaratan = _codes("Persyaratan", 60)
    prakarsa_origin = fields.String(
        load_default="daerah",
        validate=validate.OneOf(
            ["daerah", "mitra_luar_negeri", "melalui_kemendagri", "melalui_kemlu", "mitra"]
        ),
        metadata={"label": "Asal prakarsa"},
    )
    pemetaan_ref = _text("Rujukan pemetaan", 200, load_default=None, allow_none=True)
    pemetaan_pengecualian = _text(
        "Alasan pengecualian pemetaan", 1000, load_default=None, allow_none=True
    )
    facts = _codes("Fakta", 60)
    estimated_cost = fields.Integer(
        load_default=None,
        allow_none=True,
        strict=True,
        validate=validate.Range(min=0, max=PG_BIGINT_MAX),
        metadata={"label": "Perkiraan biaya (rupiah)"},
    )
    benefit_note = _text("Catatan manfaat", 5000, load_default=None, allow_none=True)
    partner_tenant_code = _text("Kode daerah mitra (KSDD)", 20, load_default=None, allow_none=True)


class TenantRef(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)


class CooperationOut(Schema):
    id = fields.Integer(required=True)
    number = fields.String(required=True)
    year = fields.Integer(required=True)
    type = fields.String(required=True)
    subtype = fields.String(required=True)
    title = fields.String(required=True)
    partner_name = fields.String(required=True)
    partner_kind = fields.String(required=True)
    partner_country = fields.String(allow_none=True)
    objek = fields.List(fields.String())
    persyaratan = fields.List(fields.String())
    prakarsa_origin = fields.String()
    facts = fields.List(fields.String())
    flags = fields.List(fields.String())
    process = fields.String()
    stage = fields.String(required=True)
    stage_label = fields.Method("get_stage_label", metadata={"type": "string"})
    status = fields.String(required=True)
    holder_level = fields.String()
    # at a stage whose sides approve in parallel (each DPRD, Pasal 27): the approvals given
    # and the sides still waited for
    approvals = fields.List(fields.String())
    waiting_sides = fields.List(fields.String())
    holder_tenant = fields.Nested(TenantRef)
    tenant = fields.Nested(TenantRef)
    partner_tenant = fields.Nested(TenantRef, allow_none=True)
    partner_number = fields.String(allow_none=True)
    term_start = fields.Date(allow_none=True)
    term_end = fields.Date(allow_none=True)
    term_extended_until = fields.Date(allow_none=True)
    version = fields.Integer(required=True)
    rulebook_hash = fields.Method("get_rulebook_hash", metadata={"type": "string"})
    created_at = fields.DateTime()
    updated_at = fields.DateTime()

    def get_stage_label(self, obj: Cooperation) -> str:
        return obj.stage_label or rules_of(obj).label_of(obj.process, obj.stage)

    def get_rulebook_hash(self, obj: Cooperation) -> str:
        return obj.rulebook_version.content_hash


class CooperationPage(Schema):
    items = fields.List(fields.Nested(CooperationOut), required=True)
    total = fields.Integer(required=True, metadata={"description": "dibatasi COUNT_CAP"})
    total_capped = fields.Boolean(required=True, metadata={"description": "total terpotong"})
    page = fields.Integer(required=True)


def _query_text(label: str, description: str = "", max_len: int = 100) -> fields.String:
    meta = {"label": label} | ({"description": description} if description else {})
    return fields.String(load_default=None, validate=validate.Length(max=max_len), metadata=meta)


class ListArgs(Schema):
    type = _query_text("Jenis")
    stage = _query_text("Tahap")
    partner_country = _query_text("Negara mitra")
    year = fields.Integer(
        load_default=None, validate=validate.Range(min=1, max=9999), metadata={"label": "Tahun"}
    )
    status = _query_text("Status")
    tenant = _query_text("Instansi", "kode instansi pemrakarsa")
    provinsi = _query_text("Provinsi", "kode provinsi (dirinya atau induknya)")
    flag = _query_text("Penanda", "penanda, mis. dormant")
    q = _query_text("Pencarian", "cari di judul, nomor, atau mitra", 200)
    overdue = fields.Boolean(load_default=None, metadata={"label": "Lewat tenggat"})
    page = fields.Integer(
        load_default=1, validate=validate.Range(min=1, max=100_000), metadata={"label": "Halaman"}
    )
    per_page = fields.Integer(
        load_default=50,
        validate=validate.Range(min=1, max=200),
        metadata={"label": "Jumlah per halaman"},
    )


class InboxArgs(Schema):
    page = fields.Integer(
        load_default=1, validate=validate.Range(min=1, max=100_000), metadata={"label": "Halaman"}
    )
    per_page = fields.Integer(
        load_default=50,
        validate=validate.Range(min=1, max=200),
        metadata={"label": "Jumlah per halaman"},
    )


class ActionBody(Schema):
    inputs = fields.Dict(
        keys=fields.String(validate=validate.Length(max=100)),
        load_default=dict,
        metadata={"label": "Isian tindakan", "description": "nama isian → nilainya"},
    )
    expected_version = fields.Integer(
        load_default=None,
        allow_none=True,
        validate=validate.Range(min=0, max=PG_INT_MAX),
        metadata={"label": "Versi yang diharapkan"},
    )


class ActionInput(Schema):
    name = fields.String(required=True)
    label = fields.String(required=True)
    type = fields.String(required=True)
    required = fields.Boolean(required=True)
    choices = fields.List(fields.String(), required=True)


class ActionInfo(Schema):
    id = fields.String(required=True)
    label = fields.String(required=True)
    kind = fields.String(required=True)
    lands_on = fields.String(allow_none=True)
    to_level = fields.String(allow_none=True)
    reason_required = fields.Boolean()
    missing_documents = fields.List(fields.String())
    ready = fields.Boolean()
    basis = fields.String(allow_none=True)
    inputs = fields.List(fields.Nested(ActionInput))


class ActionsOut(Schema):
    version = fields.Integer(required=True)
    stage = fields.String(required=True)
    actions = fields.List(fields.Nested(ActionInfo), required=True)


class TimelineEvent(Schema):
    at = fields.DateTime(required=True)
    from_stage = fields.String(allow_none=True)
    to_stage = fields.String(required=True)
    to_label = fields.String(allow_none=True)
    action = fields.String(allow_none=True)
    kind = fields.String(required=True)
    actor = fields.String()
    inputs = fields.Dict()
    basis = fields.String(allow_none=True)
    expiry = fields.String(allow_none=True)
    skipped = fields.List(fields.Dict())


class TimelineHop(Schema):
    stage = fields.String(required=True)
    level = fields.String(required=True)
    holder = fields.Nested(TenantRef)
    holder_roles = fields.List(fields.String())
    received_at = fields.DateTime(required=True)
    due_at = fields.DateTime(allow_none=True)
    acted_at = fields.DateTime(allow_none=True)
    outcome = fields.String(allow_none=True)
    note = fields.String(allow_none=True)
    basis = fields.String(allow_none=True)


class TimelineDeadline(Schema):
    stage = fields.String(required=True)
    due_at = fields.DateTime(required=True)
    status = fields.String(required=True)
    on_expiry = fields.String(allow_none=True)
    amount = fields.Integer(allow_none=True)
    unit = fields.String(allow_none=True)
    basis = fields.String(allow_none=True)
    calendar_version = fields.String(allow_none=True)


class TimelineDecision(Schema):
    stage = fields.String(required=True)
    action = fields.String(required=True)
    nomor_surat = fields.String(allow_none=True)
    tanggal_surat = fields.Date(allow_none=True)
    note = fields.String(allow_none=True)
    at = fields.DateTime(required=True)


class TimelineOut(Schema):
    events = fields.List(fields.Nested(TimelineEvent), required=True)
    hops = fields.List(fields.Nested(TimelineHop), required=True)
    deadlines = fields.List(fields.Nested(TimelineDeadline), required=True)
    decisions = fields.List(fields.Nested(TimelineDecision), required=True)


class InboxItem(Schema):
    cooperation = fields.Nested(CooperationOut, required=True)
    due_at = fields.DateTime(allow_none=True)


class ReceivedReport(Schema):
    cooperation_id = fields.Integer(allow_none=True)
    title = fields.String(required=True)
    body = fields.String(required=True)
    at = fields.String(required=True)
    read = fields.Boolean(required=True)


class InboxOut(Schema):
    total = fields.Integer(required=True)
    overdue = fields.Integer(required=True)
    page = fields.Integer(required=True)
    items = fields.List(fields.Nested(InboxItem), required=True)
    reports = fields.List(fields.Nested(ReceivedReport), required=True)
