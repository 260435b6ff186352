"""Loading rulebook files and merging a tenant's chain: national → provinsi → kab/kota.

The merged rulebook has exactly the shape of ``national.yaml`` (``MergedRulebook.as_dict()``);
the workflow engine reads only that. Where each rule came from (``national`` or a variant id)
is kept beside it in ``MergedRulebook.sources`` for display, keyed by stable id paths such as
``processes.luar_negeri.stages.persetujuan_dprd.deadline``.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from sikd.config import REPO_ROOT
from sikd.workflow.rulebook import render_basis

from .schemas import (
    RulebookInvalid,
    RuleError,
    deadlines_of,
    shape_errors,
    validate_rulebook,
)

RULES_DIR = REPO_ROOT / "tenants" / "rules"
NATIONAL = "national"


@dataclass
class Change:
    """One thing a variant changes, for ``sikd rules diff``."""

    key: str
    source: str
    description: str


@dataclass
class MergedRulebook:
    tenant_code: str
    chain: list[str]
    data: dict[str, Any]
    sources: dict[str, str] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)
    effective_from: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """A deep copy in FORMAT.md's national shape, for the workflow engine."""
        return copy.deepcopy(self.data)

    @property
    def content_hash(self) -> str:
        return content_hash(self)

    def source_of(self, key: str) -> str:
        """``national`` or the id of the variant that last set the rule at ``key`` (or above it)."""
        probe = key
        while probe:
            if probe in self.sources:
                return self.sources[probe]
            probe = probe.rpartition(".")[0]
        return NATIONAL

    def render_basis(self, basis: str) -> str:
        return render_basis(basis, self.data.get("regulations") or {})

    def stage(self, process: str, stage_id: str) -> dict[str, Any]:
        for s in self.data["processes"][process]["stages"]:
            if s["id"] == stage_id:
                return s
        raise KeyError(f"{process}.{stage_id}")


def content_hash(merged: MergedRulebook | Mapping[str, Any]) -> str:
    """sha256 of the canonical JSON of the merged rulebook (sorted keys, no spaces)."""
    data = merged.data if isinstance(merged, MergedRulebook) else merged
    canonical = json.dumps(
        data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def load_rulebook_file(path: str | Path) -> dict[str, Any]:
    """Read one YAML file into plain data (YAML anchors expanded into independent copies).

    Raises :class:`RulebookInvalid` when the file cannot be read or is not YAML."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RulebookInvalid(
            [
                RuleError(
                    str(path),
                    "(berkas)",
                    f"Berkas tidak dapat dibaca ({exc.strerror}); periksa nama dan izinnya.",
                )
            ]
        ) from exc
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"baris {mark.line + 1}, kolom {mark.column + 1}" if mark else "(berkas)"
        problem = getattr(exc, "problem", None) or "sintaks YAML tidak sah"
        raise RulebookInvalid(
            [RuleError(str(path), where, f"YAML tidak sah: {problem}; perbaiki sintaksnya.")]
        ) from exc
    # A JSON round trip breaks YAML aliases (shared objects) and turns dates into strings.
    return json.loads(json.dumps(raw, default=str))


def normalize(data: dict[str, Any]) -> dict[str, Any]:
    """Fill defaults the engine relies on: a field without basis inherits its kind's basis;
    a stage without ``level`` is ``own``; a deadline without ``starts`` starts when entered."""
    for dk in (data.get("document_kinds") or {}).values():
        if isinstance(dk, dict):
            for f in dk.get("fields") or ():
                if isinstance(f, dict) and not f.get("basis"):
                    f["basis"] = dk.get("basis", "")
    for proc in (data.get("processes") or {}).values():
        if not isinstance(proc, dict):
            continue
        for s in proc.get("stages") or ():
            if isinstance(s, dict):
                s.setdefault("level", "own")
                for d in deadlines_of(s) if isinstance(s.get("deadline"), dict | list) else ():
                    if isinstance(d, dict):
                        d.setdefault("starts", "entered")
    return data


def _record_national(merged: MergedRulebook) -> None:
    data, src = merged.data, merged.sources
    for o in data.get("objek") or ():
        src[f"objek.{o['code']}"] = NATIONAL
    for p in data.get("persyaratan") or ():
        src[f"persyaratan.{p['code']}"] = NATIONAL
    for kind in data["document_kinds"]:
        src[f"document_kinds.{kind}"] = NATIONAL
    for pid, proc in data["processes"].items():
        src[f"processes.{pid}"] = NATIONAL
        for s in proc["stages"]:
            src[f"processes.{pid}.stages.{s['id']}"] = NATIONAL


def tenant_chain(tenant_code: str, rules_dir: Path) -> list[Path]:
    """Files of the tenant's chain, national first: national → provinsi (if any) → own (if any)."""
    chain = [rules_dir / "national.yaml"]
    code = tenant_code.strip()
    if "." in code:
        provinsi = code.split(".", 1)[0]
        if (rules_dir / f"{provinsi}.yaml").exists():
            chain.append(rules_dir / f"{provinsi}.yaml")
    if code and code != NATIONAL and (rules_dir / f"{code}.yaml").exists():
        chain.append(rules_dir / f"{code}.yaml")
    return chain


def load_national(path: Path) -> tuple[MergedRulebook, list[RuleError]]:
    data = load_rulebook_file(path)
    errors = shape_errors(data, str(path))
    if errors:
        return MergedRulebook(NATIONAL, [NATIONAL], {}), errors
    normalize(data)
    errors = validate_rulebook(data, str(path))
    merged = MergedRulebook(NATIONAL, [NATIONAL], data)
    if not errors:
        _record_national(merged)
    return merged, errors


def merge_variant(
    base: MergedRulebook, variant: dict[str, Any], file: str
) -> tuple[MergedRulebook, list[RuleError]]:
    """Apply one variant file to ``base``; returns the new merged rulebook and every error
    (shape, dangling references, override-policy refusals, meaning of the result)."""
    from .policy import order_preserved, policy_errors

    errors = shape_errors(variant, file, variant=True)
    if errors:
        return base, errors
    expected_parent = base.chain[-1]
    if str(variant["extends"]) != expected_parent:
        errors.append(
            RuleError(
                file,
                "extends",
                f"Varian ini harus extends: {expected_parent!r} (rantai aturannya national → provinsi → kabupaten/kota).",
            )
        )
    errors.extend(policy_errors(base, variant, file))
    if errors:
        return base, errors
    merged = _apply(base, variant, file)
    meaning = validate_rulebook(merged.data, file)
    for pid, proc in base.data["processes"].items():
        base_ids = [s["id"] for s in proc["stages"]]
        merged_ids = [s["id"] for s in merged.data["processes"][pid]["stages"]]
        if not order_preserved(base_ids, merged_ids):
            meaning.append(
                RuleError(
                    file,
                    f"processes.{pid}.stages",
                    "Varian tidak boleh menghapus atau menukar urutan tahap aturan di atasnya.",
                )
            )
    return merged, meaning


def _apply(base: MergedRulebook, v: dict[str, Any], file: str) -> MergedRulebook:
    vid = str(v["id"])
    data = copy.deepcopy(base.data)
    m = MergedRulebook(
        tenant_code=vid,
        chain=[*base.chain, vid],
        data=data,
        sources=dict(base.sources),
        changes=list(base.changes),
        effective_from=v.get("effective_from") or base.effective_from,
    )

    def note(key: str, description: str) -> None:
        m.sources[key] = vid
        m.changes.append(Change(key, vid, description))

    data["id"] = vid
    data["title"] = v["title"]
    for key, label in (v.get("regulations") or {}).items():
        if data["regulations"].get(key) != label:
            data["regulations"][key] = label
            note(f"regulations.{key}", f"peraturan {key}: {label}")
    for role in v.get("roles") or ():
        if role not in data["roles"]:
            data["roles"].append(role)
            note(f"roles.{role}", f"peran tambahan {role}")
    for key in ("objek", "persyaratan"):
        for item in v.get(f"{key}_add") or ():
            data[key].append(copy.deepcopy(item))
            note(f"{key}.{item['code']}", f"{key} tambahan {item['code']}: {item['label']}")

    for kind, patch in (v.get("document_kinds") or {}).items():
        kp = f"document_kinds.{kind}"
        if kind not in data["document_kinds"]:
            new = {
                k: copy.deepcopy(patch[k])
                for k in ("label", "basis", "fields", "checks", "locked")
                if k in patch
            }
            for f in new.get("fields") or ():
                f.setdefault("basis", new.get("basis", ""))
            data["document_kinds"][kind] = new
            note(kp, f"jenis dokumen baru {kind}: {patch.get('label', '')}")
            continue
        dk = data["document_kinds"][kind]
        default_basis = patch.get("basis") or dk.get("basis", "")
        if "label" in patch:
            dk["label"] = patch["label"]
            note(f"{kp}.label", f"label {kind} diganti: {patch['label']}")
        if patch.get("basis"):
            dk["basis"] = patch["basis"]
            note(f"{kp}.basis", f"dasar {kind}: {patch['basis']}")
        for f in patch.get("fields_add") or ():
            f = copy.deepcopy(f)
            f.setdefault("basis", default_basis)
            dk.setdefault("fields", []).append(f)
            note(f"{kp}.fields.{f['name']}", f"isian tambahan {kind}.{f['name']} ({f['basis']})")
        for c in patch.get("checks_add") or ():
            c = copy.deepcopy(c)
            dk.setdefault("checks", []).append(c)
            note(
                f"{kp}.checks.{len(dk['checks']) - 1}",
                f"pemeriksaan tambahan {kind}: {c['check']} {c['from']}→{c['to']} ≤ {c['amount']} {c['unit']}",
            )

    for pid, ppatch in (v.get("processes") or {}).items():
        proc = data["processes"][pid]
        for term, t in (ppatch.get("terminals_add") or {}).items():
            proc["terminals"][term] = copy.deepcopy(t)
            note(f"processes.{pid}.terminals.{term}", f"tahap akhir tambahan {term}")
        for sid, sp in (ppatch.get("stages") or {}).items():
            stage = next(s for s in proc["stages"] if s["id"] == sid)
            key = f"processes.{pid}.stages.{sid}"
            _apply_stage_patch(stage, sp, key, note)
        for add in ppatch.get("stages_add") or ():
            new_stages = [add["stage"]] if add.get("stage") else list(add.get("stages") or ())
            new_stages = [normalize_stage(copy.deepcopy(s)) for s in new_stages]
            ids = [s["id"] for s in proc["stages"]]
            pos = ids.index(add["after"])
            old_next = ids[pos + 1] if pos + 1 < len(ids) else None
            after = proc["stages"][pos]
            if old_next is not None:
                for a in after["actions"]:
                    if a["kind"] in ("advance", "decide") and a["to"] == old_next:
                        a["to"] = new_stages[0]["id"]
                        note(
                            f"processes.{pid}.stages.{after['id']}.actions.{a['id']}.to",
                            f"tindakan {after['id']}.{a['id']} kini menuju {new_stages[0]['id']} (sebelumnya {old_next})",
                        )
            proc["stages"][pos + 1 : pos + 1] = new_stages
            for s in new_stages:
                note(
                    f"processes.{pid}.stages.{s['id']}",
                    f"tahap baru {s['id']} ({s['label']}) sesudah {add['after']}; dasar {s['basis']}",
                )
    return m


def normalize_stage(stage: dict[str, Any]) -> dict[str, Any]:
    stage.setdefault("level", "own")
    for d in deadlines_of(stage):
        d.setdefault("starts", "entered")
    return stage


def _describe_deadline(d: Mapping[str, Any]) -> str:
    unit = {"hari_kerja": "hari kerja"}.get(d["unit"], d["unit"])
    return f"{d['amount']} {unit} ({d['on_expiry']})"


def _apply_stage_patch(stage: dict[str, Any], sp: Mapping[str, Any], key: str, note: Any) -> None:
    if "label" in sp:
        stage["label"] = sp["label"]
        note(f"{key}.label", f"label tahap: {sp['label']}")
    if sp.get("basis"):
        stage["basis"] = sp["basis"]
        note(f"{key}.basis", f"dasar tahap: {sp['basis']}")
    if "when" in sp:
        if sp["when"]:
            stage["when"] = copy.deepcopy(sp["when"])
        else:
            stage.pop("when", None)
        note(f"{key}.when", f"syarat tahap: {sp['when'] or 'selalu berlaku'}")
    for doc in sp.get("requires_documents_add") or ():
        docs = stage.setdefault("requires_documents", [])
        if doc not in docs:
            docs.append(doc)
            note(f"{key}.requires_documents.{doc}", f"dokumen wajib tambahan: {doc}")
    if "deadline" in sp:
        before = deadlines_of(stage)
        new = copy.deepcopy(sp["deadline"])
        for d in [new] if isinstance(new, dict) else new:
            d.setdefault("starts", "entered")
        stage["deadline"] = new
        was = ", ".join(_describe_deadline(d) for d in before) or "tanpa tenggat"
        now = ", ".join(_describe_deadline(d) for d in deadlines_of(stage))
        note(f"{key}.deadline", f"tenggat {was} → {now}")
    for r in sp.get("reminders_add") or ():
        d = deadlines_of(stage)[0]
        d.setdefault("reminders", []).append(copy.deepcopy(r))
        note(
            f"{key}.deadline.reminders",
            f"pengingat tambahan {r['before']} {r['unit']} sebelum tenggat",
        )
    for extra in sp.get("deadlines_add") or ():
        extra = copy.deepcopy(extra)
        extra.setdefault("starts", "entered")
        current = deadlines_of(stage)
        stage["deadline"] = [*current, extra] if current else extra
        note(
            f"{key}.deadline",
            f"tenggat tambahan {_describe_deadline(extra)} mulai {extra['starts']}",
        )


_CACHE: dict[tuple[str, str], tuple[tuple[tuple[str, float], ...], MergedRulebook]] = {}


def effective_rulebook(tenant_code: str, rules_dir: str | Path = RULES_DIR) -> MergedRulebook:
    """The merged rulebook of a tenant. Raises :class:`RulebookInvalid` listing every error.

    Parsed and validated once per process for as long as none of its files changes; every
    caller gets its own copy."""
    rules_dir = Path(rules_dir)
    files = tenant_chain(tenant_code, rules_dir)
    stamp = tuple((str(f), f.stat().st_mtime) for f in files)
    key = (tenant_code, str(rules_dir))
    cached = _CACHE.get(key)
    if cached is None or cached[0] != stamp:
        cached = (stamp, _build_effective_rulebook(tenant_code, files))
        _CACHE[key] = cached
    return copy.deepcopy(cached[1])


def _build_effective_rulebook(tenant_code: str, files: list[Path]) -> MergedRulebook:
    merged, errors = load_national(files[0])
    if errors:
        raise RulebookInvalid(errors)
    for path in files[1:]:
        merged, errors = merge_variant(merged, load_rulebook_file(path), str(path))
        if errors:
            raise RulebookInvalid(errors)
    merged.tenant_code = tenant_code
    merged.data["id"] = tenant_code if tenant_code else NATIONAL
    return merged


def check_file(path: str | Path, rules_dir: str | Path | None = None) -> list[RuleError]:
    """Every error of one file: national on its own; a variant merged onto its chain."""
    path = Path(path)
    rules_dir = Path(rules_dir) if rules_dir is not None else path.parent
    try:
        if path.name == "national.yaml":
            return load_national(path)[1]
        variant = load_rulebook_file(path)
        national = rules_dir / "national.yaml"
        base, errors = load_national(national)
        if errors:
            return [
                RuleError(
                    str(national),
                    "(berkas)",
                    "Aturan nasional tidak sah; perbaiki dahulu berkas nasional.",
                ),
                *errors,
            ]
        code = path.stem
        for parent in tenant_chain(code, rules_dir)[1:]:
            if parent.resolve() == path.resolve():
                break
            base, errors = merge_variant(base, load_rulebook_file(parent), str(parent))
            if errors:
                return errors
        if isinstance(variant, dict) and str(variant.get("id", "")) != code:
            return [RuleError(str(path), "id", f"id harus sama dengan nama berkas: {code!r}.")]
        return merge_variant(base, variant, str(path))[1]
    except RulebookInvalid as exc:
        return exc.errors


def rule_files(rules_dir: str | Path = RULES_DIR) -> list[Path]:
    """national.yaml first, then provinsi files, then kab/kota files."""
    rules_dir = Path(rules_dir)
    others = sorted(p for p in rules_dir.glob("*.yaml") if p.name != "national.yaml")
    others.sort(key=lambda p: (p.stem.count("."), p.stem))
    return [rules_dir / "national.yaml", *others]


def check_all(rules_dir: str | Path = RULES_DIR) -> list[RuleError]:
    errors: list[RuleError] = []
    for path in rule_files(rules_dir):
        errors.extend(check_file(path, rules_dir))
    return errors
