"""The periodic schedule: what runs by itself, and how often."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sikd.cooperations import tasks as cooperation_tasks
from sikd.core import tasks as core_tasks
from sikd.documents import tasks as document_tasks
from sikd.notifications import tasks as notification_tasks


@dataclass(frozen=True)
class Periodic:
    func: Callable[..., object]
    queue: str
    interval_seconds: int
    name: str


def schedule() -> list[Periodic]:
    return [
        Periodic(core_tasks.heartbeat, "default", 60, "heartbeat"),
        Periodic(cooperation_tasks.sweep_job, "deadlines", 60, "deadline-sweep"),
        Periodic(document_tasks.cleanup_orphans_job, "documents", 3600, "orphan-cleanup"),
        # Postgres holds what is undelivered; these enqueue it again after a grace period
        Periodic(notification_tasks.relay_pending_emails, "notifications", 300, "email-relay"),
        Periodic(document_tasks.relay_pending_letters, "documents", 300, "letter-relay"),
    ]
