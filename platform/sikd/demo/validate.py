"""Every demo story walked through the pure workflow engine on its daerah's rulebook.

Catches the drift between ``tenants/demo/*.yaml`` and ``tenants/rules/*.yaml`` before anything
is written: an action id the rulebook no longer has, an actor who may not take it, a document
the step does not upload, a stage not reached. No database: used by ``sikd rules check``, by
the tests and, first of all, by the seeding itself.
"""

from __future__ import annotations

import csv
from dataclasses import replace
from pathlib import Path
from typing import Any

from sikd.rules.loader import RULES_DIR, effective_rulebook
from sikd.rules.schemas import RulebookInvalid
from sikd.workflow import engine
from sikd.workflow.roles import ROLES
from sikd.workflow.rulebook import Rulebook
from sikd.workflow.types import Actor, CooperationState, Decision, Refusal

from .errors import DemoDataError, StoryProblem
from .stories import DEMO_DIR, SPECIAL_ACTIONS, Step, Story, load_stories

ACTOR_LEVELS = ("own", "provinsi", "kemendagri", "kemlu")
SYSTEM_EXPIRIES = ("deemed_approved", "route_direct")
PLACEHOLDER_DATE = "2001-01-01"


def validate_stories(
    stories_dir: Path = DEMO_DIR, rules_dir: Path = RULES_DIR
) -> list[StoryProblem]:
    """Everything wrong with the demo stories against the rulebooks; empty when all is well."""
    stories, problems = load_stories(stories_dir)
    kinds = _tenant_kinds(DEMO_DIR.parent / "regions.csv")
    rulebooks: dict[str, dict[str, Any] | None] = {}
    for story in stories:
        if story.code not in kinds:
            problems.append(
                story.problem(f"kode wilayah {story.code!r} tidak ada di tenants/regions.csv")
            )
            continue
        if story.code not in rulebooks:
            try:
                rulebooks[story.code] = effective_rulebook(story.code, rules_dir).as_dict()
            except RulebookInvalid:
                rulebooks[story.code] = None  # reported by the rulebook checks themselves
        rulebook = rulebooks[story.code]
        if rulebook is None:
            problems.append(story.problem("aturan daerah ini tidak sah; perbaiki aturannya dahulu"))
            continue
        problems.extend(walk(story, rulebook, kinds[story.code]))
    return problems


def _tenant_kinds(regions_csv: Path) -> dict[str, str]:
    with regions_csv.open(encoding="utf-8", newline="") as fh:
        return {row["code"]: row["kind"] for row in csv.DictReader(fh)}


def walk(story: Story, rulebook: dict[str, Any], initiator_kind: str) -> list[StoryProblem]:
    """The story's steps through the engine; stops at the first problem (the rest would only
    repeat it)."""
    steps = story.steps
    if not steps or steps[0].action != "create":
        return [story.problem("langkah pertama harus «create» (prakarsa dicatat)")]
    marks = {s.mark for s in steps if s.mark}
    if story.end_days_ago is not None and any(s.next_year_on for s in steps):
        return [story.problem("next_year_on hanya untuk cerita dengan starts_days_ago")]
    state: CooperationState | None = None
    opened: tuple = ()
    doc_kinds = Rulebook(rulebook).document_kinds()
    for step in steps:
        unknown = [k for k in step.upload if k not in doc_kinds]
        if unknown:
            return [
                story.problem(f"jenis dokumen tidak dikenal aturan: {', '.join(unknown)}", step)
            ]
        bad_marks = [
            v["date_of"]
            for v in step.inputs.values()
            if isinstance(v, dict) and v.get("date_of") not in marks
        ]
        if bad_marks:
            return [story.problem(f"date_of menunjuk tanda yang tidak ada: {bad_marks}", step)]
        if step.action != "sweep":
            complaint = _actor_complaint(step)
            if complaint:
                return [story.problem(complaint, step)]
        if step.action == "create":
            if state is not None:
                return [story.problem("«create» hanya boleh sekali, di langkah pertama", step)]
            d = story.data
            result = engine.start(rulebook, d.type, d.subtype, initiator_kind, d.facts)
            if isinstance(result, Refusal):
                return [story.problem(result.message, step)]
            state = engine.initial_state(result, d.type, d.subtype, initiator_kind, d.facts)
            opened = result.deadlines_to_open
        elif state is None:
            return [story.problem("langkah sebelum «create»", step)]
        elif step.action == "upload":
            state = replace(state, documents=state.documents | set(step.upload))
        elif step.action == "sweep":
            result = _expire(rulebook, state, opened)
            if result is None:
                return [
                    story.problem(
                        f"tidak ada tenggat yang berjalan sendiri (deemed_approved/route_direct) "
                        f"pada tahap «{state.stage}»; hapus langkah sweep ini atau perbaiki ceritanya",
                        step,
                    )
                ]
            state, opened = engine.apply(state, result), result.deadlines_to_open
        else:
            state = replace(state, documents=state.documents | set(step.upload))
            result = _act(rulebook, state, step)
            if isinstance(result, str):
                return [story.problem(result, step)]
            state, opened = engine.apply(state, result), result.deadlines_to_open
        if step.expect and state.stage != step.expect:
            return [
                story.problem(
                    f"berakhir di tahap «{state.stage}», seharusnya «{step.expect}»", step
                )
            ]
    if state is not None and state.stage != story.outcome:
        return [story.problem(f"cerita berakhir di «{state.stage}», bukan «{story.outcome}»")]
    return []


def _actor_complaint(step: Step) -> str | None:
    if step.level not in ACTOR_LEVELS:
        return f"level «{step.level}» tidak dikenal; pilih salah satu: {', '.join(ACTOR_LEVELS)}"
    if step.role not in ROLES:
        return f"peran «{step.role}» tidak dikenal; pilih salah satu: {', '.join(ROLES)}"
    return None


def _expire(rulebook: dict[str, Any], state: CooperationState, opened: tuple) -> Decision | None:
    for spec in opened:
        if spec.stage == state.stage and spec.on_expiry in SYSTEM_EXPIRIES:
            result = engine.on_deadline_expired(rulebook, state, spec)
            if result is not None:
                return result
    return None


def _act(rulebook: dict[str, Any], state: CooperationState, step: Step) -> Decision | str:
    """The engine's decision on the step, or why it refuses (Indonesian, with what to do)."""
    rules = Rulebook(rulebook)
    known = {
        a["id"]
        for st in rules.stages(state.process)
        for a in rules.actions(state.process, st["id"])
    }
    if step.action not in known and step.action not in SPECIAL_ACTIONS:
        return (
            f"tindakan «{step.action}» tidak ada dalam aturan (proses {state.process}); "
            f"sesuaikan id tindakan dengan tenants/rules"
        )
    actor = Actor(roles=frozenset({step.role}), level=step.level)
    info = next(
        (a for a in engine.available_actions(rulebook, state, actor) if a.id == step.action), None
    )
    inputs = {k: PLACEHOLDER_DATE if isinstance(v, dict) else v for k, v in step.inputs.items()}
    if info is not None:
        if info.missing_documents:
            return (
                f"dokumen belum diunggah: {', '.join(info.missing_documents)}; "
                "tambahkan ke «upload» langkah ini"
            )
        for spec in info.inputs:
            if spec.required and spec.name not in inputs:
                inputs[spec.name] = fill_input(spec, PLACEHOLDER_DATE)
    result = engine.decide(rulebook, state, step.action, actor, inputs, state.version)
    if isinstance(result, Refusal):
        return f"ditolak di tahap «{state.stage}» oleh {step.role}@{step.level}: {result.message}"
    return result


def fill_input(spec: Any, day: str) -> Any:
    """A value for a required input the story leaves out (the player fills the same)."""
    if spec.type == "date":
        return day
    if spec.type == "choice":
        return spec.choices[0]
    if spec.type == "list":
        return [spec.label]
    if spec.type == "integer":
        return int(day[:4])
    return spec.label


def valid_stories(stories_dir: Any = DEMO_DIR) -> list[Story]:
    """The stories, or :class:`DemoDataError` listing every problem (nothing written)."""
    problems = validate_stories(stories_dir)
    if problems:
        lines = "\n".join(f"- {p}" for p in problems)
        raise DemoDataError(
            f"Cerita demo tidak cocok dengan aturan ({len(problems)} masalah); tidak ada data "
            f"demo kerja sama yang dibuat. Perbaiki tenants/demo/*.yaml (atau aturannya), "
            f"periksa dengan `sikd rules check`, lalu jalankan ulang.\n{lines}"
        )
    stories, _ = load_stories(stories_dir)
    return stories
