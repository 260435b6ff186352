"""Reading the demo stories (``tenants/demo/<kode wilayah>.yaml``) into plain objects.

Pure: no database, no Flask. The file format is described in ``tenants/demo/FORMAT.md``;
every departure from it is reported as a :class:`StoryProblem` naming file, cooperation and
step, never as a traceback.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import yaml

from sikd.rules.loader import RULES_DIR

from .errors import StoryProblem
from .model import CoopData, Home, Step, Story, Theme

DEMO_DIR = RULES_DIR.parent / "demo"
SPECIAL_ACTIONS = ("create", "sweep", "upload")  # not rulebook actions; everything else is
STEP_KEYS = {"gap", "next_year_on", "hour", "action", "role", "level"} | {
    "inputs",
    "upload",
    "mark",
    "expect",
}
THEME_KEYS = (
    "opd",
    "latar",
    "tujuan",
    "sasaran",
    "lingkup",
    "kegiatan",
    "pembiayaan",
    "potensi",
    "manfaat",
)
COOP_REQUIRED = ("id", "title", "type", "subtype", "partner", "theme", "outcome", "steps")
COOP_OPTIONAL = ("objek", "persyaratan", "prakarsa_origin", "pemetaan_ref", "facts")
COOP_OPTIONAL += ("estimated_cost", "benefit_note", "starts_days_ago", "ends_days_ago")
FILE_KEYS = ("tenant", "name", "officials", "address", "place", "opd_unit", "cooperations")


def story_files(stories_dir: Path = DEMO_DIR) -> list[Path]:
    return sorted(Path(stories_dir).glob("*.yaml"))


def demo_daerah(stories_dir: Path = DEMO_DIR) -> tuple[str, ...]:
    """The codes of the daerah with demo stories (from the file names)."""
    return tuple(p.stem for p in story_files(stories_dir))


def load_stories(stories_dir: Path = DEMO_DIR) -> tuple[list[Story], list[StoryProblem]]:
    """Every story of every file, in file order, and every problem of form found."""
    stories: list[Story] = []
    problems: list[StoryProblem] = []
    files = story_files(stories_dir)
    if not files:
        problems.append(StoryProblem(str(stories_dir), message="tidak ada berkas cerita *.yaml"))
    for path in files:
        got, bad = load_file(path)
        stories.extend(got)
        problems.extend(bad)
    return stories, problems


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(DEMO_DIR.parent.parent))
    except ValueError:
        return str(path)


def load_file(path: Path) -> tuple[list[Story], list[StoryProblem]]:
    name = _shown(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        return [], [StoryProblem(name, message=f"berkas tidak dapat dibaca sebagai YAML: {exc}")]
    if not isinstance(raw, dict):
        return [], [StoryProblem(name, message="isi berkas harus berupa pemetaan (mapping)")]
    problems = [
        StoryProblem(name, message=f"kunci tidak dikenal «{k}»") for k in raw if k not in FILE_KEYS
    ]
    code = str(raw.get("tenant", ""))
    if code != path.stem:
        problems.append(
            StoryProblem(
                name, message=f"tenant «{code}» harus sama dengan nama berkas «{path.stem}»"
            )
        )
    officials = raw.get("officials") or {}
    try:
        home = Home(
            code=code,
            name=str(raw["name"]),
            kepala_daerah=dict(officials["kepala_daerah"]),
            ketua_dprd=str(officials["ketua_dprd"]),
            address=str(raw["address"]),
            place=str(raw["place"]),
            opd_unit=raw.get("opd_unit"),
        )
    except (KeyError, TypeError, ValueError) as exc:
        problems.append(StoryProblem(name, message=f"data daerah tidak lengkap: {exc}"))
        return [], problems
    stories = []
    seen: set[str] = set()
    for i, item in enumerate(raw.get("cooperations") or (), start=1):
        story, bad = _story(name, home, i, item)
        problems.extend(bad)
        if story is not None:
            if story.key in seen:
                problems.append(story.problem("id kerja sama dipakai dua kali dalam berkas ini"))
            seen.add(story.key)
            stories.append(story)
    return stories, problems


def _story(name: str, home: Home, index: int, item: Any) -> tuple[Story | None, list[StoryProblem]]:
    where = f"#{index} «{item.get('id', '?')}»" if isinstance(item, dict) else f"#{index}"
    if not isinstance(item, dict):
        return None, [StoryProblem(name, where, message="harus berupa pemetaan (mapping)")]
    bad = [StoryProblem(name, where, message=f"kunci wajib «{k}» tidak ada") for k in COOP_REQUIRED]
    bad = [p for p, k in zip(bad, COOP_REQUIRED, strict=True) if k not in item]
    bad += [
        StoryProblem(name, where, message=f"kunci tidak dikenal «{k}»")
        for k in item
        if k not in COOP_REQUIRED + COOP_OPTIONAL
    ]
    anchors = [k for k in ("starts_days_ago", "ends_days_ago") if k in item]
    if len(anchors) != 1:
        bad.append(
            StoryProblem(name, where, message="isi tepat satu: starts_days_ago atau ends_days_ago")
        )
    if bad:
        return None, bad
    partner, th = item["partner"], item["theme"]
    try:
        data = CoopData(
            type=item["type"],
            subtype=item["subtype"],
            title=item["title"],
            partner_name=partner["name"],
            partner_kind=partner["kind"],
            partner_country=partner.get("country"),
            objek=list(item.get("objek") or []),
            persyaratan=list(item.get("persyaratan") or []),
            prakarsa_origin=item.get("prakarsa_origin", "daerah"),
            pemetaan_ref=item.get("pemetaan_ref"),
            facts=list(item.get("facts") or []),
            estimated_cost=item.get("estimated_cost"),
            benefit_note=item.get("benefit_note"),
        )
        theme = Theme(**{k: th[k] for k in THEME_KEYS}, pemetaan_ref=th.get("pemetaan_ref"))
    except (KeyError, TypeError) as exc:
        return None, [StoryProblem(name, where, message=f"data kerja sama tidak lengkap: {exc}")]
    story = Story(
        name,
        str(item["id"]),
        home,
        data,
        theme,
        str(item["outcome"]),
        [],
        start_days_ago=item.get("starts_days_ago"),
        end_days_ago=item.get("ends_days_ago"),
    )
    for n, raw_step in enumerate(item["steps"] or (), start=1):
        step, step_bad = _step(story, n, raw_step)
        bad.extend(step_bad)
        if step is not None:
            story.steps.append(step)
    return story, bad


def _step(story: Story, n: int, raw: Any) -> tuple[Step | None, list[StoryProblem]]:
    blank = Step(n, str(raw.get("action", "?")) if isinstance(raw, dict) else "?")
    if not isinstance(raw, dict) or "action" not in raw:
        return None, [story.problem("langkah harus berupa pemetaan dengan «action»", blank)]
    bad = [story.problem(f"kunci tidak dikenal «{k}»", blank) for k in raw if k not in STEP_KEYS]
    if "gap" in raw and "next_year_on" in raw:
        bad.append(story.problem("isi gap atau next_year_on, tidak keduanya", blank))
    try:
        step = Step(
            number=n,
            action=str(raw["action"]),
            gap=int(raw.get("gap", 0)),
            next_year_on=str(raw["next_year_on"]) if "next_year_on" in raw else None,
            hour=float(raw.get("hour", 9.0)),
            role=raw.get("role"),
            level=raw.get("level"),
            inputs=dict(raw.get("inputs") or {}),
            upload=[str(k) for k in raw.get("upload") or ()],
            mark=raw.get("mark"),
            expect=raw.get("expect"),
        )
        if step.next_year_on:
            step.gap_target(date(2001, 1, 1))
    except (TypeError, ValueError) as exc:
        return None, [*bad, story.problem(f"nilai tidak sah: {exc}", blank)]
    if step.action != "sweep" and not (step.role and step.level):
        bad.append(story.problem("langkah pengguna harus menyebut role dan level", step))
    if step.action == "upload" and not step.upload:
        bad.append(story.problem("langkah upload harus menyebut dokumen di «upload»", step))
    return step, bad
