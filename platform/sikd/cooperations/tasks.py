"""The periodic deadline sweep (the source of truth is the deadlines table in PostgreSQL)."""

from __future__ import annotations

from sikd.core.jobs import app_context


def sweep_job() -> dict[str, object]:
    from sikd.cooperations.sweep import sweep_deadlines

    with app_context():
        result = sweep_deadlines()
        return {"fired": result.fired, "obsolete": result.obsolete, "reminders": result.reminders}
