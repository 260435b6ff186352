"""Two extensions of FORMAT.md for cooperation between two daerah (Perwal Bekasi 57/2023
Pasal 26-35), pure like the rest of the engine:

* **An action taken by another level** (``level`` on an action): the stage is held by one side
  but the other may start something from it, e.g. the partner daerah's own report, change
  proposal or extension proposal during pelaksanaan (Pasal 26, 30, 33, 34).
* **Sides approving in parallel** (``parallel`` on a stage: ``{level: gate}``, each gate with an
  optional ``when``, ``roles``, ``requires_documents`` and ``basis``): every side whose gate's
  ``when`` holds must approve; each approves independently, in any order, and the stage's
  ``advance`` action moves the cooperation on only with the last approval still needed (each
  side's DPRD, Pasal 27 and 34(3)). A side's ``refuse``/``decide`` acts for the whole stage.
  The approvals given so far are ``CooperationState.approvals``; the stage's own ``when`` (with
  ``skip_to``) skips it when no gate applies.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .conditions import condition_holds
from .rulebook import cite_basis
from .types import CooperationState, Decision, Refusal


def acting_level(stage: Mapping[str, Any], act: Mapping[str, Any]) -> str:
    """The level that takes ``act``: its own ``level``, else the stage's."""
    return act.get("level") or stage.get("level", "own")


def required_sides(
    stage: Mapping[str, Any], type: str, subtype: str, initiator_kind: str, facts: Iterable[str]
) -> tuple[str, ...]:
    gates = stage.get("parallel") or {}
    facts = frozenset(facts)
    return tuple(
        side
        for side, gate in gates.items()
        if condition_holds((gate or {}).get("when"), type, subtype, initiator_kind, facts)
    )


def pending_sides(stage: Mapping[str, Any], state: CooperationState) -> tuple[str, ...]:
    """The sides whose approval is still needed at a parallel stage (none elsewhere)."""
    required = required_sides(stage, state.type, state.subtype, state.initiator_kind, state.facts)
    return tuple(s for s in required if s not in state.approvals)


def side_view(stage: Mapping[str, Any], side: str) -> dict[str, Any]:
    """The stage as one side's gate sees it: held at that level, with the gate's roles,
    documents and basis (those not given fall back to the stage's)."""
    gate = (stage.get("parallel") or {}).get(side) or {}
    view = {**stage, "level": side}
    for key in ("roles", "requires_documents", "basis"):
        if key in gate:
            view[key] = gate[key]
    return view


def not_pending(stage: Mapping[str, Any], side: str, state: CooperationState) -> Refusal:
    label = stage.get("label") or stage["id"]
    given = side in state.approvals
    why = "sudah diberikan" if given else "tidak diperlukan menurut fakta kerja sama ini"
    return Refusal(
        code="condition_not_met" if given else "wrong_level",
        message=(
            f"Persetujuan pihak Anda pada tahap «{label}» {why}. Tahap ini menunggu persetujuan "
            f"pihak lain{cite_basis(stage.get('basis', ''))}."
        ),
        missing=pending_sides(stage, state),
        basis=stage.get("basis", ""),
    )


def partial(
    state: CooperationState,
    stage: Mapping[str, Any],
    act: Mapping[str, Any],
    side: str,
    inputs: dict[str, Any],
    basis: str,
) -> Decision:
    """One side's approval while another's is still needed: the stage stays, the approval is
    recorded (``approvals_added``)."""
    return Decision(
        process=state.process,
        from_stage=state.stage,
        to_stage=state.stage,
        action=act["id"],
        kind=act["kind"],
        hop=None,
        deadlines_to_close=(),
        deadlines_to_open=(),
        skipped_stages=(),
        basis=basis or stage.get("basis", ""),
        flags_added=frozenset(),
        notify_levels=tuple(dict.fromkeys(("own", side))),
        inputs=inputs,
        new_version=state.version + 1,
        actor_level=side,
        approvals_added=frozenset({side}),
    )
