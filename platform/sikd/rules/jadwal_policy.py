"""A variant's ``jadwal``: the schedules of a running cooperation, patched or added.

The override policy holds here as for stages: a variant may only tighten. It may give a rhythm
to a schedule that the rules above it leave to "pada saat diperlukan" (``anchor: diperlukan``),
shorten a span, make a schedule repeat or repeat sooner, add cooperation types, reminders and
report attachments, and add schedules of its own (never one that ends the cooperation). It may
not drop a schedule, lengthen one, change what happens when it falls due, who holds it, or what
meets it. Every refusal names the rule above with its basis (``policy._cite``).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from .policy import _cite, deadline_not_longer, describe_deadline
from .schemas import JadwalSchema

if TYPE_CHECKING:
    from .merged import MergedRulebook

Err = Callable[[str, str], None]
Note = Callable[[str, str], None]

RHYTHM = ("anchor", "amount", "unit", "before", "every")
FORBIDDEN = {
    "types": "tambahkan jenis dengan types_add",
    "on_expiry": "akibat saat jatuh tempo ditetapkan aturan di atasnya",
    "roles": "pemegang jadwal ditetapkan aturan di atasnya",
    "fulfilled_by": "apa yang memenuhi jadwal ditetapkan aturan di atasnya",
    "reminders": "tambahkan pengingat dengan reminders_add",
}
FORBIDDEN_ROUND = {
    "documents": "tambahkan lampiran dengan documents_add",
    "optional_documents": "tambahkan dengan optional_documents_add",
    "next": "urutan pemantauan dan evaluasi ditetapkan aturan di atasnya",
    "tindak_lanjut": "tindak lanjut rekomendasi ditetapkan aturan di atasnya",
}


def jadwal_policy(base: MergedRulebook, v: Mapping[str, Any], err: Err) -> None:
    every = base.data.get("jadwal") or {}
    kinds = set(base.data["document_kinds"]) | set(v.get("document_kinds") or {})
    for jid, patch in (v.get("jadwal") or {}).items():
        path = f"jadwal.{jid}"
        if jid not in every:
            _new_policy(path, patch, err)
        elif patch is None:
            err(path, f"Varian tidak boleh menghapus jadwal: {_cite(base, path, every[jid])}.")
        else:
            _patch_policy(base, path, every[jid], patch, err)
        for key in ("documents", "documents_add", "optional_documents_add", "one_of"):
            for doc in ((patch or {}).get("pengawasan") or {}).get(key) or ():
                if doc not in kinds:
                    err(f"{path}.pengawasan.{key}", f"Jenis dokumen {doc!r} tidak ada.")


def _new_policy(path: str, patch: Mapping[str, Any] | None, err: Err) -> None:
    if patch is None:
        err(path, "Jadwal ini tidak ada pada aturan di atasnya; tidak ada yang dihapus.")
        return
    problems = JadwalSchema().validate(dict(patch))
    for key in sorted(problems):
        err(f"{path}.{key}", f"Jadwal baru wajib lengkap: {problems[key]}")
    if patch.get("on_expiry") == "berakhir":
        err(
            f"{path}.on_expiry",
            "Jadwal tambahan tidak boleh mengakhiri kerja sama; berakhirnya jangka waktu "
            "ditetapkan aturan nasional.",
        )
    for key in ("types_add", "reminders_add"):
        if key in patch:
            err(f"{path}.{key}", f"Jadwal baru ditulis lengkap ({key[:-4]}), bukan {key}.")


def _patch_policy(
    base: MergedRulebook, path: str, old: Mapping[str, Any], patch: Mapping[str, Any], err: Err
) -> None:
    cite = _cite(base, path, old)
    for key, why in FORBIDDEN.items():
        if key in patch:
            err(f"{path}.{key}", f"Tidak boleh mengubah {key} pada {cite}: {why}.")
    if any(k in patch for k in RHYTHM):
        _rhythm_policy(path, old, patch, cite, err)
    round_patch = patch.get("pengawasan") or {}
    if round_patch and not old.get("pengawasan"):
        err(f"{path}.pengawasan", f"{cite} bukan jadwal pemantauan/evaluasi.")
        return
    for key, why in FORBIDDEN_ROUND.items():
        if key in round_patch:
            err(f"{path}.pengawasan.{key}", f"Tidak boleh mengubah {key} pada {cite}: {why}.")
    old_round = old.get("pengawasan") or {}
    if "one_of" in round_patch and old_round.get("one_of"):
        err(f"{path}.pengawasan.one_of", f"Pilihan lampiran sudah ditetapkan {cite}.")
    within = round_patch.get("report_within")
    if within and not deadline_not_longer(old_round["report_within"], within):
        err(
            f"{path}.pengawasan.report_within",
            f"Batas laporan tidak boleh diperpanjang: {cite} menetapkan "
            f"{describe_deadline(old_round['report_within'])}.",
        )


def _rhythm_policy(
    path: str, old: Mapping[str, Any], patch: Mapping[str, Any], cite: str, err: Err
) -> None:
    """From "pada saat diperlukan" any rhythm (a schedule where there was none); otherwise the
    same anchor and direction, a span not longer (a lead time not shorter), a repeat not rarer."""
    if old["anchor"] == "diperlukan":
        missing = [k for k in ("anchor", "amount", "unit") if k not in patch]
        if missing:
            err(path, f"Tulis anchor, amount, dan unit jadwal yang ditetapkan (kurang: {missing}).")
        return
    for key in ("anchor", "before"):
        if key in patch and patch[key] != old.get(key, False if key == "before" else None):
            err(f"{path}.{key}", f"Tidak boleh mengubah {key} pada {cite}.")
    new_span = {
        "amount": patch.get("amount", old["amount"]),
        "unit": patch.get("unit", old["unit"]),
    }
    old_span = {"amount": old["amount"], "unit": old["unit"]}
    tighter = (
        deadline_not_longer(new_span, old_span)  # counted back: earlier is tighter
        if old.get("before")
        else deadline_not_longer(old_span, new_span)
    )
    if not tighter:
        err(
            f"{path}.amount",
            f"Jadwal tidak boleh dilonggarkan: {cite} menetapkan {describe_deadline(old_span)}, "
            f"varian menetapkan {describe_deadline(new_span)}.",
        )
    if (
        "every" in patch
        and old.get("every")
        and not deadline_not_longer(old["every"], patch["every"])
    ):
        err(f"{path}.every", f"Pengulangan tidak boleh lebih jarang dari {cite}.")
    if patch.get("every") is None and "every" in patch and old.get("every"):
        err(f"{path}.every", f"Pengulangan tidak boleh dihapus: {cite}.")


def apply_jadwal(data: dict[str, Any], v: Mapping[str, Any], note: Note) -> None:
    every = data.setdefault("jadwal", {})
    for jid, patch in (v.get("jadwal") or {}).items():
        key = f"jadwal.{jid}"
        if jid not in every:
            every[jid] = copy.deepcopy(dict(patch))
            note(key, f"jadwal tambahan {jid}: {patch['label']} ({patch['basis']})")
            continue
        j = every[jid]
        for k in ("label", "basis", *RHYTHM):
            if k in patch:
                j[k] = copy.deepcopy(patch[k])
        if any(k in patch for k in RHYTHM):
            when = "saat diperlukan" if j["anchor"] == "diperlukan" else j["anchor"]
            note(
                f"{key}.anchor",
                f"jadwal {jid}: {j['amount']} {j['unit']} dari {when}"
                + (
                    f", diulang setiap {j['every']['amount']} {j['every']['unit']}"
                    if j.get("every")
                    else ""
                )
                + f" ({j['basis']})",
            )
        for t in patch.get("types_add") or ():
            if t not in j["types"]:
                j["types"].append(t)
                note(f"{key}.types.{t}", f"jadwal {jid} berlaku juga untuk {t}")
        for r in patch.get("reminders_add") or ():
            j.setdefault("reminders", []).append(copy.deepcopy(r))
            note(f"{key}.reminders", f"pengingat {jid} {r['before']} {r['unit']} sebelumnya")
        rp = patch.get("pengawasan") or {}
        if rp:
            spec = j["pengawasan"]
            for src, dst in (
                ("documents_add", "documents"),
                ("optional_documents_add", "optional_documents"),
            ):
                for doc in rp.get(src) or ():
                    if doc not in spec.setdefault(dst, []):
                        spec[dst].append(doc)
                        note(f"{key}.pengawasan.{dst}.{doc}", f"lampiran laporan {jid}: {doc}")
            if rp.get("one_of"):
                spec["one_of"] = list(rp["one_of"])
                note(f"{key}.pengawasan.one_of", f"lampiran {jid}: salah satu dari {rp['one_of']}")
            if rp.get("report_within"):
                spec["report_within"] = dict(rp["report_within"])
                note(
                    f"{key}.pengawasan.report_within", f"batas laporan {jid}: {rp['report_within']}"
                )
