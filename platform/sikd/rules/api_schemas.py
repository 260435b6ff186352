"""What the rules API reads and answers, as marshmallow schemas (and so in the OpenAPI document).
Request fields carry Indonesian labels: validation messages name them; unknown fields are
refused. The rule editor's forms (``POST /rules/draft/edits``) share one body: ``op`` names the
form, the other fields are the form's values (see :func:`sikd.rules.drafts.apply_edit`)."""

from __future__ import annotations

from marshmallow import ValidationError, fields, validate

from sikd.core.schemas import Schema

from .vocabulary import UNITS

EDIT_OPS = (
    "regulation",
    "tighten_deadline",
    "add_reminder",
    "add_document_kind",
    "add_field",
    "require_document",
    "add_persyarat",
    "add_stage",
)
CODE_MAX = 64
AMOUNT_MAX = 10_000


def _text(label: str, max_len: int, *, min_len: int = 0, **kw) -> fields.String:
    return fields.String(
        validate=validate.Length(min=min_len, max=max_len), metadata={"label": label}, **kw
    )


def _amount(label: str, **kw) -> fields.Integer:
    return fields.Integer(
        strict=True,
        validate=validate.Range(min=0, max=AMOUNT_MAX),
        metadata={"label": label},
        **kw,
    )


def _codes(label: str, max_items: int) -> fields.List:
    return fields.List(
        fields.String(validate=validate.Length(min=1, max=CODE_MAX)),
        validate=validate.Length(max=max_items),
        metadata={"label": label},
    )


class StrictBoolean(fields.Boolean):
    """``true``/``false`` only: not 1, "ya" or "on" (the document says boolean)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


# --------------------------------------------------------------------------- requests


class VariantBody(Schema):
    yaml = fields.String(
        required=True,
        validate=validate.Length(min=1, max=1_000_000),
        metadata={"label": "Teks YAML varian", "description": "lihat tenants/rules/FORMAT.md"},
    )
    effective_from = fields.Date(required=True, metadata={"label": "Tanggal mulai berlaku"})


class DraftVariantBody(Schema):
    variant = fields.Dict(
        required=True,
        metadata={"label": "Varian aturan", "description": "objek bentuk tenants/rules/FORMAT.md"},
    )


class BasisIn(Schema):
    regulation = _text("Peraturan dasar", CODE_MAX)
    pasal = _text("Pasal", 20)
    ayat = _text("Ayat", 20, allow_none=True)


class FieldIn(Schema):
    name = _text("Nama isian", CODE_MAX)
    label = _text("Label isian", 300)
    type = _text("Jenis isian", 20)
    required = StrictBoolean(metadata={"label": "Isian wajib"})
    choices = _text("Pilihan (dipisah koma)", 2000)


class NewStageIn(Schema):
    id = _text("Kode tahap baru", CODE_MAX)
    label = _text("Nama tahap baru", 300)
    roles = _codes("Pelaku tahap", 20)
    requires_documents = _codes("Dokumen yang diwajibkan", 50)
    deadline_amount = _amount("Jumlah tenggat", allow_none=True)
    deadline_unit = fields.String(
        allow_none=True, validate=validate.OneOf(UNITS), metadata={"label": "Satuan tenggat"}
    )
    advance_label = _text("Label tombol lanjut", 100)


_STAGE_CODE = {"type": "string", "minLength": 1, "maxLength": CODE_MAX}
_NEW_STAGE = {
    "type": "object",
    "additionalProperties": False,
    "description": "tahap baru (op add_stage)",
    "properties": {
        "id": {"type": "string", "maxLength": CODE_MAX},
        "label": {"type": "string", "maxLength": 300},
        "roles": {"type": "array", "maxItems": 20, "items": _STAGE_CODE},
        "requires_documents": {"type": "array", "maxItems": 50, "items": _STAGE_CODE},
        "deadline_amount": {
            "type": "integer",
            "minimum": 0,
            "maximum": AMOUNT_MAX,
            "nullable": True,
        },
        "deadline_unit": {"type": "string", "enum": list(UNITS), "nullable": True},
        "advance_label": {"type": "string", "maxLength": 100},
    },
}


class StageField(fields.Field):
    """The stage a form names (its code), or for ``add_stage`` the new stage (an object)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            if not 1 <= len(value) <= CODE_MAX or "\x00" in value:
                raise ValidationError(f"Kode tahap harus 1–{CODE_MAX} karakter.")
            return value
        if isinstance(value, dict):
            return NewStageIn().load(value)
        raise self.make_error("invalid")


class EditBody(Schema):
    op = fields.String(
        required=True,
        validate=validate.OneOf(EDIT_OPS),
        metadata={"label": "Jenis perubahan"},
    )
    process = _text("Proses", CODE_MAX)
    stage = StageField(metadata={"label": "Tahap", "oneOf": [_STAGE_CODE, _NEW_STAGE]})
    after = _text("Sesudah tahap", CODE_MAX)
    key = _text("Kode peraturan", CODE_MAX)
    code = _text("Kode", CODE_MAX)
    kind = _text("Jenis dokumen", CODE_MAX)
    label = _text("Nama", 300)
    amount = _amount("Jumlah")
    before = _amount("Jumlah sebelum tenggat")
    unit = fields.String(validate=validate.OneOf(UNITS), metadata={"label": "Satuan"})
    basis = fields.Nested(BasisIn, metadata={"label": "Dasar perubahan"})
    fields_ = fields.List(
        fields.Nested(FieldIn),
        data_key="fields",
        attribute="fields",
        validate=validate.Length(max=100),
        metadata={"label": "Isian dokumen"},
    )
    field = fields.Nested(FieldIn, metadata={"label": "Isian"})
    types = fields.List(
        fields.String(validate=validate.Length(min=1, max=10)),
        validate=validate.Length(max=10),
        metadata={"label": "Jenis kerja sama"},
    )


class ProposeBody(Schema):
    effective_from = fields.Date(required=True, metadata={"label": "Tanggal mulai berlaku"})


class ReturnBody(Schema):
    reason = _text("Alasan pengembalian", 2000, min_len=1, required=True)


class ImportBody(Schema):
    yaml = fields.String(
        required=True,
        validate=validate.Length(min=1, max=1_000_000),
        metadata={"label": "Teks YAML varian", "description": "lihat tenants/rules/FORMAT.md"},
    )


class ExportQuery(Schema):
    tenant = _text("Kode instansi", 20, min_len=1)


BASIS_DOCUMENT_BODY = {
    "required": True,
    "description": "Naskah Perwal/Pergub (PDF) yang menjadi dasar draf (multipart/form-data).",
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file"],
                "properties": {"file": {"type": "string", "format": "binary"}},
            }
        }
    },
}
YAML_VARIANT = {
    "type": "object",
    "description": "varian (pemetaan YAML) dalam bentuk tenants/rules/FORMAT.md",
}


# --------------------------------------------------------------------------- answers


class RulebookVersionOut(Schema):
    id = fields.Integer(required=True)
    content_hash = fields.String(required=True)
    source = fields.String(required=True)
    effective_from = fields.Date(required=True)
    created_at = fields.DateTime(allow_none=True)


class RulesOut(Schema):
    tenant = fields.String(required=True)
    current = fields.Nested(RulebookVersionOut, required=True)
    versions = fields.List(fields.Nested(RulebookVersionOut), required=True)


class LayerOut(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    origin = fields.String(required=True, metadata={"description": "file, published, draft"})


class BasisDocumentOut(Schema):
    key = fields.String(required=True)
    filename = fields.String(required=True)
    sha256 = fields.String(required=True)
    size = fields.Integer(required=True)


class RuleProblemOut(Schema):
    where = fields.String(required=True, metadata={"description": "letaknya, dalam kata-kata"})
    path = fields.String(required=True)
    message = fields.String(required=True)


class DraftOut(Schema):
    id = fields.Integer(required=True)
    layers = fields.List(fields.Nested(LayerOut), required=True)
    status = fields.String(required=True, metadata={"description": "draft, proposed"})
    effective_from = fields.String(allow_none=True, metadata={"format": "date"})
    basis_document = fields.Nested(BasisDocumentOut, allow_none=True)
    variant = fields.Dict(required=True)
    valid = fields.Boolean(required=True)
    errors = fields.List(fields.Nested(RuleProblemOut), required=True)
    content_hash = fields.String(allow_none=True)
    changes = fields.List(fields.String(), required=True)


class DiffOut(Schema):
    key = fields.String(required=True)
    before = fields.Raw(allow_none=True)
    after = fields.Raw(allow_none=True)


class HistoryEntryOut(Schema):
    id = fields.Integer(required=True)
    effective_from = fields.String(required=True, metadata={"format": "date"})
    proposed_by = fields.String(allow_none=True)
    approved_by = fields.String(allow_none=True)
    approved_at = fields.String(allow_none=True, metadata={"format": "date-time"})
    basis_document = fields.Nested(BasisDocumentOut, allow_none=True)
    content_hash = fields.String(allow_none=True)
    previous_hash = fields.String(allow_none=True)
    diff = fields.List(fields.Nested(DiffOut), required=True)


class HistoryOut(Schema):
    versions = fields.List(fields.Nested(HistoryEntryOut), required=True)


class _DaerahInfo(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    kind = fields.String(allow_none=True)
    title = fields.String(allow_none=True)
    origin = fields.String(allow_none=True)
    effective_from = fields.String(allow_none=True, metadata={"format": "date"})
    content_hash = fields.String(allow_none=True)


class TemplateOut(_DaerahInfo):
    changes = fields.List(fields.String(), required=True)


class TemplatesOut(Schema):
    templates = fields.List(fields.Nested(TemplateOut), required=True)


class ChangeOut(Schema):
    key = fields.String(required=True)
    rule = fields.String(required=True)
    description = fields.String(required=True)


class DaerahVariantOut(_DaerahInfo):
    changes = fields.List(fields.Nested(ChangeOut), required=True)


class VariantChangeOut(ChangeOut):
    code = fields.String(required=True)
    name = fields.String(required=True)


class DifferenceOut(Schema):
    rule = fields.String(required=True)
    variants = fields.List(fields.Nested(VariantChangeOut), required=True)


class OverviewOut(Schema):
    daerah = fields.List(fields.Nested(DaerahVariantOut), required=True)
    count = fields.Integer(required=True)
    differences = fields.List(fields.Nested(DifferenceOut), required=True)
