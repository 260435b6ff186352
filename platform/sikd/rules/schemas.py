"""Validation of rulebook files: the vocabulary and the shape (marshmallow); the meaning is
checked in :mod:`sikd.rules.meaning`.

Every problem is a :class:`RuleError` naming the file, the path inside it
(``processes.luar_negeri.stages[4].actions[1].to``) and an Indonesian reason that says what to
fix. Nothing here raises a traceback at the user: callers get a list (empty when fine).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from marshmallow import Schema, ValidationError, validate
from marshmallow import fields as mf

from .vocabulary import (
    ACTION_KINDS,
    ALL_SUBTYPES,
    CHECK_KINDS,
    COOPERATION_SUBTYPES,
    EXPIRIES,
    FIELD_TYPES,
    HOP_OUTCOMES,
    IDENT_CHECK,
    INITIATOR_KINDS,
    LEVELS,
    MESSAGES,
    NONEMPTY,
    NONNEG,
    SUBJECTS,
    SUPERVISION_PHASES,
    UNITS,
    Base,
    ident,
    idents,
    one_of,
    text,
)


@dataclass(frozen=True)
class RuleError:
    file: str
    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}: {self.path}: {self.reason}"


class RulebookInvalid(Exception):
    """A rulebook (or the merge of a tenant's chain) has errors; ``errors`` lists them all."""

    def __init__(self, errors: list[RuleError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


class ConditionSchema(Base):
    types = mf.List(mf.String(validate=one_of(COOPERATION_SUBTYPES)), validate=NONEMPTY)
    subtypes = mf.List(mf.String(validate=one_of(ALL_SUBTYPES)), validate=NONEMPTY)
    initiator_kinds = mf.List(mf.String(validate=one_of(INITIATOR_KINDS)), validate=NONEMPTY)
    any_fact = mf.List(mf.String(validate=IDENT_CHECK), validate=NONEMPTY)
    all_facts = mf.List(mf.String(validate=IDENT_CHECK), validate=NONEMPTY)


class InputSchema(Base):
    name = ident()
    label = text(True, NONEMPTY)
    type = mf.String(required=True, validate=one_of(FIELD_TYPES))
    required = mf.Boolean()
    choices = mf.List(mf.String(), validate=NONEMPTY)
    basis = text()


class FieldSchema(InputSchema):
    locked = mf.Boolean()


class CheckSchema(Base):
    check = mf.String(required=True, validate=one_of(CHECK_KINDS))
    from_ = mf.String(required=True, data_key="from", attribute="from")
    to = mf.String(required=True)
    amount = mf.Integer(required=True, strict=True, validate=NONNEG)
    unit = mf.String(required=True, validate=one_of(UNITS))
    basis = text(True)
    locked = mf.Boolean()


class SignatureSchema(Base):
    """An electronic signature (TTE) on a document kind: by whom; required or only recorded."""

    role = ident()
    required = mf.Boolean(load_default=False)
    basis = text(True)


class SignaturePatchSchema(Base):
    role = ident(False)
    required = mf.Boolean()
    basis = text()


class DocumentKindSchema(Base):
    label = text(True, NONEMPTY)
    basis = text(True)
    fields = mf.List(mf.Nested(FieldSchema), required=True)
    checks = mf.List(mf.Nested(CheckSchema))
    signature = mf.Nested(SignatureSchema)
    locked = mf.Boolean()


class ReminderSchema(Base):
    before = mf.Integer(required=True, strict=True, validate=NONNEG)
    unit = mf.String(required=True, validate=one_of(UNITS))


class DeadlineSchema(Base):
    amount = mf.Integer(required=True, strict=True, validate=NONNEG)
    unit = mf.String(required=True, validate=one_of(UNITS))
    starts = mf.String(load_default="entered")
    on_expiry = mf.String(required=True, validate=one_of(EXPIRIES))
    action = mf.String()
    flag = mf.String(validate=IDENT_CHECK)
    reminders = mf.List(mf.Nested(ReminderSchema))
    basis = text(True)
    locked = mf.Boolean()


class OneOrMany(mf.Field):
    """A mapping validated by ``schema``, or a list of such mappings (e.g. ``deadline``)."""

    def __init__(self, schema: type[Schema], **kwargs: Any):
        super().__init__(**kwargs)
        self.schema = schema

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, Mapping):
            return self.schema().load(value)
        if isinstance(value, list):
            out, errors = [], {}
            for i, item in enumerate(value):
                try:
                    out.append(self.schema().load(item if isinstance(item, Mapping) else {}))
                    if not isinstance(item, Mapping):
                        errors[i] = ["Harus berupa pemetaan (kunci: nilai)."]
                except ValidationError as exc:
                    errors[i] = exc.messages
            if errors:
                raise ValidationError(errors)
            return out
        raise ValidationError("Harus berupa pemetaan atau daftar pemetaan.")


class ActionSchema(Base):
    id = ident()
    label = text(True, NONEMPTY)
    kind = mf.String(required=True, validate=one_of(ACTION_KINDS))
    to = mf.String(required=True)
    roles = mf.List(mf.String())
    requires_documents = idents()
    inputs = mf.List(mf.Nested(InputSchema))
    reason_required = mf.Boolean()
    hop_outcome = mf.String(validate=one_of(HOP_OUTCOMES))
    when = mf.Nested(ConditionSchema)
    # levels that get a copy (tembusan) of what this action sends, e.g. an extension request
    # goes to the Menteri with copies to the Gubernur and the DPRD (Perwal 57/2023 Pasal 78(3))
    tembusan = mf.List(mf.String(validate=one_of(LEVELS)))
    # the level that takes this action when it is not the stage's (the partner daerah starting
    # its own report or proposal during pelaksanaan, Perwal 57/2023 Pasal 26, 33, 34)
    level = mf.String(validate=one_of(LEVELS))
    basis = text(True)


class GateSchema(Base):
    """One side's approval at a stage whose sides approve in parallel (each DPRD, Pasal 27)."""

    when = mf.Nested(ConditionSchema)
    roles = mf.List(mf.String(), validate=NONEMPTY)
    requires_documents = idents()
    basis = text()


class CriterionSchema(Base):
    """One criterion a selection team scores each candidate partner on (KSDPK, Pasal 39(2))."""

    id = ident()
    label = text(True, NONEMPTY)
    basis = text()


class StageSchema(Base):
    id = ident()
    label = text(True, NONEMPTY)
    level = mf.String(load_default="own", validate=one_of(LEVELS))
    roles = mf.List(mf.String(), required=True, validate=NONEMPTY)
    basis = text(True)
    locked = mf.Boolean()
    when = mf.Nested(ConditionSchema)
    skip_to = mf.String()
    requires_documents = idents()
    deadline = OneOrMany(DeadlineSchema)
    parallel = mf.Dict(
        keys=mf.String(validate=one_of(LEVELS)), values=mf.Nested(GateSchema), validate=NONEMPTY
    )
    # the phase of Permendagri 23/2009 Pasal 4 the stage belongs to (the supervision queue)
    pengawasan_tahap = mf.String(validate=one_of(SUPERVISION_PHASES))
    # the criteria of a candidate selection held at this stage (KSDPK pemilihan_mitra)
    kriteria_pemilihan = mf.List(mf.Nested(CriterionSchema), validate=NONEMPTY)
    actions = mf.List(mf.Nested(ActionSchema), required=True)


class AppliesToSchema(Base):
    type = mf.String(required=True, validate=one_of(COOPERATION_SUBTYPES))
    subtypes = mf.List(mf.String(validate=one_of(ALL_SUBTYPES)), required=True)


class TerminalSchema(Base):
    label = text(True, NONEMPTY)
    level = mf.String(validate=one_of(LEVELS))


class ProcessSchema(Base):
    label = text(True, NONEMPTY)
    basis = text(True)
    subject = mf.String(validate=one_of(SUBJECTS))
    applies_to = mf.List(mf.Nested(AppliesToSchema))
    start = mf.String(required=True)
    stages = mf.List(mf.Nested(StageSchema), required=True, validate=NONEMPTY)
    terminals = mf.Dict(
        keys=mf.String(validate=IDENT_CHECK), values=mf.Nested(TerminalSchema), required=True
    )
    locked = mf.Boolean()


# laporan_pengawasan: armed when the previous round of pemantauan/evaluasi is reported;
# diperlukan: no rhythm at all, a round is opened only "pada saat diperlukan"
JADWAL_ANCHORS = (
    "penandatanganan",
    "akhir_jangka_waktu",
    "awal_tahun",
    "laporan_pengawasan",
    "diperlukan",
)
JADWAL_EXPIRIES = ("terlambat", "berakhir", "pengawasan")
COOPERATION_TYPES = tuple(COOPERATION_SUBTYPES)


class SpanSchema(Base):
    amount = mf.Integer(required=True, strict=True, validate=validate.Range(min=1))
    unit = mf.String(required=True, validate=one_of(UNITS))


class FulfilledBySchema(Base):
    actions = idents()
    documents = idents()


class TindakLanjutSchema(Base):
    label = text(True, NONEMPTY)
    actions = idents()
    documents = idents()


class PengawasanSchema(Base):
    """A round of pemantauan or evaluasi opened for the tim pembinaan dan pengawasan."""

    report_within = mf.Nested(SpanSchema, required=True)
    documents = idents(True)  # attached to the report (the first is the report itself)
    optional_documents = idents()
    one_of = idents()  # at least one of these
    next = ident()  # the schedule armed by the report
    tindak_lanjut = mf.Dict(
        keys=mf.String(validate=IDENT_CHECK), values=mf.Nested(TindakLanjutSchema)
    )


class JadwalSchema(Base):
    """A schedule of a running cooperation (FORMAT.md, ``jadwal``)."""

    label = text(True, NONEMPTY)
    types = mf.List(mf.String(validate=one_of(COOPERATION_TYPES)), required=True)
    anchor = mf.String(required=True, validate=one_of(JADWAL_ANCHORS))
    amount = mf.Integer(required=True, strict=True, validate=NONNEG)
    unit = mf.String(required=True, validate=one_of(UNITS))
    before = mf.Boolean()
    every = mf.Nested(SpanSchema)  # repeats while the cooperation runs
    on_expiry = mf.String(required=True, validate=one_of(JADWAL_EXPIRIES))
    fulfilled_by = mf.Nested(FulfilledBySchema)
    pengawasan = mf.Nested(PengawasanSchema)
    roles = mf.List(mf.String(), required=True, validate=NONEMPTY)
    reminders = mf.List(mf.Nested(ReminderSchema))
    basis = text(True)


class ObjekSchema(Base):
    code = ident()
    label = text(True, NONEMPTY)
    basis = text(True)


class PersyaratanSchema(ObjekSchema):
    types = mf.List(mf.String(validate=one_of(COOPERATION_SUBTYPES)), required=True)


class RulebookSchema(Base):
    id = text(True, NONEMPTY)
    title = text(True, NONEMPTY)
    regulations = mf.Dict(keys=mf.String(), values=mf.String(), required=True)
    roles = mf.List(mf.String(), required=True)
    objek = mf.List(mf.Nested(ObjekSchema), load_default=list)
    persyaratan = mf.List(mf.Nested(PersyaratanSchema), load_default=list)
    document_kinds = mf.Dict(
        keys=mf.String(validate=IDENT_CHECK), values=mf.Nested(DocumentKindSchema), required=True
    )
    processes = mf.Dict(
        keys=mf.String(validate=IDENT_CHECK), values=mf.Nested(ProcessSchema), required=True
    )
    jadwal = mf.Dict(keys=mf.String(validate=IDENT_CHECK), values=mf.Nested(JadwalSchema))


# ---- variant (patch) files


class DocumentKindPatchSchema(Base):
    """A new kind (label, basis, fields, checks) or additions to an existing one."""

    label = text(False, NONEMPTY)
    basis = text()
    fields = mf.List(mf.Nested(FieldSchema))
    checks = mf.List(mf.Nested(CheckSchema))
    fields_add = mf.List(mf.Nested(FieldSchema))
    checks_add = mf.List(mf.Nested(CheckSchema))
    signature = mf.Nested(SignaturePatchSchema)
    locked = mf.Boolean()


class ExceptionSchema(ConditionSchema):
    """A variant's regulation says in words that a national rule does not apply (FORMAT.md):
    the values it takes out of the stage's condition, with the variant's own basis."""

    basis = text(True, NONEMPTY)  # must name a regulation of the variant itself
    alasan = text(True, NONEMPTY)


class StagePatchSchema(Base):
    label = text(False, NONEMPTY)
    basis = text()
    deadline = OneOrMany(DeadlineSchema)
    deadlines_add = mf.List(mf.Nested(DeadlineSchema))
    reminders_add = mf.List(mf.Nested(ReminderSchema))
    requires_documents_add = idents()
    pengawasan_tahap = mf.String(validate=one_of(SUPERVISION_PHASES))
    kriteria_pemilihan_add = mf.List(mf.Nested(CriterionSchema), validate=NONEMPTY)
    when = mf.Nested(ConditionSchema, allow_none=True)
    pengecualian = mf.Nested(ExceptionSchema)  # the only way a looser ``when`` is accepted
    # Accepted here only so that the override policy can refuse them with the national rule's
    # name and basis (a variant may not change who acts, where actions lead, or the documents).
    roles = mf.Raw()
    level = mf.Raw()
    actions = mf.Raw()
    skip_to = mf.Raw()
    requires_documents = mf.Raw()
    locked = mf.Raw()
    id = mf.Raw()


class StageAddSchema(Base):
    after = mf.String(required=True)
    stage = mf.Nested(StageSchema)
    stages = mf.List(mf.Nested(StageSchema), validate=NONEMPTY)


class ProcessPatchSchema(Base):
    stages_add = mf.List(mf.Nested(StageAddSchema))
    stages = mf.Dict(keys=mf.String(), values=mf.Nested(StagePatchSchema, allow_none=True))
    terminals_add = mf.Dict(keys=mf.String(validate=IDENT_CHECK), values=mf.Nested(TerminalSchema))


class PengawasanPatchSchema(Base):
    """A variant's additions to a round (tighten only; see rules.jadwal_policy). The keys of
    :class:`PengawasanSchema` are accepted for a schedule the variant adds."""

    report_within = mf.Nested(SpanSchema)
    documents = idents()
    optional_documents = idents()
    one_of = idents()
    next = ident(False)
    tindak_lanjut = mf.Dict(
        keys=mf.String(validate=IDENT_CHECK), values=mf.Nested(TindakLanjutSchema)
    )
    documents_add = idents()
    optional_documents_add = idents()


class JadwalPatchSchema(Base):
    """A variant's ``jadwal`` entry: a patch of a schedule above it (FORMAT.md), or a whole new
    schedule (every key of :class:`JadwalSchema`)."""

    label = text(False, NONEMPTY)
    basis = text()
    types = mf.List(mf.String(validate=one_of(COOPERATION_TYPES)))
    types_add = mf.List(mf.String(validate=one_of(COOPERATION_TYPES)))
    anchor = mf.String(validate=one_of(JADWAL_ANCHORS))
    amount = mf.Integer(strict=True, validate=NONNEG)
    unit = mf.String(validate=one_of(UNITS))
    before = mf.Boolean()
    every = mf.Nested(SpanSchema)
    on_expiry = mf.String(validate=one_of(JADWAL_EXPIRIES))
    fulfilled_by = mf.Nested(FulfilledBySchema)
    pengawasan = mf.Nested(PengawasanPatchSchema)
    roles = mf.List(mf.String(), validate=NONEMPTY)
    reminders = mf.List(mf.Nested(ReminderSchema))
    reminders_add = mf.List(mf.Nested(ReminderSchema))


class VariantSchema(Base):
    id = text(True, NONEMPTY)
    extends = text(True, NONEMPTY)
    title = text(True, NONEMPTY)
    effective_from = mf.String()
    regulations = mf.Dict(keys=mf.String(), values=mf.String())
    roles = mf.List(mf.String())
    objek_add = mf.List(mf.Nested(ObjekSchema))
    persyaratan_add = mf.List(mf.Nested(PersyaratanSchema))
    document_kinds = mf.Dict(
        keys=mf.String(validate=IDENT_CHECK), values=mf.Nested(DocumentKindPatchSchema)
    )
    processes = mf.Dict(keys=mf.String(), values=mf.Nested(ProcessPatchSchema))
    jadwal = mf.Dict(
        keys=mf.String(validate=IDENT_CHECK),
        values=mf.Nested(JadwalPatchSchema, allow_none=True),
    )


def _flatten(messages: Any, path: str, out: list[tuple[str, str]]) -> None:
    if isinstance(messages, Mapping):
        for key, sub in messages.items():
            if (
                key == "value" or key == "_schema"
            ):  # marshmallow's slot for a Dict value's own errors
                _flatten(sub, path, out)
            elif isinstance(key, int):
                _flatten(sub, f"{path}[{key}]", out)
            else:
                _flatten(sub, f"{path}.{key}" if path else str(key), out)
    elif isinstance(messages, list):
        for m in messages:
            if isinstance(m, str):
                out.append((path or "(berkas)", MESSAGES.get(m, m)))
            else:
                _flatten(m, path, out)
    else:
        out.append((path or "(berkas)", MESSAGES.get(str(messages), str(messages))))


def shape_errors(data: Any, file: str, *, variant: bool = False) -> list[RuleError]:
    """Unknown keys, missing keys and wrong types, as :class:`RuleError` lines."""
    if not isinstance(data, Mapping):
        return [
            RuleError(file, "(berkas)", "Berkas aturan harus berupa pemetaan YAML di tingkat atas.")
        ]
    schema = VariantSchema() if variant else RulebookSchema()
    try:
        schema.load(data)
    except ValidationError as exc:
        flat: list[tuple[str, str]] = []
        _flatten(exc.messages, "", flat)
        return [RuleError(file, p, r) for p, r in flat]
    return []
