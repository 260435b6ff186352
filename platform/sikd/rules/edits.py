"""The editor's changes to a variant (a dict in FORMAT.md's patch shape), one function each.

The forms never show YAML: each form calls one of these with plain values; the result is a
variant that the same validation as the files (``merge_variant`` + the override policy) checks.
Every change carries its legal basis: a regulation key declared in the variant, a Pasal and an
optional ayat. What the policy forbids is refused by that validation, never silently fixed here.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import Any

from .meaning import deadlines_of
from .merged import MergedRulebook
from .vocabulary import IDENT, UNITS

Variant = dict[str, Any]


class EditError(ValueError):
    """A form value the editor cannot turn into a rule; ``field`` names the form field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _ident(value: Any, field: str) -> str:
    text = str(value or "").strip()
    if not IDENT.match(text):
        raise EditError(
            field, "Gunakan huruf kecil, angka dan garis bawah, diawali huruf (mis. telaah_hukum)."
        )
    return text


def _text(value: Any, field: str, what: str) -> str:
    text = str(value or "").strip()
    if not text:
        raise EditError(field, f"Isi {what}.")
    return text


def _amount(value: Any, field: str) -> int:
    try:
        amount = int(str(value).strip())
    except (TypeError, ValueError):
        raise EditError(field, "Isi jumlah dengan bilangan bulat, mis. 3.") from None
    if amount < 0:
        raise EditError(field, "Jumlah tidak boleh negatif.")
    return amount


def _unit(value: Any, field: str = "unit") -> str:
    if value not in UNITS:
        raise EditError(field, "Pilih satuan: hari, hari kerja, bulan atau tahun.")
    return str(value)


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


REG_KEY = re.compile(r"^[A-Z]+[0-9]+$")


def basis_of(variant: Variant, basis: Mapping[str, Any] | None) -> str:
    """``{regulation: PERWAL12, pasal: "5", ayat: "2"}`` → ``PERWAL12 Pasal 5 ayat (2)``."""
    basis = basis or {}
    key = str(basis.get("regulation") or "").strip()
    if key not in (variant.get("regulations") or {}):
        raise EditError(
            "basis.regulation",
            "Pilih peraturan dasar perubahan ini; daftarkan dahulu Perwal/Pergub-nya "
            "(beserta berkas PDF-nya) pada bagian Peraturan.",
        )
    pasal = _text(basis.get("pasal"), "basis.pasal", "Pasal yang menjadi dasarnya")
    text = f"{key} Pasal {pasal}"
    ayat = str(basis.get("ayat") or "").strip()
    return f"{text} ayat ({ayat})" if ayat else text


def set_regulation(variant: Variant, key: str, label: str) -> Variant:
    key = str(key or "").strip().upper()
    if not REG_KEY.match(key):
        raise EditError("key", "Kunci peraturan: huruf kapital lalu angka, mis. PERWAL12.")
    out = copy.deepcopy(variant)
    out.setdefault("regulations", {})[key] = _text(label, "label", "nama lengkap peraturan")
    return out


def _stage_patch(out: Variant, pid: str, sid: str) -> dict[str, Any]:
    proc = out.setdefault("processes", {}).setdefault(pid, {})
    return proc.setdefault("stages", {}).setdefault(sid, {})


def _base_stage(base: MergedRulebook, pid: str, sid: str) -> dict[str, Any]:
    try:
        return base.stage(pid, sid)
    except KeyError:
        raise EditError("stage", f"Tahap {sid!r} tidak ada dalam proses {pid!r}.") from None


def tighten_deadline(
    variant: Variant, base: MergedRulebook, pid: str, sid: str, amount: Any, unit: Any, basis: Any
) -> Variant:
    """The stage's single deadline with a new amount and day kind; what happens on expiry,
    the action and the start stay those of the rule above (the policy refuses a longer one)."""
    current = deadlines_of(_base_stage(base, pid, sid))
    if len(current) != 1:
        raise EditError("stage", "Tahap ini tidak punya tepat satu tenggat untuk diperketat.")
    out = copy.deepcopy(variant)
    new = copy.deepcopy(current[0])
    new.pop("locked", None)
    new.update(amount=_amount(amount, "amount"), unit=_unit(unit), basis=basis_of(out, basis))
    new["reminders"] = [r for r in new.get("reminders") or () if r["unit"] == new["unit"]]
    _stage_patch(out, pid, sid)["deadline"] = new
    return out


def add_reminder(
    variant: Variant, pid: str, sid: str, before: Any, unit: Any, basis: Any
) -> Variant:
    out = copy.deepcopy(variant)
    basis_of(out, basis)  # asked for like every change; a reminder has no basis key of its own
    patch = _stage_patch(out, pid, sid)
    patch.setdefault("reminders_add", []).append(
        {"before": _amount(before, "before"), "unit": _unit(unit)}
    )
    return out


def _fields(rows: list[Mapping[str, Any]], basis: str) -> list[dict[str, Any]]:
    fields = []
    for i, row in enumerate(rows):
        if not str(row.get("name") or "").strip() and not str(row.get("label") or "").strip():
            continue
        kind = row.get("type") or "text"
        field = {
            "name": _ident(row.get("name"), f"fields[{i}].name"),
            "label": _text(row.get("label"), f"fields[{i}].label", "label isian"),
            "type": kind,
            "required": bool(row.get("required")),
            "basis": basis,
        }
        if kind == "choice":
            field["choices"] = [c.strip() for c in str(row.get("choices") or "").split(",") if c]
        fields.append(field)
    return fields


def add_document_kind(
    variant: Variant, code: Any, label: Any, fields: list[Mapping[str, Any]], basis: Any
) -> Variant:
    out = copy.deepcopy(variant)
    text = basis_of(out, basis)
    code = _ident(code, "code")
    rows = _fields(fields, text)
    if not rows:
        raise EditError("fields", "Tambahkan sedikitnya satu isian dokumen.")
    out.setdefault("document_kinds", {})[code] = {
        "label": _text(label, "label", "nama jenis dokumen"),
        "basis": text,
        "fields": rows,
    }
    return out


def add_field(variant: Variant, kind: Any, field: Mapping[str, Any], basis: Any) -> Variant:
    out = copy.deepcopy(variant)
    text = basis_of(out, basis)
    kind = _ident(kind, "kind")
    patch = out.setdefault("document_kinds", {}).setdefault(kind, {})
    target = "fields" if "fields" in patch and "label" in patch else "fields_add"
    patch.setdefault(target, []).extend(_fields([field], text))
    return out


def require_document(variant: Variant, pid: str, sid: str, kind: Any, basis: Any) -> Variant:
    out = copy.deepcopy(variant)
    basis_of(out, basis)
    docs = _stage_patch(out, pid, sid).setdefault("requires_documents_add", [])
    kind = _ident(kind, "kind")
    if kind not in docs:
        docs.append(kind)
    return out


def add_persyarat(variant: Variant, code: Any, label: Any, types: list[str], basis: Any) -> Variant:
    out = copy.deepcopy(variant)
    item = {
        "code": _ident(code, "code"),
        "label": _text(label, "label", "bunyi persyaratan"),
        "types": [t for t in types if t] or ["KSDPL", "KSDLL"],
        "basis": basis_of(out, basis),
    }
    out.setdefault("persyaratan_add", []).append(item)
    return out


def add_stage(
    variant: Variant, base: MergedRulebook, pid: str, after: str, stage: Mapping[str, Any]
) -> Variant:
    """A new stage of the daerah after ``after``: who acts, its documents, its deadline; it
    advances to what followed ``after`` and may send the file back to ``after``."""
    out = copy.deepcopy(variant)
    text = basis_of(out, stage.get("basis"))
    proc = base.data["processes"].get(pid) or {}
    ids = [s["id"] for s in proc.get("stages") or ()]
    if after not in ids:
        raise EditError("after", f"Tahap {after!r} tidak ada dalam proses ini.")
    nxt = ids[ids.index(after) + 1] if ids.index(after) + 1 < len(ids) else None
    if nxt is None:
        raise EditError("after", "Tahap baru tidak dapat ditempatkan sesudah tahap terakhir.")
    roles = [str(r) for r in _list(stage.get("roles")) if r]
    if not roles:
        raise EditError("roles", "Pilih sedikitnya satu pelaku tahap ini.")
    new = {
        "id": _ident(stage.get("id"), "id"),
        "label": _text(stage.get("label"), "label", "nama tahap"),
        "level": "own",
        "roles": roles,
        "basis": text,
        "actions": [
            {
                "id": "lanjut",
                "label": str(stage.get("advance_label") or "Lanjutkan"),
                "kind": "advance",
                "to": nxt,
                "basis": text,
            },
            {
                "id": "kembalikan",
                "label": "Kembalikan untuk diperbaiki",
                "kind": "return",
                "to": after,
                "basis": text,
            },
        ],
    }
    docs = [str(d) for d in _list(stage.get("requires_documents")) if d]
    if docs:
        new["requires_documents"] = docs
    if stage.get("deadline_amount") not in (None, ""):
        new["deadline"] = {
            "amount": _amount(stage["deadline_amount"], "deadline_amount"),
            "unit": _unit(stage.get("deadline_unit"), "deadline_unit"),
            "on_expiry": "remind",
            "basis": text,
        }
    ppatch = out.setdefault("processes", {}).setdefault(pid, {})
    ppatch.setdefault("stages_add", []).append({"after": after, "stage": new})
    return out
