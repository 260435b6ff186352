"""The pure workflow engine: the law of tenants/rules/*.yaml applied to one cooperation.

Reads a *merged* rulebook (a plain dict, shape in ``tenants/rules/FORMAT.md``) and a
:class:`CooperationState`; returns a :class:`Decision` to be written by the caller in one
transaction, or a :class:`Refusal` that changes nothing. No database, no clock, no I/O.

Semantics:

* **Entering a stage** (on start or after any action) applies skipping: a stage whose ``when``
  is false, or whose ``level`` is ``provinsi`` while the initiator is itself a provinsi (its
  submissions go straight to Kemendagri, DOMAIN §4), is passed over along ``skip_to`` (for the
  implicit provinsi skip without ``skip_to``: the ``to`` of the stage's first ``advance``
  action), repeatedly, each skip recorded with an Indonesian reason and the stage's basis.
* **Hops**: when the level of the stage left differs from the level landed on, the decision
  carries a :class:`Hop`. Outcome: the action's ``hop_outcome`` if given; else ``forwarded``
  (advance), ``returned`` (return), ``decided`` (decide, refuse); ``routed_directly`` when the
  action is taken on a ``route_direct`` expiry. Terminals are held by ``own`` unless the
  terminal names a ``level``.
* **Deadlines**: leaving a stage closes the deadlines the stage defines (``deadlines_to_close``
  lists the stage id); landing on a stage opens its deadline(s), also when an action lands
  on the stage it left (closed and opened afresh). Skipped stages open none. The caller marks
  a fired deadline as fired itself; ``on_deadline_expired`` never closes it.
  A stage may give ``deadline`` as one mapping (FORMAT.md) or a list of them.
* **Authorization** is role + level only: ``actor.level`` must equal the stage's level and the
  actor must hold one of the action's roles (default: the stage's roles). The system actor may
  only take an action named by a ``deemed_approved``/``route_direct`` deadline of the stage.
  Which tenant the actor belongs to is the caller's check.
* **Checks**, in this order, first failure wins: stale version, terminal, unknown action,
  level, role, action ``when`` (an optional Condition on an action, an extension of FORMAT.md),
  reason (``alasan``; required for return/refuse unless ``reason_required: false``, for decide
  only when ``reason_required: true``), required inputs, input types, documents. Documents: an
  ``advance`` needs the stage's and the action's ``requires_documents``; other kinds need the
  action's own ``requires_documents`` only. Actions taken by the system on expiry are exempt
  from inputs and documents: silence of the holder is itself the legal basis.
* **Versions**: every decision has ``new_version = state.version + 1``; ``start`` gives 1.
  ``expected_version`` different from ``state.version`` is refused as ``stale_state``.
* **Flags** are sticky: an ``expire`` deadline adds its flag (default ``dormant``); the engine
  never removes one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from .types import (
    ACTION_KINDS,
    EXPIRY_KINDS,
    HOP_OUTCOMES,
    INITIATOR_KINDS,
    STAGE_LEVELS,
    SYSTEM_ACTOR,
    ActionInfo,
    Actor,
    CooperationState,
    DeadlineSpec,
    Decision,
    Hop,
    InputSpec,
    Refusal,
    Reminder,
    RulebookError,
    SkippedStage,
)

from .roles import role_label as _role_label


LEVEL_LABELS = {
    "own": "pemerintah daerah pemrakarsa",
    "provinsi": "Gubernur (pemerintah provinsi)",
    "kemendagri": "Kementerian Dalam Negeri (Sekretariat Jenderal)",
    "kemlu": "Kementerian Luar Negeri",
    "partner": "mitra kerja sama",
    "system": "sistem",
}
REASON_INPUT = "alasan"
DEFAULT_OUTCOME = {
    "advance": "forwarded",
    "return": "returned",
    "refuse": "decided",
    "decide": "decided",
}
SYSTEM_EXPIRIES = ("deemed_approved", "route_direct")
CONDITION_KEYS = ("types", "subtypes", "initiator_kinds", "any_fact", "all_facts")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_INT_RE = re.compile(r"^[+-]?\d+$")


# --------------------------------------------------------------------------- rulebook access


def process_for(rulebook: Mapping[str, Any], type: str, subtype: str) -> str | None:
    """The id of the process whose ``applies_to`` covers this type and subtype, if any."""
    for pid, proc in (rulebook.get("processes") or {}).items():
        if proc.get("applies_to") and _covers(proc, type, subtype):
            return pid
    return None


def _covers(proc: Mapping[str, Any], type: str, subtype: str) -> bool:
    """A process without ``applies_to`` (pemetaan, pengawasan) may run on any cooperation."""
    rules = proc.get("applies_to")
    if not rules:
        return True
    return any(r.get("type") == type and subtype in (r.get("subtypes") or ()) for r in rules)


def _process(rulebook: Mapping[str, Any], pid: str) -> Mapping[str, Any]:
    proc = (rulebook.get("processes") or {}).get(pid)
    if proc is None:
        raise RulebookError(f"proses {pid!r} tidak ada dalam aturan {rulebook.get('id')!r}")
    return proc


def _stages(proc: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    return {s["id"]: s for s in proc.get("stages") or ()}


def _terminals(proc: Mapping[str, Any]) -> Mapping[str, Any]:
    return proc.get("terminals") or {}


def _level_of(proc: Mapping[str, Any], sid: str) -> str:
    stage = _stages(proc).get(sid)
    if stage is not None:
        return stage.get("level", "own")
    term = _terminals(proc).get(sid)
    if term is None:
        raise RulebookError(f"tahap atau akhir {sid!r} tidak dikenal")
    return (term or {}).get("level", "own")


def _label(node: Mapping[str, Any] | None, fallback: str) -> str:
    return (node or {}).get("label") or fallback


def _stage_label(proc: Mapping[str, Any], sid: str) -> str:
    node = _stages(proc).get(sid) or _terminals(proc).get(sid)
    return _label(node, sid)


def _doc_label(rulebook: Mapping[str, Any], kind: str) -> str:
    return _label((rulebook.get("document_kinds") or {}).get(kind), kind)


def _deadlines(stage: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    raw = stage.get("deadline")
    if raw is None:
        raw = stage.get("deadlines")
    if raw is None:
        return []
    return [raw] if isinstance(raw, Mapping) else list(raw)


def _deadline_specs(stage: Mapping[str, Any]) -> tuple[DeadlineSpec, ...]:
    specs = []
    for d in _deadlines(stage):
        on_expiry = d.get("on_expiry", "remind")
        specs.append(
            DeadlineSpec(
                stage=stage["id"],
                amount=int(d["amount"]),
                unit=d["unit"],
                starts=d.get("starts", "entered"),
                on_expiry=on_expiry,
                action=d.get("action"),
                reminders=tuple(
                    Reminder(before=int(r["before"]), unit=r.get("unit", d["unit"]))
                    for r in d.get("reminders") or ()
                ),
                basis=d.get("basis") or stage.get("basis", ""),
                flag=(d.get("flag") or "dormant") if on_expiry == "expire" else None,
            )
        )
    return tuple(specs)


def _action_roles(stage: Mapping[str, Any], action: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(action.get("roles") or stage.get("roles") or ())


def _reason_required(action: Mapping[str, Any]) -> bool:
    default = action.get("kind") in ("return", "refuse")
    return bool(action.get("reason_required", default))


def _basis(action: Mapping[str, Any], stage: Mapping[str, Any]) -> str:
    return action.get("basis") or stage.get("basis") or ""


def _cite(basis: str) -> str:
    return f" (dasar: {basis})" if basis else ""


# --------------------------------------------------------------------------- conditions


def _condition_failures(
    cond: Mapping[str, Any] | None,
    type: str,
    subtype: str,
    initiator_kind: str,
    facts: Iterable[str],
) -> list[str]:
    """Indonesian descriptions of the parts of ``cond`` that do not hold (empty: it holds)."""
    if not cond:
        return []
    unknown = set(cond) - set(CONDITION_KEYS)
    if unknown:
        raise RulebookError(f"kunci syarat tidak dikenal: {sorted(unknown)}")
    facts = frozenset(facts)
    failures = []
    if "types" in cond and type not in cond["types"]:
        failures.append(f"jenis kerja sama {type} tidak termasuk {', '.join(cond['types'])}")
    if "subtypes" in cond and subtype not in cond["subtypes"]:
        failures.append(f"subjenis {subtype} tidak termasuk {', '.join(cond['subtypes'])}")
    if "initiator_kinds" in cond and initiator_kind not in cond["initiator_kinds"]:
        failures.append(
            f"pemrakarsa berjenis {initiator_kind}, sedangkan tahap ini hanya untuk "
            f"{', '.join(cond['initiator_kinds'])}"
        )
    if "any_fact" in cond and not facts & set(cond["any_fact"]):
        failures.append(f"tidak tercatat salah satu dari: {', '.join(cond['any_fact'])}")
    if "all_facts" in cond:
        absent = [f for f in cond["all_facts"] if f not in facts]
        if absent:
            failures.append(f"belum tercatat: {', '.join(absent)}")
    return failures


def condition_holds(
    cond: Mapping[str, Any] | None,
    type: str,
    subtype: str,
    initiator_kind: str,
    facts: Iterable[str],
) -> bool:
    """Evaluate a FORMAT.md Condition (all given keys must hold; absent condition holds)."""
    return not _condition_failures(cond, type, subtype, initiator_kind, facts)


def _skip_reason(
    stage: Mapping[str, Any], type: str, subtype: str, kind: str, facts: Iterable[str]
) -> str | None:
    """Why this stage does not apply to the cooperation, or None when it applies."""
    label = _label(stage, stage["id"])
    basis = stage.get("basis", "")
    failures = _condition_failures(stage.get("when"), type, subtype, kind, facts)
    if stage.get("level") == "provinsi" and kind == "provinsi":
        return (
            f"Tahap «{label}» dilewati karena pemrakarsa adalah pemerintah provinsi: "
            f"pengajuannya langsung ke Kemendagri tanpa melalui Gubernur{_cite(basis)}."
        )
    if failures:
        return f"Tahap «{label}» dilewati karena {'; '.join(failures)}{_cite(basis)}."
    return None


def _skip_target(stage: Mapping[str, Any]) -> str:
    if stage.get("skip_to"):
        return stage["skip_to"]
    for action in stage.get("actions") or ():
        if action.get("kind") == "advance" and action.get("to"):
            return action["to"]
    raise RulebookError(f"tahap {stage['id']!r} dapat dilewati tetapi tidak punya skip_to")


def _enter(
    proc: Mapping[str, Any], target: str, type: str, subtype: str, kind: str, facts: frozenset
) -> tuple[str, tuple[SkippedStage, ...]]:
    """Where a cooperation lands when it enters ``target``, and the stages passed over."""
    stages = _stages(proc)
    skipped: list[SkippedStage] = []
    seen: set[str] = set()
    while True:
        if target in _terminals(proc):
            return target, tuple(skipped)
        stage = stages.get(target)
        if stage is None:
            raise RulebookError(f"tujuan {target!r} bukan tahap atau akhir yang dikenal")
        reason = _skip_reason(stage, type, subtype, kind, facts)
        if reason is None:
            return target, tuple(skipped)
        if target in seen:
            raise RulebookError(f"lingkaran skip_to melalui tahap {target!r}")
        seen.add(target)
        skipped.append(SkippedStage(stage=target, reason=reason, basis=stage.get("basis", "")))
        target = _skip_target(stage)


# --------------------------------------------------------------------------- inputs


def _input_specs(action: Mapping[str, Any]) -> tuple[InputSpec, ...]:
    specs = [
        InputSpec(
            name=i["name"],
            label=i.get("label") or i["name"],
            type=i.get("type", "text"),
            required=bool(i.get("required", False)),
            choices=tuple(i.get("choices") or ()),
            basis=i.get("basis", ""),
        )
        for i in action.get("inputs") or ()
    ]
    if _reason_required(action) and not any(s.name == REASON_INPUT for s in specs):
        specs.insert(
            0,
            InputSpec(
                name=REASON_INPUT,
                label="Alasan",
                type="longtext",
                required=True,
                basis=action.get("basis", ""),
            ),
        )
    return tuple(specs)


def _blank(value: Any) -> bool:
    if isinstance(value, list | tuple):
        return all(isinstance(v, str) and not v.strip() for v in value)
    return value is None or (isinstance(value, str) and not value.strip())


def _coerce(spec: InputSpec, value: Any) -> tuple[Any, str | None]:
    """(normalised value, None) or (None, Indonesian complaint)."""
    t = spec.type
    if t in ("text", "longtext"):
        if not isinstance(value, str):
            return None, f"«{spec.label}» harus berupa teks"
        return value.strip(), None
    if t == "date":
        if isinstance(value, date):
            return value.isoformat(), None
        if isinstance(value, str) and _DATE_RE.match(value.strip()):
            try:
                return date.fromisoformat(value.strip()).isoformat(), None
            except ValueError:
                pass
        return None, f"«{spec.label}» harus berupa tanggal yang sah dengan format TTTT-BB-HH"
    if t == "integer":
        if isinstance(value, int) and not isinstance(value, bool):
            return value, None
        if isinstance(value, str) and _INT_RE.match(value.strip()):
            return int(value.strip()), None
        return None, f"«{spec.label}» harus berupa bilangan bulat"
    if t == "money":
        if isinstance(value, bool):
            return None, f"«{spec.label}» harus berupa jumlah uang"
        try:
            amount = Decimal(str(value).strip())
        except InvalidOperation:
            return None, f"«{spec.label}» harus berupa jumlah uang, misalnya 1500000"
        if not amount.is_finite() or amount < 0:
            return None, f"«{spec.label}» harus berupa jumlah uang yang tidak negatif"
        return str(amount), None
    if t == "choice":
        if value in spec.choices:
            return value, None
        return None, f"«{spec.label}» harus salah satu dari: {', '.join(spec.choices)}"
    if t == "list":
        if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
            items = [v.strip() for v in value if v.strip()]
            return items, None
        return None, f"«{spec.label}» harus berupa daftar teks"
    raise RulebookError(f"jenis isian tidak dikenal: {t!r} ({spec.name})")


# --------------------------------------------------------------------------- public API


def start(
    rulebook: Mapping[str, Any],
    type: str,
    subtype: str,
    initiator_kind: str,
    facts: Iterable[str] = (),
    process: str | None = None,
) -> Decision | Refusal:
    """Enter the start stage of the process for this type/subtype (applying skips).

    ``process`` names a process explicitly; needed for processes without ``applies_to``
    (pemetaan, pengawasan), and for one with it the type/subtype must still be covered."""
    facts = frozenset(facts)
    pid = process_for(rulebook, type, subtype)
    if process is not None:
        explicit = (rulebook.get("processes") or {}).get(process)
        pid = process if explicit is not None and _covers(explicit, type, subtype) else None
    if pid is None or initiator_kind not in INITIATOR_KINDS:
        what = (
            f"pemrakarsa berjenis {initiator_kind!r}"
            if pid is not None
            else f"jenis {type} dengan subjenis {subtype}"
        )
        return Refusal(
            code="unknown_process",
            message=(
                f"Aturan {rulebook.get('id', '')} tidak mengenal proses untuk {what}. "
                "Pilih jenis dan subjenis kerja sama yang tersedia dalam aturan tersebut."
            ),
            missing=(type, subtype),
        )
    proc = _process(rulebook, pid)
    landing, skipped = _enter(proc, proc["start"], type, subtype, initiator_kind, facts)
    return Decision(
        process=pid,
        from_stage=None,
        to_stage=landing,
        action=None,
        kind="start",
        hop=None,
        deadlines_to_close=(),
        deadlines_to_open=_opened(proc, landing),
        skipped_stages=skipped,
        basis=proc.get("basis", ""),
        flags_added=frozenset(),
        notify_levels=("own",),
        inputs={},
        new_version=1,
        actor_level="own",
        terminal=landing in _terminals(proc),
    )


def initial_state(
    decision: Decision,
    type: str,
    subtype: str,
    initiator_kind: str,
    facts: Iterable[str] = (),
    documents: Iterable[str] = (),
) -> CooperationState:
    """The state a :func:`start` decision creates."""
    return CooperationState(
        type=type,
        subtype=subtype,
        initiator_kind=initiator_kind,
        process=decision.process,
        stage=decision.to_stage,
        facts=frozenset(facts),
        documents=frozenset(documents),
        flags=decision.flags_added,
        version=decision.new_version,
    )


def available_actions(
    rulebook: Mapping[str, Any], state: CooperationState, actor: Actor
) -> list[ActionInfo]:
    """The actions ``actor`` may take now, with the inputs each needs and missing documents.

    The system actor gets none: it acts only through :func:`on_deadline_expired`."""
    proc = _process(rulebook, state.process)
    stage = _stages(proc).get(state.stage)
    if stage is None or actor.level != stage.get("level", "own"):
        return []
    out = []
    for action in stage.get("actions") or ():
        roles = _action_roles(stage, action)
        if not actor.roles & set(roles):
            continue
        if not condition_holds(
            action.get("when"), state.type, state.subtype, state.initiator_kind, state.facts
        ):
            continue
        missing = _missing_documents(stage, action, state.documents)
        lands_on, _ = _enter(
            proc, action["to"], state.type, state.subtype, state.initiator_kind, state.facts
        )
        out.append(
            ActionInfo(
                id=action["id"],
                label=_label(action, action["id"]),
                kind=action["kind"],
                to=action["to"],
                lands_on=lands_on,
                to_level=_level_of(proc, lands_on),
                inputs=_input_specs(action),
                reason_required=_reason_required(action),
                missing_documents=missing,
                ready=not missing,
                basis=_basis(action, stage),
                roles=roles,
            )
        )
    return out


def decide(
    rulebook: Mapping[str, Any],
    state: CooperationState,
    action: str,
    actor: Actor,
    inputs: Mapping[str, Any] | None = None,
    expected_version: int | None = None,
) -> Decision | Refusal:
    """Decide whether ``actor`` may take ``action`` now, and what follows if so."""
    inputs = dict(inputs or {})
    proc = _process(rulebook, state.process)
    if expected_version is not None and expected_version != state.version:
        return Refusal(
            code="stale_state",
            message=(
                f"Data kerja sama ini sudah berubah sejak Anda membukanya (versi Anda "
                f"{expected_version}, versi terkini {state.version}). Muat ulang halaman, "
                "periksa tahap terkini, lalu ulangi tindakan Anda bila masih diperlukan."
            ),
            missing=(),
        )
    if state.stage in _terminals(proc):
        return Refusal(
            code="terminal",
            message=(
                f"Kerja sama ini sudah berada pada keadaan akhir "
                f"«{_stage_label(proc, state.stage)}», sehingga tidak ada tindakan yang dapat "
                "dilakukan lagi. Bila diperlukan, ajukan kerja sama baru."
            ),
            basis=proc.get("basis", ""),
        )
    stage = _stages(proc).get(state.stage)
    if stage is None:
        raise RulebookError(f"tahap {state.stage!r} tidak ada dalam proses {state.process!r}")
    stage_label = _label(stage, stage["id"])
    act = next((a for a in stage.get("actions") or () if a["id"] == action), None)
    if act is None:
        names = ", ".join(f"«{_label(a, a['id'])}»" for a in stage.get("actions") or ())
        return Refusal(
            code="unknown_action",
            message=(
                f"Tindakan «{action}» tidak tersedia pada tahap «{stage_label}». "
                f"Pilih salah satu tindakan yang tersedia: {names or '(tidak ada)'}"
                f"{_cite(stage.get('basis', ''))}."
            ),
            missing=(action,),
            basis=stage.get("basis", ""),
        )
    act_label = _label(act, act["id"])
    basis = _basis(act, stage)

    if actor.level == "system":
        spec = next(
            (
                s
                for s in _deadline_specs(stage)
                if s.action == action and s.on_expiry in SYSTEM_EXPIRIES
            ),
            None,
        )
        if spec is None:
            return Refusal(
                code="role_not_allowed",
                message=(
                    f"Sistem hanya dapat mengambil tindakan yang ditetapkan oleh tenggat yang "
                    f"telah lewat; «{act_label}» pada tahap «{stage_label}» harus dilakukan oleh "
                    f"pengguna yang berwenang{_cite(basis)}."
                ),
                missing=_action_roles(stage, act),
                basis=basis,
            )
        return _on_expiry_action(proc, state, stage, act, spec)

    stage_level = stage.get("level", "own")
    if actor.level != stage_level:
        return Refusal(
            code="wrong_level",
            message=(
                f"Tahap «{stage_label}» saat ini dipegang oleh {LEVEL_LABELS[stage_level]}, "
                f"bukan oleh {LEVEL_LABELS.get(actor.level, actor.level)}. Tunggu hingga berkas "
                f"diteruskan kepada instansi Anda{_cite(stage.get('basis', ''))}."
            ),
            missing=(stage_level,),
            basis=stage.get("basis", ""),
        )
    roles = _action_roles(stage, act)
    if not actor.roles & set(roles):
        names = ", ".join(_role_label(r) for r in roles)
        return Refusal(
            code="role_not_allowed",
            message=(
                f"Tindakan «{act_label}» pada tahap «{stage_label}» hanya dapat dilakukan oleh "
                f"pengguna dengan peran: {names}. Mintalah pengguna dengan peran tersebut "
                f"untuk melakukannya{_cite(basis)}."
            ),
            missing=roles,
            basis=basis,
        )
    failures = _condition_failures(
        act.get("when"), state.type, state.subtype, state.initiator_kind, state.facts
    )
    if failures:
        return Refusal(
            code="condition_not_met",
            message=(
                f"Tindakan «{act_label}» tidak berlaku untuk kerja sama ini karena "
                f"{'; '.join(failures)}. Pilih tindakan lain yang tersedia{_cite(basis)}."
            ),
            basis=basis,
        )

    specs = _input_specs(act)
    if _reason_required(act) and _blank(inputs.get(REASON_INPUT)):
        return Refusal(
            code="reason_required",
            message=(
                f"Tuliskan alasan pada isian «Alasan» untuk tindakan «{act_label}», agar "
                f"pihak yang menerima berkas tahu apa yang harus diperbaiki{_cite(basis)}."
            ),
            missing=(REASON_INPUT,),
            basis=basis,
        )
    missing_inputs = [s for s in specs if s.required and _blank(inputs.get(s.name))]
    if missing_inputs:
        return Refusal(
            code="missing_inputs",
            message=(
                f"Tindakan «{act_label}» belum dapat dilakukan. Lengkapi isian berikut: "
                f"{', '.join(f'«{s.label}»' for s in missing_inputs)}{_cite(basis)}."
            ),
            missing=tuple(s.name for s in missing_inputs),
            basis=basis,
        )
    cleaned: dict[str, Any] = {}
    invalid: list[tuple[str, str]] = []
    for s in specs:
        if _blank(inputs.get(s.name)):
            continue
        value, complaint = _coerce(s, inputs[s.name])
        if complaint:
            invalid.append((s.name, complaint))
        else:
            cleaned[s.name] = value
    if invalid:
        return Refusal(
            code="invalid_inputs",
            message=(
                f"Tindakan «{act_label}» belum dapat dilakukan: "
                f"{'; '.join(c for _, c in invalid)}. Perbaiki isian tersebut lalu ulangi."
            ),
            missing=tuple(n for n, _ in invalid),
            basis=basis,
        )
    missing_docs = _missing_documents(stage, act, state.documents)
    if missing_docs:
        labels = ", ".join(f"«{_doc_label(rulebook, d)}»" for d in missing_docs)
        doc_basis = "; ".join(
            dict.fromkeys(
                b
                for b in (
                    stage.get("basis", "") if act.get("kind") == "advance" else "",
                    act.get("basis", ""),
                )
                if b
            )
        )
        return Refusal(
            code="missing_documents",
            message=(
                f"Tindakan «{act_label}» belum dapat dilakukan. Lampirkan dokumen berikut "
                f"terlebih dahulu: {labels}{_cite(doc_basis)}."
            ),
            missing=missing_docs,
            basis=doc_basis,
        )
    return _transition(
        proc,
        state,
        stage,
        act,
        actor_level=actor.level,
        inputs=cleaned,
        outcome=act.get("hop_outcome") or DEFAULT_OUTCOME[act["kind"]],
        basis=basis,
        expiry=None,
    )


def on_deadline_expired(
    rulebook: Mapping[str, Any], state: CooperationState, deadline: DeadlineSpec
) -> Decision | None:
    """The system's move when ``deadline`` has run out.

    ``deemed_approved`` / ``route_direct``: the deadline's action, taken by the system (hop
    ``routed_directly`` for ``route_direct``), citing the deadline's basis. ``expire``: a
    decision that only adds the deadline's flag (None if already set). ``remind``: None.
    None too when the cooperation is no longer at the deadline's stage."""
    proc = _process(rulebook, state.process)
    if state.stage != deadline.stage or state.stage in _terminals(proc):
        return None
    stage = _stages(proc).get(state.stage)
    if stage is None:
        raise RulebookError(f"tahap {state.stage!r} tidak ada dalam proses {state.process!r}")
    if deadline.on_expiry == "remind":
        return None
    if deadline.on_expiry == "expire":
        flag = deadline.flag or "dormant"
        if flag in state.flags:
            return None
        return Decision(
            process=state.process,
            from_stage=state.stage,
            to_stage=state.stage,
            action=None,
            kind="expire",
            hop=None,
            deadlines_to_close=(),
            deadlines_to_open=(),
            skipped_stages=(),
            basis=deadline.basis,
            flags_added=frozenset({flag}),
            notify_levels=_notify("own", "own", None, state.initiator_kind),
            inputs={},
            new_version=state.version + 1,
            actor_level="system",
            expiry="expire",
        )
    if deadline.on_expiry not in SYSTEM_EXPIRIES:
        raise RulebookError(f"on_expiry tidak dikenal: {deadline.on_expiry!r}")
    act = next((a for a in stage.get("actions") or () if a["id"] == deadline.action), None)
    if act is None:
        raise RulebookError(
            f"tenggat tahap {stage['id']!r} menunjuk tindakan {deadline.action!r} yang tidak ada"
        )
    return _on_expiry_action(proc, state, stage, act, deadline)


def apply(state: CooperationState, decision: Decision) -> CooperationState:
    """The state after ``decision`` (which must have been made on ``state``)."""
    if decision.from_stage is not None and (
        decision.from_stage != state.stage or decision.new_version != state.version + 1
    ):
        raise ValueError(
            f"keputusan dibuat untuk tahap {decision.from_stage!r} versi "
            f"{decision.new_version - 1}, keadaan sekarang {state.stage!r} versi {state.version}"
        )
    return replace(
        state,
        process=decision.process,
        stage=decision.to_stage,
        flags=state.flags | decision.flags_added,
        version=decision.new_version,
    )


def is_valid_state(rulebook: Mapping[str, Any], state: CooperationState) -> bool:
    """True when the state is one the engine can produce for this rulebook: the process
    applies to the type/subtype, the stage exists and applies to this cooperation (a skipped
    stage is never current), the initiator kind is known, documents are known kinds."""
    try:
        if state.initiator_kind not in INITIATOR_KINDS or state.version < 0:
            return False
        proc = (rulebook.get("processes") or {}).get(state.process)
        if proc is None or not _covers(proc, state.type, state.subtype):
            return False
        if not set(state.documents) <= set(rulebook.get("document_kinds") or {}):
            return False
        if state.stage in _terminals(proc):
            return True
        stage = _stages(proc).get(state.stage)
        if stage is None:
            return False
        return (
            _skip_reason(stage, state.type, state.subtype, state.initiator_kind, state.facts)
            is None
        )
    except RulebookError:
        return False


def check_rulebook(rulebook: Mapping[str, Any]) -> list[str]:
    """What in a merged rulebook the engine could not run (empty list: fine)."""
    problems: list[str] = []
    for pid, proc in (rulebook.get("processes") or {}).items():
        stages = _stages(proc)
        terms = _terminals(proc)
        targets = set(stages) | set(terms)
        if proc.get("start") not in stages:
            problems.append(f"{pid}: start {proc.get('start')!r} bukan tahap")
        for sid, stage in stages.items():
            where = f"{pid}.{sid}"
            if stage.get("level", "own") not in STAGE_LEVELS:
                problems.append(f"{where}: level {stage.get('level')!r} tidak dikenal")
            if stage.get("when") and not stage.get("skip_to"):
                problems.append(f"{where}: ada when tanpa skip_to")
            if stage.get("skip_to") and stage["skip_to"] not in targets:
                problems.append(f"{where}: skip_to {stage['skip_to']!r} tidak ada")
            try:
                _condition_failures(stage.get("when"), "", "", "", ())
            except RulebookError as exc:
                problems.append(f"{where}: {exc}")
            ids = [a.get("id") for a in stage.get("actions") or ()]
            if len(ids) != len(set(ids)):
                problems.append(f"{where}: id tindakan ganda")
            for act in stage.get("actions") or ():
                aw = f"{where}.{act.get('id')}"
                if act.get("kind") not in ACTION_KINDS:
                    problems.append(f"{aw}: kind {act.get('kind')!r} tidak dikenal")
                if act.get("to") not in targets:
                    problems.append(f"{aw}: to {act.get('to')!r} tidak ada")
                if act.get("hop_outcome") and act["hop_outcome"] not in HOP_OUTCOMES:
                    problems.append(f"{aw}: hop_outcome {act['hop_outcome']!r} tidak dikenal")
                if not _action_roles(stage, act):
                    problems.append(f"{aw}: tidak ada peran yang boleh bertindak")
                for doc in [*(stage.get("requires_documents") or ())] + [
                    *(act.get("requires_documents") or ())
                ]:
                    if doc not in (rulebook.get("document_kinds") or {}):
                        problems.append(f"{aw}: jenis dokumen {doc!r} tidak ada")
                try:
                    for spec in _input_specs(act):
                        _coerce(spec, None)
                except RulebookError as exc:
                    problems.append(f"{aw}: {exc}")
            for d in _deadlines(stage):
                if d.get("on_expiry") not in EXPIRY_KINDS:
                    problems.append(f"{where}: on_expiry {d.get('on_expiry')!r} tidak dikenal")
                elif d["on_expiry"] in SYSTEM_EXPIRIES and d.get("action") not in ids:
                    problems.append(f"{where}: tenggat menunjuk tindakan {d.get('action')!r}")
        for sid in _unreachable(proc):
            problems.append(f"{pid}.{sid}: tahap tidak dapat dicapai dari {proc.get('start')!r}")
        for applies in proc.get("applies_to") or ():
            for subtype in applies.get("subtypes") or ():
                for kind in INITIATOR_KINDS:
                    try:
                        _walk_all(proc, applies["type"], subtype, kind)
                    except RulebookError as exc:
                        problems.append(f"{pid} ({applies['type']}/{subtype}/{kind}): {exc}")
    return problems


# --------------------------------------------------------------------------- internals


def _unreachable(proc: Mapping[str, Any]) -> list[str]:
    """Stages no action, skip or start leads to (e.g. a stage added without re-pointing)."""
    stages = _stages(proc)
    todo, reached = [proc.get("start")], set()
    while todo:
        sid = todo.pop()
        if sid in reached or sid not in stages:
            continue
        reached.add(sid)
        stage = stages[sid]
        todo.extend(a.get("to") for a in stage.get("actions") or ())
        if stage.get("skip_to"):
            todo.append(stage["skip_to"])
    return [sid for sid in stages if sid not in reached]


def _walk_all(proc: Mapping[str, Any], type: str, subtype: str, kind: str) -> None:
    """Enter every target once under every fact combination named in conditions."""
    names = sorted(
        {
            f
            for s in proc.get("stages") or ()
            for key in ("any_fact", "all_facts")
            for f in (s.get("when") or {}).get(key, ())
        }
    )
    fact_sets = [frozenset(), frozenset(names)] + [frozenset({n}) for n in names]
    targets = [proc["start"], *(s.get("skip_to") for s in proc.get("stages") or ())]
    targets += [a.get("to") for s in proc.get("stages") or () for a in s.get("actions") or ()]
    for facts in fact_sets:
        for target in targets:
            if target:
                _enter(proc, target, type, subtype, kind, facts)


def _missing_documents(
    stage: Mapping[str, Any], action: Mapping[str, Any], documents: frozenset[str]
) -> tuple[str, ...]:
    needed = list(action.get("requires_documents") or ())
    if action.get("kind") == "advance":
        needed = list(stage.get("requires_documents") or ()) + needed
    return tuple(d for d in dict.fromkeys(needed) if d not in documents)


def _opened(proc: Mapping[str, Any], landing: str) -> tuple[DeadlineSpec, ...]:
    stage = _stages(proc).get(landing)
    return _deadline_specs(stage) if stage is not None else ()


def _notify(
    from_level: str, to_level: str, hop: Hop | None, initiator_kind: str
) -> tuple[str, ...]:
    """Levels to tell: the new holder, the initiating daerah always, the provinsi when its
    kab/kota's submission bypassed it or Kemendagri's decision returns (DOMAIN §4)."""
    levels = [to_level, "own"]
    if hop is not None:
        levels.append(from_level)
        returns_home = hop.from_level == "kemendagri" and hop.to_level == "own"
        if initiator_kind != "provinsi" and (hop.outcome == "routed_directly" or returns_home):
            levels.append("provinsi")
    return tuple(lv for lv in dict.fromkeys(levels) if lv != "system")


def _on_expiry_action(
    proc: Mapping[str, Any],
    state: CooperationState,
    stage: Mapping[str, Any],
    act: Mapping[str, Any],
    spec: DeadlineSpec,
) -> Decision:
    outcome = (
        "routed_directly"
        if spec.on_expiry == "route_direct"
        else act.get("hop_outcome") or DEFAULT_OUTCOME[act["kind"]]
    )
    return _transition(
        proc,
        state,
        stage,
        act,
        actor_level="system",
        inputs={},
        outcome=outcome,
        basis=spec.basis or _basis(act, stage),
        expiry=spec.on_expiry,
    )


def _transition(
    proc: Mapping[str, Any],
    state: CooperationState,
    stage: Mapping[str, Any],
    act: Mapping[str, Any],
    *,
    actor_level: str,
    inputs: dict[str, Any],
    outcome: str,
    basis: str,
    expiry: str | None,
) -> Decision:
    landing, skipped = _enter(
        proc, act["to"], state.type, state.subtype, state.initiator_kind, state.facts
    )
    from_level = stage.get("level", "own")
    to_level = _level_of(proc, landing)
    hop = Hop(from_level, to_level, outcome, basis) if from_level != to_level else None
    return Decision(
        process=state.process,
        from_stage=state.stage,
        to_stage=landing,
        action=act["id"],
        kind=act["kind"],
        hop=hop,
        deadlines_to_close=(stage["id"],) if _deadlines(stage) else (),
        deadlines_to_open=_opened(proc, landing),
        skipped_stages=skipped,
        basis=basis,
        flags_added=frozenset(),
        notify_levels=_notify(from_level, to_level, hop, state.initiator_kind),
        inputs=inputs,
        new_version=state.version + 1,
        actor_level=actor_level,
        expiry=expiry,
        terminal=landing in _terminals(proc),
    )


__all__ = [
    "SYSTEM_ACTOR",
    "apply",
    "available_actions",
    "check_rulebook",
    "condition_holds",
    "decide",
    "initial_state",
    "is_valid_state",
    "on_deadline_expired",
    "process_for",
    "start",
]
