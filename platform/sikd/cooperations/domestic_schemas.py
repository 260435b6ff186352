"""What the domestic-cooperation API reads and answers (partner picker, facts per side, KSDPK
selection, supervision), as marshmallow schemas on the Indonesian-message base: request fields
carry labels, texts are bounded, unknown fields are refused."""

from __future__ import annotations

from marshmallow import fields, validate

from sikd.cooperations.api_schemas import PG_INT_MAX, CooperationOut, ReceivedReport
from sikd.cooperations.selection import SCORE_RANGE
from sikd.cooperations.supervision import NOTE_KINDS, PHASES
from sikd.core.schemas import Schema


def _text(label: str, max_len: int, *, min_len: int = 0, **kw) -> fields.String:
    return fields.String(
        validate=validate.Length(min=min_len or None, max=max_len), metadata={"label": label}, **kw
    )


# ---- requests ---------------------------------------------------------------------------


class PartnerSearchArgs(Schema):
    q = fields.String(
        load_default="",
        validate=validate.Length(max=100),
        metadata={"label": "Pencarian", "description": "nama atau kode daerah"},
    )


class FactBody(Schema):
    fact = _text("Fakta", 60, min_len=1, required=True)
    value = fields.Boolean(required=True, metadata={"label": "Nilai fakta"})
    alasan = _text("Alasan", 2000, min_len=1, required=True)
    expected_version = fields.Integer(
        load_default=None,
        allow_none=True,
        validate=validate.Range(min=0, max=PG_INT_MAX),
        metadata={"label": "Versi yang diharapkan"},
    )


class ScoreBody(Schema):
    candidate = _text("Calon mitra", 300, min_len=1, required=True)
    # one of the rulebook's kriteria_pemilihan for this cooperation (checked by the service)
    criterion = _text("Kriteria", 40, min_len=1, required=True)
    score = fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(min=SCORE_RANGE[0], max=SCORE_RANGE[1]),
        metadata={"label": "Nilai"},
    )
    note = _text("Catatan penilaian", 4000, min_len=1, required=True)


class QueueArgs(Schema):
    phase = fields.String(
        load_default=None,
        validate=validate.OneOf(list(PHASES)),
        metadata={"label": "Tahap pengawasan", "description": " | ".join(PHASES)},
    )
    year = fields.Integer(
        load_default=None, validate=validate.Range(min=1, max=9999), metadata={"label": "Tahun"}
    )


class NoteBody(Schema):
    kind = fields.String(
        required=True,
        validate=validate.OneOf(list(NOTE_KINDS)),
        metadata={"label": "Jenis catatan", "description": " | ".join(NOTE_KINDS)},
    )
    text = _text("Isi catatan", 4000, min_len=1, required=True)


class ReportBody(Schema):
    year = fields.Integer(
        required=True, validate=validate.Range(min=2000, max=2100), metadata={"label": "Tahun"}
    )
    period = _text("Periode", 40, load_default=None, allow_none=True)
    summary = _text("Ringkasan", 8000, min_len=1, required=True)


# ---- responses --------------------------------------------------------------------------


class PartnerOut(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True)
    uses_sikd = fields.Boolean(required=True)


class PartnersOut(Schema):
    items = fields.List(fields.Nested(PartnerOut), required=True)


class FactsOut(Schema):
    version = fields.Integer(required=True)
    sides = fields.Dict(
        keys=fields.String(),
        values=fields.Dict(keys=fields.String(), values=fields.Boolean()),
        required=True,
        metadata={"description": "own | partner → fakta → nilainya"},
    )
    settable = fields.List(fields.String(), required=True)


class Criterion(Schema):
    code = fields.String(required=True)
    label = fields.String(required=True)


class CriterionScore(Schema):
    score = fields.Integer(required=True)
    note = fields.String(required=True)


class RankedCandidate(Schema):
    candidate = fields.String(required=True)
    scores = fields.Dict(keys=fields.String(), values=fields.Nested(CriterionScore), required=True)
    total = fields.Integer(required=True)
    complete = fields.Boolean(required=True)
    rank = fields.Integer(required=True)


class BeritaAcara(Schema):
    chosen = fields.String(required=True)
    ranking = fields.List(fields.Nested(RankedCandidate), required=True)
    at = fields.DateTime(required=True)


class SelectionOut(Schema):
    criteria = fields.List(fields.Nested(Criterion), required=True)
    basis = fields.String(required=True)
    ranking = fields.List(fields.Nested(RankedCandidate), required=True)
    berita_acara = fields.List(fields.Nested(BeritaAcara), required=True)


class NoteOut(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True)
    phase = fields.String(required=True)
    text = fields.String(required=True)
    at = fields.DateTime(required=True)


class NotesOut(Schema):
    items = fields.List(fields.Nested(NoteOut), required=True)


class QueueItem(Schema):
    cooperation = fields.Nested(CooperationOut, required=True)
    phase = fields.String(required=True)
    notes = fields.List(fields.Nested(NoteOut), required=True)


class QueueOut(Schema):
    phases = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
    basis = fields.String(required=True)
    items = fields.List(fields.Nested(QueueItem), required=True)


class ReportNote(Schema):
    kind = fields.String(required=True)
    phase = fields.String(required=True)
    text = fields.String(required=True)


class ReportItem(Schema):
    cooperation_id = fields.Integer(required=True)
    number = fields.String(required=True)
    title = fields.String(required=True)
    type = fields.String(required=True)
    daerah = fields.String(required=True)
    partner = fields.String(required=True, allow_none=True)
    phase = fields.String(required=True)
    stage = fields.String(required=True)
    status = fields.String(required=True)
    notes = fields.List(fields.Nested(ReportNote), required=True)


class ReportOut(Schema):
    id = fields.Integer(required=True)
    year = fields.Integer(required=True)
    period = fields.String(required=True)
    summary = fields.String(required=True)
    items = fields.List(fields.Nested(ReportItem), required=True)
    from_tenant_id = fields.Integer(required=True, attribute="tenant_id")
    at = fields.DateTime(required=True)


class ReportsOut(Schema):
    items = fields.List(fields.Nested(ReportOut), required=True)


class ReportDraftOut(Schema):
    year = fields.Integer(required=True)
    items = fields.List(fields.Nested(ReportItem), required=True)


class ReceivedReportsOut(Schema):
    items = fields.List(fields.Nested(ReceivedReport), required=True)
