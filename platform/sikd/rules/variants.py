"""Merging a provinsi or kab/kota variant onto the rules above it (FORMAT.md, variant files).

Each change is recorded twice: in ``sources`` (who set the rule at a key) and as a
:class:`Change` line for ``sikd rules diff``.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any

from .jadwal_policy import apply_jadwal, jadwal_policy
from .meaning import deadlines_of, validate_rulebook
from .merged import Change, MergedRulebook
from .policy import order_preserved, policy_errors
from .schemas import RuleError, shape_errors

Note = Callable[[str, str], None]


def merge_variant(
    base: MergedRulebook, variant: dict[str, Any], file: str
) -> tuple[MergedRulebook, list[RuleError]]:
    """Apply one variant file to ``base``; returns the new merged rulebook and every error
    (shape, dangling references, override-policy refusals, meaning of the result)."""
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
    jadwal_policy(base, variant, lambda path, reason: errors.append(RuleError(file, path, reason)))
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
    _apply_lists(data, v, note)
    for kind, patch in (v.get("document_kinds") or {}).items():
        _apply_document_kind(data["document_kinds"], kind, patch, note)
    for pid, ppatch in (v.get("processes") or {}).items():
        _apply_process(data["processes"][pid], pid, ppatch, note)
    apply_jadwal(data, v, note)
    return m


def _apply_lists(data: dict[str, Any], v: Mapping[str, Any], note: Note) -> None:
    """Regulations, roles, objek and persyaratan a variant adds."""
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


def _apply_document_kind(
    kinds: dict[str, Any], kind: str, patch: Mapping[str, Any], note: Note
) -> None:
    kp = f"document_kinds.{kind}"
    if kind not in kinds:
        new = {
            k: copy.deepcopy(patch[k])
            for k in ("label", "basis", "fields", "checks", "signature", "locked")
            if k in patch
        }
        for f in new.get("fields") or ():
            f.setdefault("basis", new.get("basis", ""))
        kinds[kind] = new
        note(kp, f"jenis dokumen baru {kind}: {patch.get('label', '')}")
        return
    dk = kinds[kind]
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
    if patch.get("signature"):
        sig = {**(dk.get("signature") or {}), **copy.deepcopy(patch["signature"])}
        dk["signature"] = sig
        need = "wajib" if sig.get("required") else "dicatat"
        note(
            f"{kp}.signature",
            f"tanda tangan elektronik {kind} oleh {sig.get('role')}: {need} ({sig.get('basis', '')})",
        )
    for c in patch.get("checks_add") or ():
        c = copy.deepcopy(c)
        dk.setdefault("checks", []).append(c)
        note(
            f"{kp}.checks.{len(dk['checks']) - 1}",
            f"pemeriksaan tambahan {kind}: {c['check']} {c['from']}→{c['to']} ≤ {c['amount']} {c['unit']}",
        )


def _apply_process(proc: dict[str, Any], pid: str, ppatch: Mapping[str, Any], note: Note) -> None:
    for term, t in (ppatch.get("terminals_add") or {}).items():
        proc["terminals"][term] = copy.deepcopy(t)
        note(f"processes.{pid}.terminals.{term}", f"tahap akhir tambahan {term}")
    for sid, sp in (ppatch.get("stages") or {}).items():
        stage = next(s for s in proc["stages"] if s["id"] == sid)
        key = f"processes.{pid}.stages.{sid}"
        _apply_stage_patch(stage, sp, key, note)
    for add in ppatch.get("stages_add") or ():
        _insert_stages(proc, pid, add, note)


def _insert_stages(proc: dict[str, Any], pid: str, add: Mapping[str, Any], note: Note) -> None:
    """New stages after ``add["after"]``; its forward actions are re-pointed to the first."""
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


def normalize_stage(stage: dict[str, Any]) -> dict[str, Any]:
    stage.setdefault("level", "own")
    for d in deadlines_of(stage):
        d.setdefault("starts", "entered")
    return stage


def _describe_deadline(d: Mapping[str, Any]) -> str:
    unit = {"hari_kerja": "hari kerja"}.get(d["unit"], d["unit"])
    return f"{d['amount']} {unit} ({d['on_expiry']})"


def _apply_stage_patch(stage: dict[str, Any], sp: Mapping[str, Any], key: str, note: Note) -> None:
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
    if sp.get("pengecualian"):
        exc = sp["pengecualian"]
        note(
            f"{key}.pengecualian",
            f"pengecualian atas aturan nasional: {exc['alasan']} ({exc['basis']})",
        )
    if sp.get("pengawasan_tahap"):
        stage["pengawasan_tahap"] = sp["pengawasan_tahap"]
        note(f"{key}.pengawasan_tahap", f"tahap pengawasan: {sp['pengawasan_tahap']}")
    for crit in sp.get("kriteria_pemilihan_add") or ():
        criteria = stage.setdefault("kriteria_pemilihan", [])
        if all(c["id"] != crit["id"] for c in criteria):
            criteria.append(copy.deepcopy(crit))
            note(
                f"{key}.kriteria_pemilihan.{crit['id']}",
                f"kriteria pemilihan tambahan: {crit['label']}",
            )
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
