"""Moving a cooperation: where an action lands, the hop it makes, deadlines, who is told.

* **Hops**: when the level of the stage left differs from the level landed on, the decision
  carries a :class:`Hop`. Outcome: the action's ``hop_outcome`` if given; else ``forwarded``
  (advance), ``returned`` (return), ``decided`` (decide, refuse); ``routed_directly`` when the
  action is taken on a ``route_direct`` expiry. Terminals are held by ``own`` unless the
  terminal names a ``level``.
* **Deadlines**: leaving a stage closes the deadlines the stage defines; landing on a stage
  opens its deadline(s), also when an action lands on the stage it left. Skipped stages open
  none.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .conditions import enter
from .rulebook import Rulebook
from .types import CooperationState, DeadlineSpec, Decision, Hop, Reminder

DEFAULT_OUTCOME = {
    "advance": "forwarded",
    "return": "returned",
    "refuse": "decided",
    "decide": "decided",
}
SYSTEM_EXPIRIES = ("deemed_approved", "route_direct")


def deadline_specs(stage: Mapping[str, Any]) -> tuple[DeadlineSpec, ...]:
    specs = []
    for d in Rulebook.deadlines_in(stage):
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


def opened(book: Rulebook, pid: str, landing: str) -> tuple[DeadlineSpec, ...]:
    stage = book.stage_map(pid).get(landing)
    return deadline_specs(stage) if stage is not None else ()


def needed_documents(stage: Mapping[str, Any], action: Mapping[str, Any]) -> tuple[str, ...]:
    """An ``advance`` needs the stage's and the action's ``requires_documents``; other kinds
    need the action's own only."""
    needed = list(action.get("requires_documents") or ())
    if action.get("kind") == "advance":
        needed = list(stage.get("requires_documents") or ()) + needed
    return tuple(dict.fromkeys(needed))


def missing_documents(
    stage: Mapping[str, Any], action: Mapping[str, Any], documents: frozenset[str]
) -> tuple[str, ...]:
    return tuple(d for d in needed_documents(stage, action) if d not in documents)


def notify(from_level: str, to_level: str, hop: Hop | None, initiator_kind: str) -> tuple[str, ...]:
    """Levels to tell: the new holder, the initiating daerah always, the provinsi when its
    kab/kota's submission bypassed it or Kemendagri's decision returns (DOMAIN §4)."""
    levels = [to_level, "own"]
    if hop is not None:
        levels.append(from_level)
        returns_home = hop.from_level == "kemendagri" and hop.to_level == "own"
        if initiator_kind != "provinsi" and (hop.outcome == "routed_directly" or returns_home):
            levels.append("provinsi")
    return tuple(lv for lv in dict.fromkeys(levels) if lv != "system")


def default_outcome(act: Mapping[str, Any]) -> str:
    return act.get("hop_outcome") or DEFAULT_OUTCOME[act["kind"]]


def on_expiry_action(
    book: Rulebook,
    state: CooperationState,
    stage: Mapping[str, Any],
    act: Mapping[str, Any],
    spec: DeadlineSpec,
) -> Decision:
    """The deadline's action, taken by the system, citing the deadline's basis."""
    outcome = "routed_directly" if spec.on_expiry == "route_direct" else default_outcome(act)
    return transition(
        book,
        state,
        stage,
        act,
        actor_level="system",
        inputs={},
        outcome=outcome,
        basis=spec.basis or Rulebook.action_basis(stage, act),
        expiry=spec.on_expiry,
    )


def transition(
    book: Rulebook,
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
    pid = state.process
    landing, skipped = enter(
        book, pid, act["to"], state.type, state.subtype, state.initiator_kind, state.facts
    )
    from_level = stage.get("level", "own")
    to_level = book.level_of(pid, landing)
    hop = Hop(from_level, to_level, outcome, basis) if from_level != to_level else None
    return Decision(
        process=pid,
        from_stage=state.stage,
        to_stage=landing,
        action=act["id"],
        kind=act["kind"],
        hop=hop,
        deadlines_to_close=(stage["id"],) if Rulebook.deadlines_in(stage) else (),
        deadlines_to_open=opened(book, pid, landing),
        skipped_stages=skipped,
        basis=basis,
        flags_added=frozenset(),
        notify_levels=notify(from_level, to_level, hop, state.initiator_kind),
        inputs=inputs,
        new_version=state.version + 1,
        actor_level=actor_level,
        expiry=expiry,
        terminal=landing in book.terminals(pid),
    )
