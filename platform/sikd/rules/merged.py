"""A tenant's merged rulebook (national → provinsi → kab/kota) and where each rule came from.

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
from typing import Any

from sikd.workflow.rulebook import Rulebook, render_basis

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
        stage = (
            Rulebook(self.data).stage(process, stage_id)
            if process in self.data["processes"]
            else None
        )
        if stage is None:
            raise KeyError(f"{process}.{stage_id}")
        return stage


def content_hash(merged: MergedRulebook | Mapping[str, Any]) -> str:
    """sha256 of the canonical JSON of the merged rulebook (sorted keys, no spaces)."""
    data = merged.data if isinstance(merged, MergedRulebook) else merged
    canonical = json.dumps(
        data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
