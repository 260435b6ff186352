"""Conditions (FORMAT.md ``when``) and entering a stage: which stages apply, which are skipped.

A stage whose ``when`` is false, or whose ``level`` is ``provinsi`` while the initiator is
itself a provinsi (its submissions go straight to Kemendagri, DOMAIN §4), is passed over along
``skip_to`` (for the implicit provinsi skip without ``skip_to``: the ``to`` of the stage's first
``advance`` action), repeatedly, each skip recorded with an Indonesian reason and its basis.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .rulebook import Rulebook, cite_basis
from .types import RulebookError, SkippedStage

CONDITION_KEYS = ("types", "subtypes", "initiator_kinds", "any_fact", "all_facts")


def condition_failures(
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
    return not condition_failures(cond, type, subtype, initiator_kind, facts)


def skip_reason(
    stage: Mapping[str, Any], type: str, subtype: str, kind: str, facts: Iterable[str]
) -> str | None:
    """Why this stage does not apply to the cooperation, or None when it applies."""
    label = stage.get("label") or stage["id"]
    basis = stage.get("basis", "")
    failures = condition_failures(stage.get("when"), type, subtype, kind, facts)
    if stage.get("level") == "provinsi" and kind == "provinsi":
        return (
            f"Tahap «{label}» dilewati karena pemrakarsa adalah pemerintah provinsi: "
            f"pengajuannya langsung ke Kemendagri tanpa melalui Gubernur{cite_basis(basis)}."
        )
    if failures:
        return f"Tahap «{label}» dilewati karena {'; '.join(failures)}{cite_basis(basis)}."
    return None


def skip_target(stage: Mapping[str, Any]) -> str:
    if stage.get("skip_to"):
        return stage["skip_to"]
    for action in Rulebook.actions_in(stage):
        if action.get("kind") == "advance" and action.get("to"):
            return action["to"]
    raise RulebookError(f"tahap {stage['id']!r} dapat dilewati tetapi tidak punya skip_to")


def enter(
    book: Rulebook,
    pid: str,
    target: str,
    type: str,
    subtype: str,
    kind: str,
    facts: frozenset,
) -> tuple[str, tuple[SkippedStage, ...]]:
    """Where a cooperation lands when it enters ``target``, and the stages passed over."""
    stages = book.stage_map(pid)
    terminals = book.terminals(pid)
    skipped: list[SkippedStage] = []
    seen: set[str] = set()
    while True:
        if target in terminals:
            return target, tuple(skipped)
        stage = stages.get(target)
        if stage is None:
            raise RulebookError(f"tujuan {target!r} bukan tahap atau akhir yang dikenal")
        reason = skip_reason(stage, type, subtype, kind, facts)
        if reason is None:
            return target, tuple(skipped)
        if target in seen:
            raise RulebookError(f"lingkaran skip_to melalui tahap {target!r}")
        seen.add(target)
        skipped.append(SkippedStage(stage=target, reason=reason, basis=stage.get("basis", "")))
        target = skip_target(stage)
