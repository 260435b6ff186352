"""A typed, read-only view over a merged rulebook (the plain dict of ``tenants/rules/FORMAT.md``).

This is the one place that knows how the rule structure is laid out: processes with stages and
terminals, actions inside stages, document kinds, persyaratan, objek and regulation names. The
services and every page ask it (``rulebook.stage(...)``, ``rulebook.level_of(...)``) instead of
walking the dict, so a change of the format is a change here. Pure: no database, no Flask.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from .types import RulebookError

# How officials name each level of the route (one wording, used by the engine and the pages).
LEVEL_LABELS = {
    "own": "Pemerintah Daerah pemrakarsa",
    "provinsi": "Gubernur",
    "kemendagri": "Kementerian Dalam Negeri",
    "kemlu": "Kementerian Luar Negeri",
    "partner": "Mitra",
    "system": "Sistem",
}


# The same levels as the engine's refusal messages name them inside a sentence ("dipegang oleh
# ..."): lower case where the name is not a proper noun, and more precise about who holds the
# file. A second table only because that wording is part of messages users and tests rely on.
LEVEL_PHRASES = {
    "own": "pemerintah daerah pemrakarsa",
    "provinsi": "Gubernur (pemerintah provinsi)",
    "kemendagri": "Kementerian Dalam Negeri (Sekretariat Jenderal)",
    "kemlu": "Kementerian Luar Negeri",
    "partner": "mitra kerja sama",
    "system": "sistem",
}

# The short wording of ``sikd rules show`` (one line per stage, seen from the daerah's side).
LEVEL_SHORT = {
    "own": "daerah sendiri",
    "provinsi": "Gubernur (provinsi induk)",
    "kemendagri": "Kemendagri",
    "kemlu": "Kemlu",
    "partner": "daerah mitra",
}


# A regulation key in a basis: PMDN25, PERWAL57 (declared under ``regulations`` in the file).
REGULATION_TOKEN = re.compile(r"\b[A-Z]{2,}[0-9]+\b")


def render_basis(basis: str, regulations: Mapping[str, str]) -> str:
    """``PMDN25 tahap 5`` → ``Permendagri 25/2020 tahap 5``."""
    return REGULATION_TOKEN.sub(lambda m: regulations.get(m.group(0), m.group(0)), basis or "")


def cite_basis(basis: str) -> str:
    """`` (dasar: PMDN25 tahap 5)`` for the end of a message; empty without a basis."""
    return f" (dasar: {basis})" if basis else ""


class Rulebook:
    """Read access to one merged rulebook; cheap to build around the stored dict."""

    __slots__ = ("data",)

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data

    @classmethod
    def of(cls, rulebook: Rulebook | Mapping[str, Any]) -> Rulebook:
        return rulebook if isinstance(rulebook, Rulebook) else cls(rulebook)

    # --- processes and stages ---------------------------------------------------------------

    @property
    def processes(self) -> Mapping[str, Mapping[str, Any]]:
        return self.data.get("processes") or {}

    @property
    def id(self) -> str:
        return self.data.get("id", "")

    def find_process(self, pid: str) -> Mapping[str, Any] | None:
        """The process, or None (``process`` raises instead)."""
        return self.processes.get(pid)

    def covers(self, pid: str, type: str, subtype: str) -> bool:
        """The process runs on this type/subtype; one without ``applies_to`` (pemetaan,
        pengawasan) may run on any cooperation."""
        rules = self.process(pid).get("applies_to")
        if not rules:
            return True
        return any(r.get("type") == type and subtype in (r.get("subtypes") or ()) for r in rules)

    def process_for(self, type: str, subtype: str) -> str | None:
        """The id of the process whose ``applies_to`` covers this type and subtype, if any."""
        for pid, proc in self.processes.items():
            if proc.get("applies_to") and self.covers(pid, type, subtype):
                return pid
        return None

    def applies_to(self, pid: str) -> list[Mapping[str, Any]]:
        return list(self.process(pid).get("applies_to") or ())

    def start_of(self, pid: str) -> Any:
        return self.process(pid).get("start")

    def basis_of(self, pid: str) -> str:
        return self.process(pid).get("basis", "")

    def stage_map(self, pid: str) -> dict[str, Mapping[str, Any]]:
        """Stage id → stage (a later duplicate id wins, as the engine always read it)."""
        return {s["id"]: s for s in self.stages(pid)}

    def process(self, pid: str) -> Mapping[str, Any]:
        proc = self.processes.get(pid)
        if proc is None:
            raise RulebookError(f"proses {pid!r} tidak ada dalam aturan {self.data.get('id')!r}")
        return proc

    def stages(self, pid: str) -> list[Mapping[str, Any]]:
        return list(self.process(pid).get("stages") or ())

    def stage_ids(self, pid: str) -> list[str]:
        return [s["id"] for s in self.stages(pid)]

    def stage(self, pid: str, sid: str | None) -> Mapping[str, Any] | None:
        for stage in self.stages(pid):
            if stage["id"] == sid:
                return stage
        return None

    def terminals(self, pid: str) -> Mapping[str, Any]:
        return self.process(pid).get("terminals") or {}

    def is_terminal(self, pid: str, sid: str) -> bool:
        return sid in self.terminals(pid)

    def action(self, pid: str, sid: str | None, aid: str | None) -> Mapping[str, Any] | None:
        stage = self.stage(pid, sid)
        for action in (stage or {}).get("actions") or ():
            if action["id"] == aid:
                return action
        return None

    def actions(self, pid: str, sid: str) -> list[Mapping[str, Any]]:
        return list((self.stage(pid, sid) or {}).get("actions") or ())

    def level_of(self, pid: str, sid: str | None) -> str:
        stage = self.stage(pid, sid)
        if stage is not None:
            return stage.get("level", "own")
        return (self.terminals(pid).get(sid) or {}).get("level", "own")

    def roles_of(self, pid: str, sid: str | None) -> list[str]:
        return list((self.stage(pid, sid) or {}).get("roles") or ())

    def label_of(self, pid: str, sid: str | None) -> str:
        node = self.stage(pid, sid) or self.terminals(pid).get(sid) or {}
        return node.get("label") or str(sid)

    def action_label(self, pid: str, sid: str | None, aid: str | None) -> str:
        if not aid:
            return ""
        return (self.action(pid, sid, aid) or {}).get("label") or aid

    def deadlines_of(self, pid: str, sid: str) -> list[Mapping[str, Any]]:
        return self.deadlines_in(self.stage(pid, sid) or {})

    @staticmethod
    def actions_in(stage: Mapping[str, Any]) -> list[Mapping[str, Any]]:
        """A stage's actions, in the order the rulebook lists them."""
        return list(stage.get("actions") or ())

    @staticmethod
    def action_in(stage: Mapping[str, Any], aid: str | None) -> Mapping[str, Any] | None:
        """The stage's action with this id (the first, should a rulebook repeat one)."""
        return next((a for a in stage.get("actions") or () if a["id"] == aid), None)

    @staticmethod
    def action_roles(stage: Mapping[str, Any], action: Mapping[str, Any]) -> tuple[str, ...]:
        """Who may take the action: its own roles, else the stage's."""
        return tuple(action.get("roles") or stage.get("roles") or ())

    @staticmethod
    def action_basis(stage: Mapping[str, Any], action: Mapping[str, Any]) -> str:
        return action.get("basis") or stage.get("basis") or ""

    @staticmethod
    def deadlines_in(stage: Mapping[str, Any]) -> list[Mapping[str, Any]]:
        """A stage's deadlines: ``deadline`` given as one mapping or a list of them."""
        raw = stage.get("deadline")
        if raw is None:
            raw = stage.get("deadlines")
        if raw is None:
            return []
        return [raw] if isinstance(raw, Mapping) else list(raw)

    def walk(self) -> Iterator[tuple[str, Mapping[str, Any]]]:
        """Every (process id, stage) in order."""
        for pid in self.processes:
            for stage in self.stages(pid):
                yield pid, stage

    # --- the rest of the book ---------------------------------------------------------------

    def document_kinds(self) -> Mapping[str, Mapping[str, Any]]:
        return self.data.get("document_kinds") or {}

    def has_document_kind(self, kind: str) -> bool:
        return kind in self.document_kinds()

    def document_kind(self, kind: str) -> Mapping[str, Any]:
        return self.document_kinds().get(kind) or {}

    def document_label(self, kind: str) -> str:
        return self.document_kind(kind).get("label") or kind

    def is_letter(self, kind: str) -> bool:
        """A document kind with a nomor surat field is a letter (a decision's carrier)."""
        return any(
            f.get("name") == "nomor_surat" for f in self.document_kind(kind).get("fields") or ()
        )

    def objek(self) -> list[Mapping[str, Any]]:
        return list(self.data.get("objek") or ())

    def persyaratan(self, type_: str | None = None) -> list[Mapping[str, Any]]:
        return [
            p
            for p in self.data.get("persyaratan") or ()
            if type_ is None or not p.get("types") or type_ in p["types"]
        ]

    @property
    def regulations(self) -> Mapping[str, str]:
        return self.data.get("regulations") or {}

    def cite(self, text: str | None) -> str:
        """A basis or message with regulation keys written out (PMDN25 → Permendagri 25/2020)."""
        return render_basis(text or "", self.regulations)
