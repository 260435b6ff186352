"""Rule errors in words: ``processes.luar_negeri.stages.persetujuan_dprd.deadline`` becomes
"Proses KSDPL / KSDLL › tahap Persetujuan DPRD › tenggat", so the officer who reads the Perwal
sees which stage and which rule a message is about."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .schemas import RuleError

_KEYS = {
    "deadline": "tenggat",
    "deadlines_add": "tenggat tambahan",
    "reminders_add": "pengingat",
    "requires_documents_add": "dokumen wajib tambahan",
    "requires_documents": "dokumen wajib",
    "when": "syarat berlakunya",
    "basis": "dasar hukum",
    "label": "nama",
    "roles": "pelaku",
    "level": "tingkat",
    "actions": "tindakan",
    "fields_add": "isian tambahan",
    "fields": "isian",
    "checks_add": "pemeriksaan tambahan",
    "persyaratan_add": "persyaratan tambahan",
    "objek_add": "objek tambahan",
    "regulations": "daftar peraturan",
    "stages_add": "tahap baru",
    "amount": "jumlah",
    "unit": "satuan",
    "on_expiry": "akibat bila lewat",
    "extends": "aturan induk",
}

_TOKEN = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _tokens(path: str) -> list[str | int]:
    return [int(i) if i else name for name, i in _TOKEN.findall(path)]


def _stage_label(proc: Mapping[str, Any], sid: str) -> str:
    for s in proc.get("stages") or ():
        if s.get("id") == sid:
            return s.get("label", sid)
    return sid


def _process_part(data: Mapping[str, Any], toks: list[str | int]) -> list[str]:
    pid = str(toks[1]) if len(toks) > 1 else ""
    proc = (data.get("processes") or {}).get(pid) or {}
    words = [f"Proses {proc.get('label', pid)}"]
    rest = toks[2:]
    if len(rest) >= 2 and rest[0] == "stages" and isinstance(rest[1], str):
        words.append(f"tahap {_stage_label(proc, rest[1])}")
        rest = rest[2:]
    elif len(rest) >= 2 and rest[0] == "stages" and isinstance(rest[1], int):
        stages = proc.get("stages") or []
        sid = stages[rest[1]]["id"] if rest[1] < len(stages) else str(rest[1])
        words.append(f"tahap {_stage_label(proc, sid)}")
        rest = rest[2:]
    words.extend(_KEYS.get(str(t), str(t)) for t in rest if isinstance(t, str))
    return words


def describe_path(path: str, data: Mapping[str, Any]) -> str:
    """A rule path in words, using the labels of the merged rulebook ``data``."""
    toks = _tokens(path)
    if not toks:
        return "Varian"
    if toks[0] == "processes":
        words = _process_part(data, toks)
    elif toks[0] == "document_kinds" and len(toks) > 1:
        kind = (data.get("document_kinds") or {}).get(str(toks[1])) or {}
        words = [f"Dokumen {kind.get('label', toks[1])}"]
        words.extend(_KEYS.get(str(t), str(t)) for t in toks[2:] if isinstance(t, str))
    else:
        words = [_KEYS.get(str(t), str(t)) for t in toks if isinstance(t, str)]
        words[0] = words[0][:1].upper() + words[0][1:]
    return " › ".join(words)


def in_words(errors: list[RuleError], data: Mapping[str, Any]) -> list[dict[str, str]]:
    return [
        {"where": describe_path(e.path, data), "path": e.path, "message": e.reason} for e in errors
    ]
