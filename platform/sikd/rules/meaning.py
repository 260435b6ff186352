"""The meaning of a rulebook whose shape is valid: legal bases, references, transitions,
reachability. Every problem is a :class:`RuleError` with the path inside the file and an
Indonesian reason that says what to fix.

Two checks, one purpose each: these are the authoring checks of a rule *file* (paths such as
``processes.luar_negeri.stages[4].actions[1].to``, fixing instructions for the rule author),
and the workflow engine's own :func:`sikd.workflow.check_rulebook` asks whether the engine can
walk a *merged* rulebook (skip chains under every fact combination and initiator kind). The
engine's check is run last here, once the file has no other error, so a rulebook that would
stop the engine is refused when it is loaded rather than when a cooperation reaches it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sikd.workflow.checks import check_rulebook
from sikd.workflow.roles import ROLES
from sikd.workflow.rulebook import REGULATION_TOKEN

from .processes import Errors, deadlines_of, process_errors
from .schemas import RuleError, shape_errors


def basis_problem(basis: Any, regulations: Mapping[str, str]) -> str | None:
    """Why ``basis`` is not an acceptable legal basis (None when it is)."""
    if not isinstance(basis, str) or not basis.strip():
        return "Dasar hukum (basis) wajib diisi; sebutkan peraturan dan pasalnya."
    tokens = REGULATION_TOKEN.findall(basis)
    if not tokens:
        known = ", ".join(sorted(regulations)) or "-"
        return f"Dasar hukum {basis!r} tidak menyebut kunci peraturan; awali dengan salah satu: {known}."
    unknown = sorted({t for t in tokens if t not in regulations})
    if unknown:
        return (
            f"Kunci peraturan {', '.join(unknown)} tidak dikenal; daftarkan di `regulations` "
            "atau perbaiki ejaannya."
        )
    return None


def rule_nodes(data: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
    """(path, node) for every rule that must carry a basis: objek, persyaratan, document kinds,
    their fields and checks, processes, stages, actions and deadlines."""
    out: list[tuple[str, Mapping[str, Any]]] = []
    for i, o in enumerate(data.get("objek") or ()):
        out.append((f"objek[{i}]", o))
    for i, p in enumerate(data.get("persyaratan") or ()):
        out.append((f"persyaratan[{i}]", p))
    for kind, dk in (data.get("document_kinds") or {}).items():
        out.append((f"document_kinds.{kind}", dk))
        for i, f in enumerate(dk.get("fields") or ()):
            out.append((f"document_kinds.{kind}.fields[{i}]", f))
        for i, c in enumerate(dk.get("checks") or ()):
            out.append((f"document_kinds.{kind}.checks[{i}]", c))
    for pid, proc in (data.get("processes") or {}).items():
        out.append((f"processes.{pid}", proc))
        for si, stage in enumerate(proc.get("stages") or ()):
            sp = f"processes.{pid}.stages[{si}]"
            out.append((sp, stage))
            for ai, act in enumerate(stage.get("actions") or ()):
                out.append((f"{sp}.actions[{ai}]", act))
            for di, d in enumerate(deadlines_of(stage)):
                suffix = "" if isinstance(stage.get("deadline"), Mapping) else f"[{di}]"
                out.append((f"{sp}.deadline{suffix}", d))
    for jid, jadwal in (data.get("jadwal") or {}).items():
        out.append((f"jadwal.{jid}", jadwal))
    return out


def _roles_known(data: Mapping[str, Any]) -> set[str]:
    return set(ROLES) | set(data.get("roles") or ())


def meaning_errors(data: Mapping[str, Any], file: str) -> list[RuleError]:
    """References, transitions and reachability of a rulebook whose shape is already valid."""
    errors = Errors(file)
    regulations = data.get("regulations") or {}
    for path, node in rule_nodes(data):
        problem = basis_problem(node.get("basis"), regulations)
        if problem:
            errors.add(f"{path}.basis", problem)

    roles = _roles_known(data)
    kinds = data.get("document_kinds") or {}
    for key in ("objek", "persyaratan"):
        seen: set[str] = set()
        for i, item in enumerate(data.get(key) or ()):
            if item["code"] in seen:
                errors.add(
                    f"{key}[{i}].code", f"Kode {item['code']!r} ganda; setiap kode hanya sekali."
                )
            seen.add(item["code"])
    for kind, dk in kinds.items():
        _document_kind_errors(errors, kind, dk)

    covered: dict[tuple[str, str], str] = {}
    for pid, proc in (data.get("processes") or {}).items():
        errors.extend(process_errors(file, pid, proc, roles, kinds, covered))
    return list(errors)


def _document_kind_errors(errors: Errors, kind: str, dk: Mapping[str, Any]) -> None:
    kp = f"document_kinds.{kind}"
    names = [f["name"] for f in dk.get("fields") or ()]
    by_name = {f["name"]: f for f in dk.get("fields") or ()}
    for i, f in enumerate(dk.get("fields") or ()):
        if names.count(f["name"]) > 1 and names.index(f["name"]) != i:
            errors.add(f"{kp}.fields[{i}].name", f"Isian {f['name']!r} ganda; ganti namanya.")
        if f["type"] == "choice" and not f.get("choices"):
            errors.add(
                f"{kp}.fields[{i}].choices", "Isian bertipe choice wajib punya daftar choices."
            )
    for i, c in enumerate(dk.get("checks") or ()):
        for end in ("from", "to"):
            target = by_name.get(c[end])
            if target is None:
                errors.add(
                    f"{kp}.checks[{i}].{end}", f"Isian {c[end]!r} tidak ada pada dokumen {kind}."
                )
            elif target["type"] != "date":
                errors.add(
                    f"{kp}.checks[{i}].{end}",
                    f"Isian {c[end]!r} harus bertipe date untuk {c['check']}.",
                )


def validate_rulebook(data: Any, file: str) -> list[RuleError]:
    """All errors of a rulebook in national (merged) shape: shape first, then meaning, then
    whether the workflow engine can walk it."""
    errors = shape_errors(data, file) or meaning_errors(data, file)
    if errors:
        return errors
    return [
        RuleError(
            file,
            "processes",
            f"Alur tidak dapat dijalankan: {problem}. Perbaiki tujuan tindakan atau skip_to "
            "tahap tersebut.",
        )
        for problem in check_rulebook(data)
    ]
