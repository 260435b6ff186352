"""The periodic schedule: what runs by itself, and how often."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sikd_workers import deadlines, documents, jobs


@dataclass(frozen=True)
class Periodic:
    func: Callable[..., object]
    queue: str
    interval_seconds: int
    name: str


def schedule() -> list[Periodic]:
    return [
        Periodic(jobs.heartbeat, "default", 60, "heartbeat"),
        Periodic(deadlines.sweep_job, "deadlines", 60, "deadline-sweep"),
        Periodic(documents.cleanup_orphans_job, "documents", 3600, "orphan-cleanup"),
    ]
