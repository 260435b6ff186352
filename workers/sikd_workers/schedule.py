"""The periodic schedule: what runs by itself, and how often."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sikd_workers import jobs


@dataclass(frozen=True)
class Periodic:
    func: Callable[..., object]
    queue: str
    interval_seconds: int
    name: str


def schedule() -> list[Periodic]:
    entries = [Periodic(jobs.heartbeat, "default", 60, "heartbeat")]
    try:  # feature areas add their periodic jobs here as they land
        from sikd_workers import deadlines
    except ImportError:
        deadlines = None
    if deadlines is not None:
        entries.append(Periodic(deadlines.sweep_job, "deadlines", 60, "deadline-sweep"))
    try:
        from sikd_workers import documents
    except ImportError:
        documents = None
    if documents is not None:
        entries.append(Periodic(documents.cleanup_orphans_job, "documents", 3600, "orphan-cleanup"))
    return entries
