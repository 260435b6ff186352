"""The meaning of one process of a rulebook: who acts, where each action and skip leads,
deadlines, and that every stage can be reached and can reach an end."""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from typing import Any

from sikd.workflow.rulebook import Rulebook

from .schemas import RuleError
from .vocabulary import COOPERATION_SUBTYPES, STARTS_FIXED, SYSTEM_EXPIRIES

#: A stage's deadlines, ``deadline`` being one mapping or a list of them.
deadlines_of = Rulebook.deadlines_in

_UNKNOWN_ROLE = (
    "Peran {!r} tidak dikenal; gunakan peran dari sikd.workflow.roles atau daftarkan di roles."
)
_UNKNOWN_KIND = "Jenis dokumen {!r} tidak ada di document_kinds."


class Errors(list):
    """Errors of one file, added by path and reason."""

    def __init__(self, file: str) -> None:
        super().__init__()
        self.file = file

    def add(self, path: str, reason: str) -> None:
        self.append(RuleError(self.file, path, reason))


def process_errors(
    file: str,
    pid: str,
    proc: Mapping[str, Any],
    roles: set[str],
    kinds: Mapping[str, Any],
    covered: dict[tuple[str, str], str],
) -> list[RuleError]:
    errors = Errors(file)
    pp = f"processes.{pid}"
    _applies_errors(errors, pp, pid, proc, covered)
    stages = proc["stages"]
    terminals = proc["terminals"]
    index: dict[str, int] = {}
    for i, s in enumerate(stages):
        if s["id"] in index:
            errors.add(
                f"{pp}.stages[{i}].id", f"Id tahap {s['id']!r} ganda; setiap tahap perlu id unik."
            )
        else:
            index[s["id"]] = i
        if s["id"] in terminals:
            errors.add(
                f"{pp}.stages[{i}].id",
                f"{s['id']!r} dipakai sebagai tahap dan tahap akhir sekaligus.",
            )
    targets = set(index) | set(terminals)
    if proc["start"] not in index:
        errors.add(f"{pp}.start", f"Tahap awal {proc['start']!r} tidak ada di stages.")

    edges: dict[str, set[str]] = {sid: set() for sid in index}
    graph = _Graph(index, terminals, targets, edges)
    for i, s in enumerate(stages):
        _stage_errors(errors, f"{pp}.stages[{i}]", s, graph, roles, kinds)
    _graph_errors(errors, pp, proc, graph)
    return list(errors)


def _applies_errors(
    errors: Errors,
    pp: str,
    pid: str,
    proc: Mapping[str, Any],
    covered: dict[tuple[str, str], str],
) -> None:
    subject = proc.get("subject", "kerja_sama")
    applies = proc.get("applies_to") or []
    if subject == "kerja_sama" and not applies:
        errors.add(
            f"{pp}.applies_to", "Proses kerja sama wajib menyebut applies_to (jenis dan subjenis)."
        )
    if subject != "kerja_sama" and applies:
        errors.add(
            f"{pp}.applies_to", f"Proses dengan subject {subject} tidak boleh punya applies_to."
        )
    for i, a in enumerate(applies):
        for j, sub in enumerate(a["subtypes"]):
            if sub not in COOPERATION_SUBTYPES[a["type"]]:
                errors.add(
                    f"{pp}.applies_to[{i}].subtypes[{j}]",
                    f"Subjenis {sub!r} bukan subjenis {a['type']}; pilih dari "
                    f"{', '.join(COOPERATION_SUBTYPES[a['type']])}.",
                )
            elif (a["type"], sub) in covered:
                errors.add(
                    f"{pp}.applies_to[{i}].subtypes[{j}]",
                    f"{a['type']}/{sub} sudah diatur oleh proses {covered[(a['type'], sub)]}; "
                    "satu jenis hanya boleh punya satu proses.",
                )
            else:
                covered[(a["type"], sub)] = pid


class _Graph:
    """A process's stage positions, terminals, valid targets and the edges found so far."""

    def __init__(
        self,
        index: dict[str, int],
        terminals: Mapping[str, Any],
        targets: set[str],
        edges: dict[str, set[str]],
    ) -> None:
        self.index, self.terminals, self.targets, self.edges = index, terminals, targets, edges


def _stage_errors(
    errors: Errors,
    sp: str,
    s: Mapping[str, Any],
    graph: _Graph,
    roles: set[str],
    kinds: Mapping[str, Any],
) -> None:
    sid = s["id"]
    for j, r in enumerate(s["roles"]):
        if r not in roles:
            errors.add(f"{sp}.roles[{j}]", _UNKNOWN_ROLE.format(r))
    for j, d in enumerate(s.get("requires_documents") or ()):
        if d not in kinds:
            errors.add(f"{sp}.requires_documents[{j}]", _UNKNOWN_KIND.format(d))
    if s.get("when") and not s.get("skip_to"):
        errors.add(
            f"{sp}.skip_to", "Tahap bersyarat (when) wajib menyebut skip_to: ke mana bila dilewati."
        )
    if s.get("skip_to"):
        if s["skip_to"] not in graph.targets:
            errors.add(
                f"{sp}.skip_to", f"Tujuan {s['skip_to']!r} tidak ada di stages maupun terminals."
            )
        elif s["skip_to"] == sid:
            errors.add(f"{sp}.skip_to", "skip_to tidak boleh menunjuk tahap itu sendiri.")
        else:
            graph.edges[sid].add(s["skip_to"])
    if not s["actions"]:
        errors.add(
            f"{sp}.actions", "Tahap tanpa tindakan tidak bisa ditinggalkan; tambahkan tindakan."
        )
    action_ids: dict[str, dict[str, Any]] = {}
    for j, a in enumerate(s["actions"]):
        ap = f"{sp}.actions[{j}]"
        if a["id"] in action_ids:
            errors.add(f"{ap}.id", f"Id tindakan {a['id']!r} ganda dalam tahap {sid}.")
        action_ids[a["id"]] = a
        _action_errors(errors, ap, sid, a, graph, roles, kinds)
    for k, d in enumerate(deadlines_of(s)):
        dp = f"{sp}.deadline" + ("" if isinstance(s.get("deadline"), Mapping) else f"[{k}]")
        errors.extend(_deadline_errors(errors.file, dp, d, action_ids, kinds))


def _action_errors(
    errors: Errors,
    ap: str,
    sid: str,
    a: Mapping[str, Any],
    graph: _Graph,
    roles: set[str],
    kinds: Mapping[str, Any],
) -> None:
    for k, r in enumerate(a.get("roles") or ()):
        if r not in roles:
            errors.add(f"{ap}.roles[{k}]", _UNKNOWN_ROLE.format(r))
    for k, d in enumerate(a.get("requires_documents") or ()):
        if d not in kinds:
            errors.add(f"{ap}.requires_documents[{k}]", _UNKNOWN_KIND.format(d))
    input_names = [x["name"] for x in a.get("inputs") or ()]
    for k, x in enumerate(a.get("inputs") or ()):
        if x["type"] == "choice" and not x.get("choices"):
            errors.add(
                f"{ap}.inputs[{k}].choices", "Isian bertipe choice wajib punya daftar choices."
            )
        if input_names.count(x["name"]) > 1 and input_names.index(x["name"]) != k:
            errors.add(f"{ap}.inputs[{k}].name", f"Isian {x['name']!r} ganda.")
    to = a["to"]
    if to not in graph.targets:
        errors.add(f"{ap}.to", f"Tujuan {to!r} tidak ada di stages maupun terminals.")
        return
    graph.edges[sid].add(to)
    reason = _impossible(a["kind"], to, sid, graph.index, graph.terminals)
    if reason:
        errors.add(f"{ap}.to", reason)


def _graph_errors(errors: Errors, pp: str, proc: Mapping[str, Any], graph: _Graph) -> None:
    """Every stage reachable from the start, and a way to a terminal from every stage."""
    stages = proc["stages"]
    start_known = proc["start"] in graph.index
    reachable = _bfs([proc["start"]] if start_known else [], graph.edges)
    for i, s in enumerate(stages):
        if s["id"] not in reachable and start_known:
            errors.add(
                f"{pp}.stages[{i}]",
                f"Tahap {s['id']!r} tidak dapat dicapai dari tahap awal; hubungkan atau hapus.",
            )
    reverse: dict[str, set[str]] = {t: set() for t in graph.targets}
    for src, dsts in graph.edges.items():
        for dst in dsts:
            reverse.setdefault(dst, set()).add(src)
    can_end = _bfs(list(graph.terminals), reverse)
    for i, s in enumerate(stages):
        if s["id"] not in can_end:
            errors.add(
                f"{pp}.stages[{i}]",
                f"Dari tahap {s['id']!r} tidak ada jalan ke tahap akhir (terminals); "
                "tambahkan tindakan yang keluar dari putaran ini.",
            )


def _impossible(
    kind: str, to: str, sid: str, index: Mapping[str, int], terminals: Mapping[str, Any]
) -> str | None:
    if to == sid:
        return "Tindakan tidak boleh kembali ke tahap yang sama; tunjuk tahap lain."
    if kind == "refuse" and to not in terminals:
        return "Tindakan refuse harus berakhir di tahap akhir (terminals)."
    if kind == "return":
        if to in terminals:
            return "Tindakan return harus kembali ke tahap sebelumnya, bukan ke tahap akhir."
        if index[to] > index[sid]:
            return (
                f"Tindakan return harus menunjuk tahap sebelumnya; {to!r} berada sesudah {sid!r}."
            )
    return None


def _deadline_errors(
    file: str,
    dp: str,
    d: Mapping[str, Any],
    actions: Mapping[str, Mapping[str, Any]],
    kinds: Mapping[str, Any],
) -> list[RuleError]:
    errors: list[RuleError] = []
    if d["on_expiry"] in SYSTEM_EXPIRIES:
        act = d.get("action")
        if not act:
            errors.append(
                RuleError(
                    file,
                    f"{dp}.action",
                    f"Tenggat {d['on_expiry']} wajib menyebut tindakan yang diambil sistem.",
                )
            )
        elif act not in actions:
            errors.append(
                RuleError(file, f"{dp}.action", f"Tindakan {act!r} tidak ada pada tahap ini.")
            )
        elif actions[act]["kind"] != "advance":
            errors.append(
                RuleError(
                    file,
                    f"{dp}.action",
                    f"Tindakan {act!r} harus bertipe advance agar proses berlanjut saat tenggat lewat.",
                )
            )
    elif d.get("action"):
        errors.append(
            RuleError(
                file,
                f"{dp}.action",
                f"Tenggat {d['on_expiry']} tidak mengambil tindakan; hapus action.",
            )
        )
    if d.get("flag") and d["on_expiry"] != "expire":
        errors.append(RuleError(file, f"{dp}.flag", "flag hanya untuk on_expiry: expire."))
    starts = d.get("starts", "entered")
    if starts not in STARTS_FIXED:
        kind, _, name = starts.partition(".")
        field = next(
            (f for f in (kinds.get(kind) or {}).get("fields") or () if f["name"] == name), None
        )
        if field is None or field["type"] != "date":
            errors.append(
                RuleError(
                    file,
                    f"{dp}.starts",
                    f"starts {starts!r} harus entered, awal_tahun_berikutnya, atau <jenis dokumen>.<isian tanggal>.",
                )
            )
    return errors


def _bfs(roots: list[str], edges: Mapping[str, set[str]]) -> set[str]:
    seen = set(roots)
    queue = deque(roots)
    while queue:
        node = queue.popleft()
        for nxt in edges.get(node, ()):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen
