"""Validation of rulebook files: marshmallow for the shape, plain checks for the meaning.

Every problem is a :class:`RuleError` naming the file, the path inside it
(``processes.luar_negeri.stages[4].actions[1].to``) and an Indonesian reason that says what to
fix. Nothing here raises a traceback at the user: callers get a list (empty when fine).
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, validate
from marshmallow import fields as mf

from sikd.workflow.roles import ROLES
from sikd.workflow.rulebook import REGULATION_TOKEN

LEVELS = ("own", "provinsi", "kemendagri", "kemlu", "partner")
ACTION_KINDS = ("advance", "return", "refuse", "decide")
HOP_OUTCOMES = ("forwarded", "returned", "routed_directly", "decided")
UNITS = ("hari", "hari_kerja", "bulan", "tahun")
EXPIRIES = ("deemed_approved", "route_direct", "remind", "expire")
SYSTEM_EXPIRIES = ("deemed_approved", "route_direct")
FIELD_TYPES = ("text", "longtext", "date", "integer", "money", "choice", "list")
CHECK_KINDS = ("max_span", "min_span")
SUBJECTS = ("kerja_sama", "pemetaan", "pengawasan")
INITIATOR_KINDS = ("provinsi", "kabupaten", "kota")
STARTS_FIXED = ("entered", "awal_tahun_berikutnya")
COOPERATION_SUBTYPES: dict[str, tuple[str, ...]] = {
    "KSDD": ("wajib", "sukarela"),
    "KSDPK": ("pelayanan_publik", "pengelolaan_aset", "investasi", "lainnya"),
    "KSDPL": ("kota_kembar", "lainnya"),
    "KSDLL": ("penerusan", "lainnya"),
}
ALL_SUBTYPES = tuple(sorted({s for subs in COOPERATION_SUBTYPES.values() for s in subs}))

#: A regulation key inside a basis string: capitals followed by digits (PMDN25, PERWAL57).
IDENT = re.compile(r"^[a-z][a-z0-9_]*$")


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


# --------------------------------------------------------------------------- marshmallow shape

_MESSAGES = {
    "Missing data for required field.": "Kunci ini wajib ada; tambahkan.",
    "Unknown field.": "Kunci tidak dikenal; hapus atau perbaiki ejaannya.",
    "Not a valid string.": "Harus berupa teks.",
    "Not a valid integer.": "Harus berupa bilangan bulat.",
    "Not a valid boolean.": "Harus bernilai true atau false.",
    "Not a valid list.": "Harus berupa daftar.",
    "Not a valid mapping type.": "Harus berupa pemetaan (kunci: nilai).",
    "Invalid input type.": "Harus berupa pemetaan (kunci: nilai).",
    "Field may not be null.": "Tidak boleh kosong (null); isi atau hapus kuncinya.",
}


def _one_of(choices: Iterable[str]) -> validate.OneOf:
    choices = tuple(choices)
    return validate.OneOf(
        choices, error="Nilai {input!r} tidak dikenal; pilih salah satu: {choices}."
    )


_NONEMPTY = validate.Length(min=1, error="Tidak boleh kosong.")
_NONNEG = validate.Range(min=0, error="Tidak boleh negatif.")
_IDENT = validate.Regexp(
    IDENT, error="Gunakan huruf kecil, angka dan garis bawah (mis. persetujuan_dprd)."
)


def _str(required: bool = False, *vals: Any) -> mf.String:
    return mf.String(required=required, validate=list(vals) or None)


def _ident(required: bool = True) -> mf.String:
    return mf.String(required=required, validate=_IDENT)


def _idents(required: bool = False) -> mf.List:
    return mf.List(mf.String(validate=_IDENT), required=required)


class _Base(Schema):
    class Meta:
        unknown = RAISE


class ConditionSchema(_Base):
    types = mf.List(mf.String(validate=_one_of(COOPERATION_SUBTYPES)), validate=_NONEMPTY)
    subtypes = mf.List(mf.String(validate=_one_of(ALL_SUBTYPES)), validate=_NONEMPTY)
    initiator_kinds = mf.List(mf.String(validate=_one_of(INITIATOR_KINDS)), validate=_NONEMPTY)
    any_fact = mf.List(mf.String(validate=_IDENT), validate=_NONEMPTY)
    all_facts = mf.List(mf.String(validate=_IDENT), validate=_NONEMPTY)


class InputSchema(_Base):
    name = _ident()
    label = _str(True, _NONEMPTY)
    type = mf.String(required=True, validate=_one_of(FIELD_TYPES))
    required = mf.Boolean()
    choices = mf.List(mf.String(), validate=_NONEMPTY)
    basis = _str()


class FieldSchema(InputSchema):
    locked = mf.Boolean()


class CheckSchema(_Base):
    check = mf.String(required=True, validate=_one_of(CHECK_KINDS))
    from_ = mf.String(required=True, data_key="from", attribute="from")
    to = mf.String(required=True)
    amount = mf.Integer(required=True, strict=True, validate=_NONNEG)
    unit = mf.String(required=True, validate=_one_of(UNITS))
    basis = _str(True)
    locked = mf.Boolean()


class DocumentKindSchema(_Base):
    label = _str(True, _NONEMPTY)
    basis = _str(True)
    fields = mf.List(mf.Nested(FieldSchema), required=True)
    checks = mf.List(mf.Nested(CheckSchema))
    locked = mf.Boolean()


class ReminderSchema(_Base):
    before = mf.Integer(required=True, strict=True, validate=_NONNEG)
    unit = mf.String(required=True, validate=_one_of(UNITS))


class DeadlineSchema(_Base):
    amount = mf.Integer(required=True, strict=True, validate=_NONNEG)
    unit = mf.String(required=True, validate=_one_of(UNITS))
    starts = mf.String(load_default="entered")
    on_expiry = mf.String(required=True, validate=_one_of(EXPIRIES))
    action = mf.String()
    flag = mf.String(validate=_IDENT)
    reminders = mf.List(mf.Nested(ReminderSchema))
    basis = _str(True)
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


class ActionSchema(_Base):
    id = _ident()
    label = _str(True, _NONEMPTY)
    kind = mf.String(required=True, validate=_one_of(ACTION_KINDS))
    to = mf.String(required=True)
    roles = mf.List(mf.String())
    requires_documents = _idents()
    inputs = mf.List(mf.Nested(InputSchema))
    reason_required = mf.Boolean()
    hop_outcome = mf.String(validate=_one_of(HOP_OUTCOMES))
    when = mf.Nested(ConditionSchema)
    # levels that get a copy (tembusan) of what this action sends, e.g. an extension request
    # goes to the Menteri with copies to the Gubernur and the DPRD (Perwal 57/2023 Pasal 78(3))
    tembusan = mf.List(mf.String(validate=_one_of(LEVELS)))
    basis = _str(True)


class StageSchema(_Base):
    id = _ident()
    label = _str(True, _NONEMPTY)
    level = mf.String(load_default="own", validate=_one_of(LEVELS))
    roles = mf.List(mf.String(), required=True, validate=_NONEMPTY)
    basis = _str(True)
    locked = mf.Boolean()
    when = mf.Nested(ConditionSchema)
    skip_to = mf.String()
    requires_documents = _idents()
    deadline = OneOrMany(DeadlineSchema)
    actions = mf.List(mf.Nested(ActionSchema), required=True)


class AppliesToSchema(_Base):
    type = mf.String(required=True, validate=_one_of(COOPERATION_SUBTYPES))
    subtypes = mf.List(mf.String(validate=_one_of(ALL_SUBTYPES)), required=True)


class TerminalSchema(_Base):
    label = _str(True, _NONEMPTY)
    level = mf.String(validate=_one_of(LEVELS))


class ProcessSchema(_Base):
    label = _str(True, _NONEMPTY)
    basis = _str(True)
    subject = mf.String(validate=_one_of(SUBJECTS))
    applies_to = mf.List(mf.Nested(AppliesToSchema))
    start = mf.String(required=True)
    stages = mf.List(mf.Nested(StageSchema), required=True, validate=_NONEMPTY)
    terminals = mf.Dict(
        keys=mf.String(validate=_IDENT), values=mf.Nested(TerminalSchema), required=True
    )
    locked = mf.Boolean()


class ObjekSchema(_Base):
    code = _ident()
    label = _str(True, _NONEMPTY)
    basis = _str(True)


class PersyaratanSchema(ObjekSchema):
    types = mf.List(mf.String(validate=_one_of(COOPERATION_SUBTYPES)), required=True)


class RulebookSchema(_Base):
    id = _str(True, _NONEMPTY)
    title = _str(True, _NONEMPTY)
    regulations = mf.Dict(keys=mf.String(), values=mf.String(), required=True)
    roles = mf.List(mf.String(), required=True)
    objek = mf.List(mf.Nested(ObjekSchema), load_default=list)
    persyaratan = mf.List(mf.Nested(PersyaratanSchema), load_default=list)
    document_kinds = mf.Dict(
        keys=mf.String(validate=_IDENT), values=mf.Nested(DocumentKindSchema), required=True
    )
    processes = mf.Dict(
        keys=mf.String(validate=_IDENT), values=mf.Nested(ProcessSchema), required=True
    )


# ---- variant (patch) files


class DocumentKindPatchSchema(_Base):
    """A new kind (label, basis, fields, checks) or additions to an existing one."""

    label = _str(False, _NONEMPTY)
    basis = _str()
    fields = mf.List(mf.Nested(FieldSchema))
    checks = mf.List(mf.Nested(CheckSchema))
    fields_add = mf.List(mf.Nested(FieldSchema))
    checks_add = mf.List(mf.Nested(CheckSchema))
    locked = mf.Boolean()


class StagePatchSchema(_Base):
    label = _str(False, _NONEMPTY)
    basis = _str()
    deadline = OneOrMany(DeadlineSchema)
    deadlines_add = mf.List(mf.Nested(DeadlineSchema))
    reminders_add = mf.List(mf.Nested(ReminderSchema))
    requires_documents_add = _idents()
    when = mf.Nested(ConditionSchema, allow_none=True)
    # Accepted here only so that the override policy can refuse them with the national rule's
    # name and basis (a variant may not change who acts, where actions lead, or the documents).
    roles = mf.Raw()
    level = mf.Raw()
    actions = mf.Raw()
    skip_to = mf.Raw()
    requires_documents = mf.Raw()
    locked = mf.Raw()
    id = mf.Raw()


class StageAddSchema(_Base):
    after = mf.String(required=True)
    stage = mf.Nested(StageSchema)
    stages = mf.List(mf.Nested(StageSchema), validate=_NONEMPTY)


class ProcessPatchSchema(_Base):
    stages_add = mf.List(mf.Nested(StageAddSchema))
    stages = mf.Dict(keys=mf.String(), values=mf.Nested(StagePatchSchema, allow_none=True))
    terminals_add = mf.Dict(keys=mf.String(validate=_IDENT), values=mf.Nested(TerminalSchema))


class VariantSchema(_Base):
    id = _str(True, _NONEMPTY)
    extends = _str(True, _NONEMPTY)
    title = _str(True, _NONEMPTY)
    effective_from = mf.String()
    regulations = mf.Dict(keys=mf.String(), values=mf.String())
    roles = mf.List(mf.String())
    objek_add = mf.List(mf.Nested(ObjekSchema))
    persyaratan_add = mf.List(mf.Nested(PersyaratanSchema))
    document_kinds = mf.Dict(
        keys=mf.String(validate=_IDENT), values=mf.Nested(DocumentKindPatchSchema)
    )
    processes = mf.Dict(keys=mf.String(), values=mf.Nested(ProcessPatchSchema))


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
                out.append((path or "(berkas)", _MESSAGES.get(m, m)))
            else:
                _flatten(m, path, out)
    else:
        out.append((path or "(berkas)", _MESSAGES.get(str(messages), str(messages))))


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


# --------------------------------------------------------------------------- meaning


def basis_problem(basis: Any, regulations: Mapping[str, str]) -> str | None:
    """Why ``basis`` is not an acceptable legal basis (None when it is)."""
    if not isinstance(basis, str) or not basis.strip():
        return "Dasar hukum (basis) wajib diisi; sebutkan peraturan dan pasalnya."
    tokens = REGULATION_TOKEN.findall(basis)
    if not tokens:
        known = ", ".join(sorted(regulations)) or "-"
        return f"Dasar hukum {basis!r} tidak menyebut kunci peraturan; awali dengan salah satu: {known}."
    unknown = sorted({t for t in tokens if t not in regulations})
    if unknown:
        return (
            f"Kunci peraturan {', '.join(unknown)} tidak dikenal; daftarkan di `regulations` "
            "atau perbaiki ejaannya."
        )
    return None


def rule_nodes(data: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
    """(path, node) for every rule that must carry a basis: objek, persyaratan, document kinds,
    their fields and checks, processes, stages, actions and deadlines."""
    out: list[tuple[str, Mapping[str, Any]]] = []
    for i, o in enumerate(data.get("objek") or ()):
        out.append((f"objek[{i}]", o))
    for i, p in enumerate(data.get("persyaratan") or ()):
        out.append((f"persyaratan[{i}]", p))
    for kind, dk in (data.get("document_kinds") or {}).items():
        out.append((f"document_kinds.{kind}", dk))
        for i, f in enumerate(dk.get("fields") or ()):
            out.append((f"document_kinds.{kind}.fields[{i}]", f))
        for i, c in enumerate(dk.get("checks") or ()):
            out.append((f"document_kinds.{kind}.checks[{i}]", c))
    for pid, proc in (data.get("processes") or {}).items():
        out.append((f"processes.{pid}", proc))
        for si, stage in enumerate(proc.get("stages") or ()):
            sp = f"processes.{pid}.stages[{si}]"
            out.append((sp, stage))
            for ai, act in enumerate(stage.get("actions") or ()):
                out.append((f"{sp}.actions[{ai}]", act))
            for di, d in enumerate(deadlines_of(stage)):
                suffix = "" if isinstance(stage.get("deadline"), Mapping) else f"[{di}]"
                out.append((f"{sp}.deadline{suffix}", d))
    return out


def deadlines_of(stage: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    raw = stage.get("deadline")
    if raw is None:
        return []
    return [raw] if isinstance(raw, Mapping) else list(raw)


def _roles_known(data: Mapping[str, Any]) -> set[str]:
    return set(ROLES) | set(data.get("roles") or ())


def meaning_errors(data: Mapping[str, Any], file: str) -> list[RuleError]:
    """References, transitions and reachability of a rulebook whose shape is already valid."""
    errors: list[RuleError] = []

    def err(path: str, reason: str) -> None:
        errors.append(RuleError(file, path, reason))

    regulations = data.get("regulations") or {}
    for path, node in rule_nodes(data):
        problem = basis_problem(node.get("basis"), regulations)
        if problem:
            err(f"{path}.basis", problem)

    roles = _roles_known(data)
    kinds = data.get("document_kinds") or {}

    for key in ("objek", "persyaratan"):
        seen: set[str] = set()
        for i, item in enumerate(data.get(key) or ()):
            if item["code"] in seen:
                err(f"{key}[{i}].code", f"Kode {item['code']!r} ganda; setiap kode hanya sekali.")
            seen.add(item["code"])

    for kind, dk in kinds.items():
        kp = f"document_kinds.{kind}"
        names = [f["name"] for f in dk.get("fields") or ()]
        by_name = {f["name"]: f for f in dk.get("fields") or ()}
        for i, f in enumerate(dk.get("fields") or ()):
            if names.count(f["name"]) > 1 and names.index(f["name"]) != i:
                err(f"{kp}.fields[{i}].name", f"Isian {f['name']!r} ganda; ganti namanya.")
            if f["type"] == "choice" and not f.get("choices"):
                err(f"{kp}.fields[{i}].choices", "Isian bertipe choice wajib punya daftar choices.")
        for i, c in enumerate(dk.get("checks") or ()):
            for end in ("from", "to"):
                target = by_name.get(c[end])
                if target is None:
                    err(
                        f"{kp}.checks[{i}].{end}",
                        f"Isian {c[end]!r} tidak ada pada dokumen {kind}.",
                    )
                elif target["type"] != "date":
                    err(
                        f"{kp}.checks[{i}].{end}",
                        f"Isian {c[end]!r} harus bertipe date untuk {c['check']}.",
                    )

    covered: dict[tuple[str, str], str] = {}
    for pid, proc in (data.get("processes") or {}).items():
        errors.extend(_process_errors(file, pid, proc, roles, kinds, covered))
    return errors


def _process_errors(
    file: str,
    pid: str,
    proc: Mapping[str, Any],
    roles: set[str],
    kinds: Mapping[str, Any],
    covered: dict[tuple[str, str], str],
) -> list[RuleError]:
    errors: list[RuleError] = []
    pp = f"processes.{pid}"

    def err(path: str, reason: str) -> None:
        errors.append(RuleError(file, path, reason))

    subject = proc.get("subject", "kerja_sama")
    applies = proc.get("applies_to") or []
    if subject == "kerja_sama" and not applies:
        err(f"{pp}.applies_to", "Proses kerja sama wajib menyebut applies_to (jenis dan subjenis).")
    if subject != "kerja_sama" and applies:
        err(f"{pp}.applies_to", f"Proses dengan subject {subject} tidak boleh punya applies_to.")
    for i, a in enumerate(applies):
        for j, sub in enumerate(a["subtypes"]):
            if sub not in COOPERATION_SUBTYPES[a["type"]]:
                err(
                    f"{pp}.applies_to[{i}].subtypes[{j}]",
                    f"Subjenis {sub!r} bukan subjenis {a['type']}; pilih dari "
                    f"{', '.join(COOPERATION_SUBTYPES[a['type']])}.",
                )
            elif (a["type"], sub) in covered:
                err(
                    f"{pp}.applies_to[{i}].subtypes[{j}]",
                    f"{a['type']}/{sub} sudah diatur oleh proses {covered[(a['type'], sub)]}; "
                    "satu jenis hanya boleh punya satu proses.",
                )
            else:
                covered[(a["type"], sub)] = pid

    stages = proc["stages"]
    terminals = proc["terminals"]
    index: dict[str, int] = {}
    for i, s in enumerate(stages):
        if s["id"] in index:
            err(f"{pp}.stages[{i}].id", f"Id tahap {s['id']!r} ganda; setiap tahap perlu id unik.")
        else:
            index[s["id"]] = i
        if s["id"] in terminals:
            err(
                f"{pp}.stages[{i}].id",
                f"{s['id']!r} dipakai sebagai tahap dan tahap akhir sekaligus.",
            )
    targets = set(index) | set(terminals)
    if proc["start"] not in index:
        err(f"{pp}.start", f"Tahap awal {proc['start']!r} tidak ada di stages.")

    edges: dict[str, set[str]] = {sid: set() for sid in index}
    for i, s in enumerate(stages):
        sp = f"{pp}.stages[{i}]"
        sid = s["id"]
        for j, r in enumerate(s["roles"]):
            if r not in roles:
                err(
                    f"{sp}.roles[{j}]",
                    f"Peran {r!r} tidak dikenal; gunakan peran dari sikd.workflow.roles atau daftarkan di roles.",
                )
        for j, d in enumerate(s.get("requires_documents") or ()):
            if d not in kinds:
                err(
                    f"{sp}.requires_documents[{j}]",
                    f"Jenis dokumen {d!r} tidak ada di document_kinds.",
                )
        if s.get("when") and not s.get("skip_to"):
            err(
                f"{sp}.skip_to",
                "Tahap bersyarat (when) wajib menyebut skip_to: ke mana bila dilewati.",
            )
        if s.get("skip_to"):
            if s["skip_to"] not in targets:
                err(
                    f"{sp}.skip_to",
                    f"Tujuan {s['skip_to']!r} tidak ada di stages maupun terminals.",
                )
            elif s["skip_to"] == sid:
                err(f"{sp}.skip_to", "skip_to tidak boleh menunjuk tahap itu sendiri.")
            else:
                edges[sid].add(s["skip_to"])
        if not s["actions"]:
            err(
                f"{sp}.actions", "Tahap tanpa tindakan tidak bisa ditinggalkan; tambahkan tindakan."
            )
        action_ids: dict[str, dict[str, Any]] = {}
        for j, a in enumerate(s["actions"]):
            ap = f"{sp}.actions[{j}]"
            if a["id"] in action_ids:
                err(f"{ap}.id", f"Id tindakan {a['id']!r} ganda dalam tahap {sid}.")
            action_ids[a["id"]] = a
            for k, r in enumerate(a.get("roles") or ()):
                if r not in roles:
                    err(
                        f"{ap}.roles[{k}]",
                        f"Peran {r!r} tidak dikenal; gunakan peran dari sikd.workflow.roles atau daftarkan di roles.",
                    )
            for k, d in enumerate(a.get("requires_documents") or ()):
                if d not in kinds:
                    err(
                        f"{ap}.requires_documents[{k}]",
                        f"Jenis dokumen {d!r} tidak ada di document_kinds.",
                    )
            input_names = [x["name"] for x in a.get("inputs") or ()]
            for k, x in enumerate(a.get("inputs") or ()):
                if x["type"] == "choice" and not x.get("choices"):
                    err(
                        f"{ap}.inputs[{k}].choices",
                        "Isian bertipe choice wajib punya daftar choices.",
                    )
                if input_names.count(x["name"]) > 1 and input_names.index(x["name"]) != k:
                    err(f"{ap}.inputs[{k}].name", f"Isian {x['name']!r} ganda.")
            to = a["to"]
            if to not in targets:
                err(f"{ap}.to", f"Tujuan {to!r} tidak ada di stages maupun terminals.")
                continue
            edges[sid].add(to)
            reason = _impossible(a["kind"], to, sid, index, terminals)
            if reason:
                err(f"{ap}.to", reason)
        for k, d in enumerate(deadlines_of(s)):
            dp = f"{sp}.deadline" + ("" if isinstance(s.get("deadline"), Mapping) else f"[{k}]")
            errors.extend(_deadline_errors(file, dp, d, action_ids, kinds))

    reachable = _bfs([proc["start"]] if proc["start"] in index else [], edges)
    for i, s in enumerate(stages):
        if s["id"] not in reachable and proc["start"] in index:
            err(
                f"{pp}.stages[{i}]",
                f"Tahap {s['id']!r} tidak dapat dicapai dari tahap awal; hubungkan atau hapus.",
            )
    reverse: dict[str, set[str]] = {t: set() for t in targets}
    for src, dsts in edges.items():
        for dst in dsts:
            reverse.setdefault(dst, set()).add(src)
    can_end = _bfs(list(terminals), reverse)
    for i, s in enumerate(stages):
        if s["id"] not in can_end:
            err(
                f"{pp}.stages[{i}]",
                f"Dari tahap {s['id']!r} tidak ada jalan ke tahap akhir (terminals); "
                "tambahkan tindakan yang keluar dari putaran ini.",
            )
    return errors


def _impossible(
    kind: str, to: str, sid: str, index: Mapping[str, int], terminals: Mapping[str, Any]
) -> str | None:
    if to == sid:
        return "Tindakan tidak boleh kembali ke tahap yang sama; tunjuk tahap lain."
    if kind == "refuse" and to not in terminals:
        return "Tindakan refuse harus berakhir di tahap akhir (terminals)."
    if kind == "return":
        if to in terminals:
            return "Tindakan return harus kembali ke tahap sebelumnya, bukan ke tahap akhir."
        if index[to] > index[sid]:
            return (
                f"Tindakan return harus menunjuk tahap sebelumnya; {to!r} berada sesudah {sid!r}."
            )
    return None


def _deadline_errors(
    file: str,
    dp: str,
    d: Mapping[str, Any],
    actions: Mapping[str, Mapping[str, Any]],
    kinds: Mapping[str, Any],
) -> list[RuleError]:
    errors: list[RuleError] = []
    if d["on_expiry"] in SYSTEM_EXPIRIES:
        act = d.get("action")
        if not act:
            errors.append(
                RuleError(
                    file,
                    f"{dp}.action",
                    f"Tenggat {d['on_expiry']} wajib menyebut tindakan yang diambil sistem.",
                )
            )
        elif act not in actions:
            errors.append(
                RuleError(file, f"{dp}.action", f"Tindakan {act!r} tidak ada pada tahap ini.")
            )
        elif actions[act]["kind"] != "advance":
            errors.append(
                RuleError(
                    file,
                    f"{dp}.action",
                    f"Tindakan {act!r} harus bertipe advance agar proses berlanjut saat tenggat lewat.",
                )
            )
    elif d.get("action"):
        errors.append(
            RuleError(
                file,
                f"{dp}.action",
                f"Tenggat {d['on_expiry']} tidak mengambil tindakan; hapus action.",
            )
        )
    if d.get("flag") and d["on_expiry"] != "expire":
        errors.append(RuleError(file, f"{dp}.flag", "flag hanya untuk on_expiry: expire."))
    starts = d.get("starts", "entered")
    if starts not in STARTS_FIXED:
        kind, _, name = starts.partition(".")
        field = next(
            (f for f in (kinds.get(kind) or {}).get("fields") or () if f["name"] == name), None
        )
        if field is None or field["type"] != "date":
            errors.append(
                RuleError(
                    file,
                    f"{dp}.starts",
                    f"starts {starts!r} harus entered, awal_tahun_berikutnya, atau <jenis dokumen>.<isian tanggal>.",
                )
            )
    return errors


def _bfs(roots: list[str], edges: Mapping[str, set[str]]) -> set[str]:
    seen = set(roots)
    queue = deque(roots)
    while queue:
        node = queue.popleft()
        for nxt in edges.get(node, ()):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen


def validate_rulebook(data: Any, file: str) -> list[RuleError]:
    """All errors of a rulebook in national (merged) shape: shape first, then meaning."""
    errors = shape_errors(data, file)
    if errors:
        return errors
    return meaning_errors(data, file)
