"""The override policy: what a provinsi or kab/kota variant may change in the rules above it.

A variant may tighten a deadline, add stages, documents, fields, checks and reminders. It may
not drop or reorder a stage, lengthen a deadline, loosen a condition, change who acts or where
actions lead, or touch anything marked ``locked: true``. Every refusal names the rule it would
break (``process.stage.key``) with that rule's basis, so the author knows which law stands in
the way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from .meaning import deadlines_of
from .schemas import RuleError

if TYPE_CHECKING:
    from .loader import MergedRulebook

#: For a deadline of N units: the fewest and the most calendar days it can span.
_INF = float("inf")

#: Stage keys a variant may not set on an existing stage, with what to do instead.
_FORBIDDEN_STAGE_KEYS = {
    "roles": "siapa yang bertindak ditetapkan aturan di atasnya",
    "level": "tingkat yang memegang tahap ditetapkan aturan di atasnya",
    "actions": "tindakan dan tujuannya ditetapkan aturan di atasnya; tambahkan tahap dengan stages_add",
    "skip_to": "tujuan saat tahap dilewati ditetapkan aturan di atasnya",
    "requires_documents": "dokumen wajib hanya boleh ditambah; gunakan requires_documents_add",
    "locked": "status terkunci ditetapkan aturan di atasnya",
    "id": "id tahap tidak boleh diganti",
}


def _span_days(amount: int, unit: str) -> tuple[float, float]:
    if unit == "hari":
        return amount, amount
    if unit == "hari_kerja":  # counted conservatively, as the brief's policy says
        return amount, _INF
    if unit == "bulan":
        return 28 * amount, 31 * amount
    return 365 * amount, 366 * amount  # tahun


def deadline_not_longer(base: Mapping[str, Any], variant: Mapping[str, Any]) -> bool:
    """True when ``variant`` can never end later than ``base`` (same start).

    Same unit: compare amounts. Otherwise the variant's longest span in calendar days must fit in
    the base's shortest one, where N hari kerja count as at least N days (unbounded above): so
    N hari may replace N hari kerja, 60 hari may not replace 45 hari kerja, and hari kerja never
    replace hari."""
    if base["unit"] == variant["unit"]:
        return variant["amount"] <= base["amount"]
    if {base["unit"], variant["unit"]} == {"bulan", "tahun"}:
        months = lambda d: d["amount"] * (12 if d["unit"] == "tahun" else 1)  # noqa: E731
        return months(variant) <= months(base)
    return (
        _span_days(variant["amount"], variant["unit"])[1]
        <= _span_days(base["amount"], base["unit"])[0]
    )


def describe_deadline(d: Mapping[str, Any]) -> str:
    unit = {"hari_kerja": "hari kerja"}.get(d["unit"], d["unit"])
    return f"{d['amount']} {unit}"


def _cite(base: MergedRulebook, rule: str, node: Mapping[str, Any]) -> str:
    source = base.source_of(rule)
    who = "nasional" if source == "national" else source
    basis = node.get("basis", "")
    rendered = base.render_basis(basis)
    shown = f"{basis} — {rendered}" if rendered != basis else basis
    return f"aturan {who} {display_rule(rule)} (dasar: {shown})"


def display_rule(key: str) -> str:
    """``processes.luar_negeri.stages.persetujuan_dprd.deadline`` → ``luar_negeri.persetujuan_dprd.deadline``."""
    if key.startswith("processes."):
        return key[len("processes.") :].replace(".stages.", ".", 1)
    return key


def _condition_loosened(
    base: Mapping[str, Any] | None, new: Mapping[str, Any] | None
) -> str | None:
    """Why ``new`` lets the stage be skipped in a case where ``base`` would apply it."""
    base = base or {}
    new = new or {}
    for key, values in new.items():
        if key not in base:
            return f"syarat baru {key} membuat tahap dilewati lebih sering"
        old = set(base[key])
        if key == "all_facts":
            if not set(values) <= old:
                return f"all_facts menambah {sorted(set(values) - old)}"
        elif not set(values) >= old:
            return f"{key} membuang {sorted(old - set(values))}"
    return None


Err = Callable[[str, str], None]


def policy_errors(base: MergedRulebook, v: Mapping[str, Any], file: str) -> list[RuleError]:
    """Dangling references and override-policy refusals of variant ``v`` against ``base``."""
    errors: list[RuleError] = []

    def err(path: str, reason: str) -> None:
        errors.append(RuleError(file, path, reason))

    data = base.data
    codes = {key: {i["code"] for i in data.get(key) or ()} for key in ("objek", "persyaratan")}
    for key in ("objek", "persyaratan"):
        for i, item in enumerate(v.get(f"{key}_add") or ()):
            if item["code"] in codes[key]:
                err(
                    f"{key}_add[{i}].code",
                    f"Kode {item['code']!r} sudah ada; varian hanya boleh menambah kode baru.",
                )
    for kind, patch in (v.get("document_kinds") or {}).items():
        _document_kind_policy(base, err, kind, patch)
    for pid, ppatch in (v.get("processes") or {}).items():
        _process_policy(base, v, file, err, errors, pid, ppatch)
    return errors


def _document_kind_policy(base: MergedRulebook, err: Err, kind: str, patch: Mapping) -> None:
    kp = f"document_kinds.{kind}"
    existing = base.data["document_kinds"].get(kind)
    if existing is None:
        for need in ("label", "basis", "fields"):
            if need not in patch:
                err(f"{kp}.{need}", f"Jenis dokumen baru {kind!r} wajib punya {need}.")
        for extra in ("fields_add", "checks_add"):
            if extra in patch:
                err(f"{kp}.{extra}", f"{kind!r} belum ada; tulis fields/checks, bukan {extra}.")
        return
    if existing.get("locked") and set(patch) - {"basis"}:
        err(
            kp,
            f"Jenis dokumen terkunci; {_cite(base, kp, existing)} tidak boleh diubah varian.",
        )
        return
    for forbidden in ("fields", "checks"):
        if forbidden in patch:
            err(
                f"{kp}.{forbidden}",
                f"Varian tidak boleh mengganti {forbidden} {_cite(base, kp, existing)}; gunakan {forbidden}_add untuk menambah.",
            )
    _signature_policy(base, err, kind, patch.get("signature"), existing)
    names = {f["name"] for f in existing.get("fields") or ()}
    for i, f in enumerate(patch.get("fields_add") or ()):
        if f["name"] in names:
            err(
                f"{kp}.fields_add[{i}].name",
                f"Isian {f['name']!r} sudah ada pada {kind}; pilih nama lain.",
            )
        names.add(f["name"])
    if not (patch.get("basis") or existing.get("basis")) and patch.get("fields_add"):
        err(f"{kp}.basis", "Isian tambahan wajib punya dasar hukum.")


def _signature_policy(
    base: MergedRulebook, err: Err, kind: str, sig: Mapping | None, existing: Mapping
) -> None:
    """A variant may require a signature (tighten), never drop a requirement or change whose."""
    if not sig:
        return
    kp = f"document_kinds.{kind}.signature"
    before = existing.get("signature") or {}
    if before.get("required") and sig.get("required") is False:
        err(f"{kp}.required", f"Varian tidak boleh melonggarkan {_cite(base, kp, before)}.")
    if before.get("role") and sig.get("role") not in (None, before["role"]):
        err(f"{kp}.role", f"Varian tidak boleh mengganti penanda tangan {_cite(base, kp, before)}.")
    if not (sig.get("role") or before.get("role")):
        err(f"{kp}.role", "Sebutkan peran penanda tangan (role), misalnya kepala_daerah.")
    if sig.get("required") and not sig.get("basis"):
        err(f"{kp}.basis", "Kewajiban tanda tangan elektronik wajib punya dasar hukum.")


def _process_policy(
    base: MergedRulebook,
    v: Mapping[str, Any],
    file: str,
    err: Err,
    errors: list[RuleError],
    pid: str,
    ppatch: Mapping[str, Any],
) -> None:
    pp = f"processes.{pid}"
    proc = base.data["processes"].get(pid)
    if proc is None:
        err(
            pp,
            f"Proses {pid!r} tidak ada pada aturan di atasnya; varian tidak dapat menambah proses.",
        )
        return
    if proc.get("locked"):
        err(pp, f"Proses terkunci; {_cite(base, pp, proc)} tidak boleh diubah varian.")
        return
    stages = {s["id"]: s for s in proc["stages"]}
    for term in ppatch.get("terminals_add") or {}:
        if term in proc["terminals"] or term in stages:
            err(f"{pp}.terminals_add.{term}", f"{term!r} sudah dipakai dalam proses {pid}.")
    for sid, sp in (ppatch.get("stages") or {}).items():
        stage = stages.get(sid)
        if stage is None:
            err(
                f"{pp}.stages.{sid}",
                f"Tahap {sid!r} tidak ada dalam proses {pid}; periksa ejaan id tahap.",
            )
            continue
        _stage_patch_policy(base, v, file, err, errors, pid, sid, stage, sp)
    _stages_add_policy(base, err, pid, proc, ppatch)


def _stage_patch_policy(
    base: MergedRulebook,
    v: Mapping[str, Any],
    file: str,
    err: Err,
    errors: list[RuleError],
    pid: str,
    sid: str,
    stage: Mapping[str, Any],
    sp: Mapping[str, Any] | None,
) -> None:
    path = f"processes.{pid}.stages.{sid}"
    if sp is None:
        err(path, f"Varian tidak boleh menghapus tahap: {_cite(base, path, stage)}.")
        return
    if stage.get("locked"):
        err(path, f"Tahap terkunci; {_cite(base, path, stage)} tidak boleh diubah varian.")
        return
    for key, why in _FORBIDDEN_STAGE_KEYS.items():
        if key in sp:
            err(
                f"{path}.{key}",
                f"Tidak boleh mengubah {key} pada {_cite(base, path, stage)}: {why}.",
            )
    if "when" in sp:
        exc = sp.get("pengecualian") if _own_exception(base, v, sp.get("pengecualian")) else None
        why = _condition_loosened(_excepted(stage.get("when"), exc), sp["when"])
        if why:
            err(
                f"{path}.when",
                f"Syarat tidak boleh dilonggarkan ({why}); {_cite(base, path, stage)}. Hanya "
                "peraturan daerah ini sendiri yang dapat mengecualikan, dengan kata-kata: tulis "
                "pengecualian {basis, alasan} yang menyebut pasalnya.",
            )
    errors.extend(_deadline_policy(base, file, pid, sid, stage, sp))
    known = {c["id"] for c in stage.get("kriteria_pemilihan") or ()}
    for i, crit in enumerate(sp.get("kriteria_pemilihan_add") or ()):
        if not stage.get("kriteria_pemilihan"):
            err(
                f"{path}.kriteria_pemilihan_add[{i}]",
                f"Tahap ini tidak memilih calon mitra; {_cite(base, path, stage)}.",
            )
        elif crit["id"] in known:
            err(
                f"{path}.kriteria_pemilihan_add[{i}]",
                f"Kriteria {crit['id']!r} sudah ada; kriteria nasional hanya boleh ditambah.",
            )
    for i, doc in enumerate(sp.get("requires_documents_add") or ()):
        if doc not in base.data["document_kinds"] and doc not in (v.get("document_kinds") or {}):
            err(
                f"{path}.requires_documents_add[{i}]",
                f"Jenis dokumen {doc!r} tidak ada; tambahkan di document_kinds.",
            )


def _excepted(when: Mapping[str, Any] | None, exc: Mapping[str, Any] | None) -> dict[str, Any]:
    """The national condition less the values the variant's own regulation excepts."""
    out = dict(when or {})
    for key, values in (exc or {}).items():
        if key in out and key not in ("basis", "alasan", "all_facts"):
            out[key] = [x for x in out[key] if x not in values]
    return out


def _own_exception(base: MergedRulebook, v: Mapping[str, Any], exc: Any) -> bool:
    """An exception counts only when its basis names a regulation the variant file itself
    declares: the daerah's own regulation says so in words."""
    if not exc:
        return False
    own = set(v.get("regulations") or ())
    return any(key in exc.get("basis", "") for key in own)


def _stages_add_policy(
    base: MergedRulebook, err: Err, pid: str, proc: Mapping[str, Any], ppatch: Mapping[str, Any]
) -> None:
    pp = f"processes.{pid}"
    order = [s["id"] for s in proc["stages"]]
    for i, add in enumerate(ppatch.get("stages_add") or ()):
        ap = f"{pp}.stages_add[{i}]"
        has_one, has_many = bool(add.get("stage")), bool(add.get("stages"))
        if has_one == has_many:
            err(ap, "Tulis tepat satu dari stage (satu tahap) atau stages (beberapa tahap).")
            continue
        if add["after"] not in order:
            err(
                f"{ap}.after",
                f"Tahap {add['after']!r} tidak ada dalam proses {pid}; tahap baru harus ditempatkan sesudah tahap yang ada.",
            )
            continue
        after = next((s for s in proc["stages"] if s["id"] == add["after"]), None)
        if after is not None and after.get("locked"):
            after_key = f"{pp}.stages.{after['id']}"
            err(
                f"{ap}.after",
                f"Tidak boleh menyisipkan tahap sesudah tahap terkunci: {_cite(base, after_key, after)}.",
            )
        new = [add["stage"]] if has_one else add["stages"]
        pos = order.index(add["after"])
        for s in new:
            if s["id"] in order or s["id"] in proc["terminals"]:
                err(
                    f"{ap}.stage.id" if has_one else f"{ap}.stages",
                    f"Id tahap {s['id']!r} sudah dipakai; pilih id baru.",
                )
        order[pos + 1 : pos + 1] = [s["id"] for s in new]


def _deadline_policy(
    base: MergedRulebook,
    file: str,
    pid: str,
    sid: str,
    stage: Mapping[str, Any],
    sp: Mapping[str, Any],
) -> list[RuleError]:
    errors: list[RuleError] = []

    def err(path: str, reason: str) -> None:
        errors.append(RuleError(file, path, reason))

    path = f"processes.{pid}.stages.{sid}"
    key = f"processes.{pid}.stages.{sid}.deadline"
    current = deadlines_of(stage)
    if "deadline" in sp:
        _replaced_deadline_policy(base, err, pid, sid, current, sp["deadline"])
    for i, extra in enumerate(sp.get("deadlines_add") or ()):
        if extra["on_expiry"] not in ("remind", "expire"):
            err(
                f"{path}.deadlines_add[{i}].on_expiry",
                f"Tenggat tambahan hanya boleh remind atau expire; {extra['on_expiry']} akan melewati tahap tanpa keputusan pemegangnya.",
            )
    if sp.get("reminders_add"):
        if len(current) != 1:
            err(
                f"{path}.reminders_add",
                "reminders_add hanya untuk tahap dengan tepat satu tenggat.",
            )
        elif current[0].get("locked"):
            err(f"{path}.reminders_add", f"Tenggat terkunci; {_cite(base, key, current[0])}.")
    return errors


def _replaced_deadline_policy(
    base: MergedRulebook,
    err: Err,
    pid: str,
    sid: str,
    current: list[Mapping[str, Any]],
    given: Any,
) -> None:
    """A variant's ``deadline`` on an existing stage: only as one, not longer, same kind."""
    path = f"processes.{pid}.stages.{sid}"
    new_list = [given] if isinstance(given, Mapping) else list(given)
    if len(current) > 1:
        err(
            f"{path}.deadline",
            "Tahap ini punya beberapa tenggat; gunakan deadlines_add, jangan mengganti.",
        )
        return
    if not current:
        for i, new in enumerate(new_list):
            if new["on_expiry"] not in ("remind", "expire"):
                suffix = "" if len(new_list) == 1 and isinstance(given, Mapping) else f"[{i}]"
                err(
                    f"{path}.deadline{suffix}",
                    f"Tenggat baru pada tahap {pid}.{sid} hanya boleh remind atau expire; "
                    f"{new['on_expiry']} akan melewati tahap tanpa keputusan pemegangnya.",
                )
        return
    old = current[0]
    cite = _cite(base, f"{path}.deadline", old)
    if old.get("locked"):
        err(f"{path}.deadline", f"Tenggat terkunci; {cite} tidak boleh diubah varian.")
        return
    if len(new_list) != 1:
        err(
            f"{path}.deadline",
            f"Ganti tenggat dengan satu tenggat; tambahan memakai deadlines_add ({cite}).",
        )
        return
    new = new_list[0]
    for k in ("on_expiry", "action", "starts"):
        default = "entered" if k == "starts" else None
        if new.get(k, default) != old.get(k, default):
            err(
                f"{path}.deadline.{k}",
                f"Tidak boleh mengubah {k} tenggat ({old.get(k)!r} menjadi {new.get(k)!r}); {cite}.",
            )
    if not deadline_not_longer(old, new):
        err(
            f"{path}.deadline",
            f"Tenggat tidak boleh diperpanjang: {cite} menetapkan {describe_deadline(old)}, "
            f"varian menetapkan {describe_deadline(new)}. Gunakan tenggat yang sama atau lebih pendek.",
        )


def order_preserved(base_ids: list[str], merged_ids: list[str]) -> bool:
    """Every base stage is still present and in the same relative order."""
    positions = [merged_ids.index(s) for s in base_ids if s in merged_ids]
    return len(positions) == len(base_ids) and positions == sorted(positions)
