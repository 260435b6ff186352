"""The deadline sweep: acts on every due deadline, and sends the reminders that are due.

The deadlines table in PostgreSQL is the source of truth: due rows are taken with
``FOR UPDATE SKIP LOCKED``, each re-checked against the cooperation (locked too) before the
expiry action, so a stage that moved on only closes the deadline; several sweepers may run at
once, and a run that finds nothing changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from sikd.cooperations.actions import apply_decision
from sikd.cooperations.models import Cooperation, CooperationStatus
from sikd.cooperations.notices import notify_reminder
from sikd.cooperations.state import engine_state, rulebook_of, rules_of
from sikd.cooperations.terms import end_terms
from sikd.core import clock
from sikd.core.extensions import db
from sikd.deadlines.models import Deadline, DeadlineStatus
from sikd.deadlines.services import due_rows, reminder_instants, spec_of, upcoming_rows
from sikd.rules.overrides import working_calendar
from sikd.tenancy.scope import system_scope, tenant_scope
from sikd.workflow import engine


@dataclass
class SweepResult:
    fired: list[str] = field(default_factory=list)
    obsolete: int = 0
    reminders: int = 0
    ended: list[str] = field(default_factory=list)  # cooperations whose term ran out


def sweep_deadlines(now: datetime | None = None, batch: int = 100) -> SweepResult:
    """Act on every due deadline as of ``now``; idempotent, safe to run from several workers."""
    now = now or clock.now()
    result = SweepResult()
    with system_scope():
        while True:
            rows = due_rows(now, batch)
            if not rows:
                db.session.commit()
                break
            for row in rows:
                _fire(row, now, result)
            db.session.commit()
        _send_reminders(now, result)
        db.session.commit()
    result.ended = end_terms(now)
    return result


def _fire(row: Deadline, now: datetime, result: SweepResult) -> None:
    coop = db.session.scalar(
        select(Cooperation)
        .where(Cooperation.id == row.cooperation_id)
        .with_for_update(of=Cooperation)
    )
    spec = spec_of(row)
    if coop is None or coop.stage != row.stage or coop.status != CooperationStatus.BERJALAN:
        row.status, row.closed_at = DeadlineStatus.OBSOLETE, now
        result.obsolete += 1
        return
    decision = engine.on_deadline_expired(rulebook_of(coop), engine_state(coop), spec)
    row.status, row.fired_at = DeadlineStatus.FIRED, now
    if decision is None:
        return
    with tenant_scope(coop.tenant_id), system_scope():
        apply_decision(coop, decision, now, user=None, actor_level="system")
    result.fired.append(f"{coop.number}:{row.stage}:{spec.on_expiry}")


def _send_reminders(now: datetime, result: SweepResult) -> None:
    cal = working_calendar()
    for row in upcoming_rows(now):
        coop = db.session.get(Cooperation, row.cooperation_id)
        if coop is None or coop.stage != row.stage:
            continue
        for label, instant in reminder_instants(row, cal, coop.tenant.timezone):
            if label in (row.reminders_sent or []) or now < instant:
                continue
            row.reminders_sent = [*(row.reminders_sent or []), label]
            with tenant_scope(coop.tenant_id):
                notify_reminder(coop, rules_of(coop), row, label, now)
            result.reminders += 1
