"""Can the engine run this rulebook, and is a state one it could have produced?

``check_rulebook`` is the engine's own check of a *merged* rulebook: terse lines for developers
about what would make the engine stop (dangling targets, unknown kinds, skip loops under every
fact combination and initiator kind). The rule files' validator (:mod:`sikd.rules.meaning`)
checks the authored files with file paths and fixing instructions, and runs this check last
so that a rulebook the engine could not walk is refused when it is loaded.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .conditions import condition_failures, enter, skip_reason
from .inputs import coerce, input_specs
from .rulebook import Rulebook
from .transitions import SYSTEM_EXPIRIES
from .types import (
    ACTION_KINDS,
    EXPIRY_KINDS,
    HOP_OUTCOMES,
    INITIATOR_KINDS,
    STAGE_LEVELS,
    CooperationState,
    RulebookError,
)


def is_valid_state(rulebook: Rulebook | Mapping[str, Any], state: CooperationState) -> bool:
    """True when the state is one the engine can produce for this rulebook: the process
    applies to the type/subtype, the stage exists and applies to this cooperation (a skipped
    stage is never current), the initiator kind is known, documents are known kinds."""
    book = Rulebook.of(rulebook)
    try:
        if state.initiator_kind not in INITIATOR_KINDS or state.version < 0:
            return False
        pid = state.process
        if book.find_process(pid) is None or not book.covers(pid, state.type, state.subtype):
            return False
        if not set(state.documents) <= set(book.document_kinds()):
            return False
        if state.stage in book.terminals(pid):
            return True
        stage = book.stage_map(pid).get(state.stage)
        if stage is None:
            return False
        return (
            skip_reason(stage, state.type, state.subtype, state.initiator_kind, state.facts) is None
        )
    except RulebookError:
        return False


def check_rulebook(rulebook: Rulebook | Mapping[str, Any]) -> list[str]:
    """What in a merged rulebook the engine could not run (empty list: fine)."""
    book = Rulebook.of(rulebook)
    problems: list[str] = []
    for pid in book.processes:
        problems.extend(_process_problems(book, pid))
    return problems


def _process_problems(book: Rulebook, pid: str) -> list[str]:
    problems: list[str] = []
    stages = book.stage_map(pid)
    targets = set(stages) | set(book.terminals(pid))
    start = book.start_of(pid)
    if start not in stages:
        problems.append(f"{pid}: start {start!r} bukan tahap")
    for sid, stage in stages.items():
        problems.extend(_stage_problems(book, f"{pid}.{sid}", stage, targets))
    for sid in _unreachable(book, pid):
        problems.append(f"{pid}.{sid}: tahap tidak dapat dicapai dari {start!r}")
    for applies in book.applies_to(pid):
        for subtype in applies.get("subtypes") or ():
            for kind in INITIATOR_KINDS:
                try:
                    _walk_all(book, pid, applies["type"], subtype, kind)
                except RulebookError as exc:
                    problems.append(f"{pid} ({applies['type']}/{subtype}/{kind}): {exc}")
    return problems


def _stage_problems(
    book: Rulebook, where: str, stage: Mapping[str, Any], targets: set[str]
) -> list[str]:
    problems: list[str] = []
    if stage.get("level", "own") not in STAGE_LEVELS:
        problems.append(f"{where}: level {stage.get('level')!r} tidak dikenal")
    if stage.get("when") and not stage.get("skip_to"):
        problems.append(f"{where}: ada when tanpa skip_to")
    if stage.get("skip_to") and stage["skip_to"] not in targets:
        problems.append(f"{where}: skip_to {stage['skip_to']!r} tidak ada")
    try:
        condition_failures(stage.get("when"), "", "", "", ())
    except RulebookError as exc:
        problems.append(f"{where}: {exc}")
    for side, gate in (stage.get("parallel") or {}).items():
        if side not in STAGE_LEVELS:
            problems.append(f"{where}: parallel {side!r} bukan level")
        for doc in (gate or {}).get("requires_documents") or ():
            if not book.has_document_kind(doc):
                problems.append(f"{where}.parallel.{side}: jenis dokumen {doc!r} tidak ada")
        try:
            condition_failures((gate or {}).get("when"), "", "", "", ())
        except RulebookError as exc:
            problems.append(f"{where}.parallel.{side}: {exc}")
    ids = [a.get("id") for a in Rulebook.actions_in(stage)]
    if len(ids) != len(set(ids)):
        problems.append(f"{where}: id tindakan ganda")
    for act in Rulebook.actions_in(stage):
        problems.extend(_action_problems(book, f"{where}.{act.get('id')}", stage, act, targets))
    for d in Rulebook.deadlines_in(stage):
        if d.get("on_expiry") not in EXPIRY_KINDS:
            problems.append(f"{where}: on_expiry {d.get('on_expiry')!r} tidak dikenal")
        elif d["on_expiry"] in SYSTEM_EXPIRIES and d.get("action") not in ids:
            problems.append(f"{where}: tenggat menunjuk tindakan {d.get('action')!r}")
    return problems


def _action_problems(
    book: Rulebook,
    aw: str,
    stage: Mapping[str, Any],
    act: Mapping[str, Any],
    targets: set[str],
) -> list[str]:
    problems: list[str] = []
    if act.get("kind") not in ACTION_KINDS:
        problems.append(f"{aw}: kind {act.get('kind')!r} tidak dikenal")
    if act.get("to") not in targets:
        problems.append(f"{aw}: to {act.get('to')!r} tidak ada")
    if act.get("level") and act["level"] not in STAGE_LEVELS:
        problems.append(f"{aw}: level {act['level']!r} tidak dikenal")
    if act.get("hop_outcome") and act["hop_outcome"] not in HOP_OUTCOMES:
        problems.append(f"{aw}: hop_outcome {act['hop_outcome']!r} tidak dikenal")
    if not Rulebook.action_roles(stage, act):
        problems.append(f"{aw}: tidak ada peran yang boleh bertindak")
    for doc in [*(stage.get("requires_documents") or ())] + [
        *(act.get("requires_documents") or ())
    ]:
        if not book.has_document_kind(doc):
            problems.append(f"{aw}: jenis dokumen {doc!r} tidak ada")
    try:
        for spec in input_specs(act):
            coerce(spec, None)
    except RulebookError as exc:
        problems.append(f"{aw}: {exc}")
    return problems


def _unreachable(book: Rulebook, pid: str) -> list[str]:
    """Stages no action, skip or start leads to (e.g. a stage added without re-pointing)."""
    stages = book.stage_map(pid)
    todo, reached = [book.start_of(pid)], set()
    while todo:
        sid = todo.pop()
        if sid in reached or sid not in stages:
            continue
        reached.add(sid)
        stage = stages[sid]
        todo.extend(a.get("to") for a in Rulebook.actions_in(stage))
        if stage.get("skip_to"):
            todo.append(stage["skip_to"])
    return [sid for sid in stages if sid not in reached]


def _walk_all(book: Rulebook, pid: str, type: str, subtype: str, kind: str) -> None:
    """Enter every target once under every fact combination named in conditions."""
    stages = book.stages(pid)
    names = sorted(
        {
            f
            for s in stages
            for key in ("any_fact", "all_facts")
            for f in (s.get("when") or {}).get(key, ())
        }
    )
    fact_sets = [frozenset(), frozenset(names)] + [frozenset({n}) for n in names]
    targets = [book.process(pid)["start"], *(s.get("skip_to") for s in stages)]
    targets += [a.get("to") for s in stages for a in Rulebook.actions_in(s)]
    for facts in fact_sets:
        for target in targets:
            if target:
                enter(book, pid, target, type, subtype, kind, facts)
