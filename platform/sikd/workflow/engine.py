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
  action's own ``requires_documents`` only. Signatures: a needed document whose kind says
  ``signature: {required: true, role: R}`` must have a current version with a valid electronic
  signature by a holder of R (``state.signatures``). Actions taken by the system on expiry are exempt
  from inputs and documents: silence of the holder is itself the legal basis.
* **Versions**: every decision has ``new_version = state.version + 1``; ``start`` gives 1.
  ``expected_version`` different from ``state.version`` is refused as ``stale_state``.
* **Other levels and parallel sides** (:mod:`.parallel`): an action may name the ``level``
  that takes it; a stage with ``parallel`` gates waits for every side whose gate applies.
* **Flags** are sticky: an ``expire`` deadline adds its flag (default ``dormant``); the engine
  never removes one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from . import guards, parallel
from .checks import check_rulebook, is_valid_state
from .conditions import condition_holds, enter
from .inputs import input_specs, reason_required
from .rulebook import LEVEL_LABELS, Rulebook
from .transitions import (
    SYSTEM_EXPIRIES,
    default_outcome,
    missing_documents,
    notify,
    on_expiry_action,
    opened,
    transition,
)
from .types import (
    INITIATOR_KINDS,
    SYSTEM_ACTOR,
    ActionInfo,
    Actor,
    CooperationState,
    DeadlineSpec,
    Decision,
    Refusal,
    RulebookError,
)

RulebookLike = Rulebook | Mapping[str, Any]


def process_for(rulebook: RulebookLike, type: str, subtype: str) -> str | None:
    """The id of the process whose ``applies_to`` covers this type and subtype, if any."""
    return Rulebook.of(rulebook).process_for(type, subtype)


def start(
    rulebook: RulebookLike,
    type: str,
    subtype: str,
    initiator_kind: str,
    facts: Iterable[str] = (),
    process: str | None = None,
) -> Decision | Refusal:
    """Enter the start stage of the process for this type/subtype (applying skips).

    ``process`` names a process explicitly; needed for processes without ``applies_to``
    (pemetaan, pengawasan), and for one with it the type/subtype must still be covered."""
    book = Rulebook.of(rulebook)
    facts = frozenset(facts)
    pid = book.process_for(type, subtype)
    if process is not None:
        explicit = book.find_process(process) is not None
        pid = process if explicit and book.covers(process, type, subtype) else None
    if pid is None or initiator_kind not in INITIATOR_KINDS:
        what = (
            f"pemrakarsa berjenis {initiator_kind!r}"
            if pid is not None
            else f"jenis {type} dengan subjenis {subtype}"
        )
        return Refusal(
            code="unknown_process",
            message=(
                f"Aturan {book.id} tidak mengenal proses untuk {what}. "
                "Pilih jenis dan subjenis kerja sama yang tersedia dalam aturan tersebut."
            ),
            missing=(type, subtype),
        )
    landing, skipped = enter(
        book, pid, book.process(pid)["start"], type, subtype, initiator_kind, facts
    )
    return Decision(
        process=pid,
        from_stage=None,
        to_stage=landing,
        action=None,
        kind="start",
        hop=None,
        deadlines_to_close=(),
        deadlines_to_open=opened(book, pid, landing),
        skipped_stages=skipped,
        basis=book.basis_of(pid),
        flags_added=frozenset(),
        notify_levels=("own",),
        inputs={},
        new_version=1,
        actor_level="own",
        terminal=landing in book.terminals(pid),
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
    rulebook: RulebookLike, state: CooperationState, actor: Actor
) -> list[ActionInfo]:
    """The actions ``actor`` may take now, with the inputs each needs and missing documents.

    The system actor gets none: it acts only through :func:`on_deadline_expired`."""
    book = Rulebook.of(rulebook)
    pid = state.process
    stage = book.stage_map(pid).get(state.stage)
    if stage is None:
        return []
    if stage.get("parallel"):
        if actor.level not in parallel.pending_sides(stage, state):
            return []
        stage = parallel.side_view(stage, actor.level)
    out = []
    for action in Rulebook.actions_in(stage):
        if actor.level != parallel.acting_level(stage, action):
            continue
        roles = Rulebook.action_roles(stage, action)
        if not actor.roles & set(roles):
            continue
        if not condition_holds(
            action.get("when"), state.type, state.subtype, state.initiator_kind, state.facts
        ):
            continue
        missing = missing_documents(stage, action, state.documents)
        unsigned = guards.unsigned_documents(book, stage, action, state)
        lands_on, _ = enter(
            book, pid, action["to"], state.type, state.subtype, state.initiator_kind, state.facts
        )
        out.append(
            ActionInfo(
                id=action["id"],
                label=action.get("label") or action["id"],
                kind=action["kind"],
                to=action["to"],
                lands_on=lands_on,
                to_level=book.level_of(pid, lands_on),
                inputs=input_specs(action),
                reason_required=reason_required(action),
                missing_documents=missing,
                ready=not missing and not unsigned,
                basis=Rulebook.action_basis(stage, action),
                roles=roles,
            )
        )
    return out


def _current_stage(book: Rulebook, state: CooperationState) -> Mapping[str, Any]:
    stage = book.stage_map(state.process).get(state.stage)
    if stage is None:
        raise RulebookError(f"tahap {state.stage!r} tidak ada dalam proses {state.process!r}")
    return stage


def decide(
    rulebook: RulebookLike,
    state: CooperationState,
    action: str,
    actor: Actor,
    inputs: Mapping[str, Any] | None = None,
    expected_version: int | None = None,
) -> Decision | Refusal:
    """Decide whether ``actor`` may take ``action`` now, and what follows if so."""
    inputs = dict(inputs or {})
    book = Rulebook.of(rulebook)
    book.process(state.process)
    refusal = guards.stale(state, expected_version) or guards.terminal(book, state)
    if refusal:
        return refusal
    stage = _current_stage(book, state)
    act = Rulebook.action_in(stage, action)
    if act is None:
        return guards.unknown_action(stage, action)
    if actor.level == "system":
        spec, refusal = guards.system_deadline(stage, act)
        if refusal:
            return refusal
        return on_expiry_action(book, state, stage, act, spec)
    pending: tuple[str, ...] = ()
    if stage.get("parallel") and actor.level in stage["parallel"]:
        pending = parallel.pending_sides(stage, state)
        if actor.level not in pending:
            return parallel.not_pending(stage, actor.level, state)
        stage = parallel.side_view(stage, actor.level)
    refusal = guards.authority(stage, act, actor, state)
    if refusal:
        return refusal
    cleaned, refusal = guards.inputs_of(stage, act, inputs)
    refusal = refusal or guards.documents(book, stage, act, state.documents)
    refusal = refusal or guards.signatures(book, stage, act, state)
    if refusal:
        return refusal
    if act["kind"] == "advance" and set(pending) - {actor.level}:
        basis = Rulebook.action_basis(stage, act)
        return parallel.partial(state, stage, act, actor.level, cleaned, basis)
    return transition(
        book,
        state,
        stage,
        act,
        actor_level=actor.level,
        inputs=cleaned,
        outcome=default_outcome(act),
        basis=Rulebook.action_basis(stage, act),
        expiry=None,
    )


def settle_parallel(rulebook: RulebookLike, state: CooperationState) -> Decision | None:
    """The move on from a parallel stage that waits for nobody any more.

    A side's gate may stop applying while the stage is open (its TKKSD clears the burden fact,
    Pasal 27): when every approval still required is in, nobody is left to take the stage's
    ``advance`` action, so the system takes it, citing the stage's basis. None when the stage
    is not parallel or still waits for a side."""
    book = Rulebook.of(rulebook)
    stage = book.stage_map(state.process).get(state.stage)
    if not stage or not stage.get("parallel") or parallel.pending_sides(stage, state):
        return None
    act = next((a for a in Rulebook.actions_in(stage) if a["kind"] == "advance"), None)
    if act is None:
        return None
    return transition(
        book,
        state,
        stage,
        act,
        actor_level="system",
        inputs={},
        outcome=default_outcome(act),
        basis=Rulebook.action_basis(stage, act),
        expiry=None,
    )


def on_deadline_expired(
    rulebook: RulebookLike, state: CooperationState, deadline: DeadlineSpec
) -> Decision | None:
    """The system's move when ``deadline`` has run out.

    ``deemed_approved`` / ``route_direct``: the deadline's action, taken by the system (hop
    ``routed_directly`` for ``route_direct``), citing the deadline's basis. ``expire``: a
    decision that only adds the deadline's flag (None if already set). ``remind``: None.
    None too when the cooperation is no longer at the deadline's stage."""
    book = Rulebook.of(rulebook)
    book.process(state.process)
    if state.stage != deadline.stage or state.stage in book.terminals(state.process):
        return None
    stage = _current_stage(book, state)
    if deadline.on_expiry == "remind":
        return None
    if deadline.on_expiry == "expire":
        return _expire(state, deadline)
    if deadline.on_expiry not in SYSTEM_EXPIRIES:
        raise RulebookError(f"on_expiry tidak dikenal: {deadline.on_expiry!r}")
    act = Rulebook.action_in(stage, deadline.action)
    if act is None:
        raise RulebookError(
            f"tenggat tahap {stage['id']!r} menunjuk tindakan {deadline.action!r} yang tidak ada"
        )
    return on_expiry_action(book, state, stage, act, deadline)


def _expire(state: CooperationState, deadline: DeadlineSpec) -> Decision | None:
    """An ``expire`` deadline adds its flag (default ``dormant``); flags are sticky."""
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
        notify_levels=notify("own", "own", None, state.initiator_kind),
        inputs={},
        new_version=state.version + 1,
        actor_level="system",
        expiry="expire",
    )


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
        approvals=(
            state.approvals | decision.approvals_added
            if decision.to_stage == state.stage and decision.approvals_added
            else frozenset()
            if decision.to_stage != state.stage
            else state.approvals
        ),
    )


__all__ = [
    "LEVEL_LABELS",
    "SYSTEM_ACTOR",
    "ActionInfo",
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
