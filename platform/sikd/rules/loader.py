"""Loading rulebook files and merging a tenant's chain: national → provinsi → kab/kota.

The merged rulebook and its sources are in :mod:`sikd.rules.merged`, applying one variant in
:mod:`sikd.rules.variants`; their names stay importable from here.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import yaml

from sikd.core.config import REPO_ROOT
from sikd.workflow.rulebook import render_basis

from .meaning import deadlines_of, validate_rulebook
from .merged import NATIONAL, Change, MergedRulebook, content_hash
from .schemas import RulebookInvalid, RuleError, shape_errors
from .variants import merge_variant, normalize_stage

RULES_DIR = REPO_ROOT / "tenants" / "rules"


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


__all__ = [
    "NATIONAL",
    "RULES_DIR",
    "Change",
    "MergedRulebook",
    "RuleError",
    "RulebookInvalid",
    "check_all",
    "check_file",
    "content_hash",
    "effective_rulebook",
    "load_national",
    "load_rulebook_file",
    "merge_variant",
    "normalize",
    "normalize_stage",
    "render_basis",
    "rule_files",
    "tenant_chain",
]
