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
from sikd.cooperations.rollup import refresh_rollup
from sikd.cooperations.state import engine_state, rulebook_of, rules_of
from sikd.cooperations.summary import refresh_summary
from sikd.core import clock
from sikd.core.extensions import db
from sikd.deadlines.models import Deadline, DeadlineStatus
from sikd.deadlines.services import (
    due_candidates,
    reminder_instants,
    spec_of,
)
from sikd.rules.overrides import working_calendar
from sikd.tenancy.scope import system_scope, tenant_scope
from sikd.workflow import engine


@dataclass
class SweepResult:
    fired: list[str] = field(default_factory=list)
    obsolete: int = 0
    reminders: int = 0


def sweep_deadlines(now: datetime | None = None, batch: int = 500) -> SweepResult:
    """Act on every due deadline as of ``now``; idempotent, safe to run from several workers.

    Candidates are read in batches (by due instant, then id); each transition is then its own
    transaction: the deadline row and its cooperation are locked with ``SKIP LOCKED`` and the
    row re-checked as still open, so of two sweepers exactly one applies it, and a user acting
    on the cooperation at that moment is not waited for (the next run takes it)."""
    now = now or clock.now()
    result = SweepResult()
    with system_scope():
        after: tuple[datetime, int] | None = None
        while True:
            candidates = due_candidates(now, batch, after)
            db.session.commit()
            if not candidates:
                break
            # a batch by owner: consecutive transitions share the owner's decoded rulebook
            for deadline_id, _, tenant_id in sorted(candidates, key=lambda c: (c[2], c[1], c[0])):
                # the owner's scope from the start: the transaction sets it once, in after_begin
                with tenant_scope(tenant_id):
                    _fire_one(deadline_id, now, result)
            after = candidates[-1][1], candidates[-1][0]
        _send_reminders(now, result)
        refresh_rollup(now)
        db.session.commit()
    return result


def _fire_one(deadline_id: int, now: datetime, result: SweepResult) -> None:
    """One due deadline in its own transaction (skipped when another holds it or did it)."""
    locked = db.session.execute(
        select(Deadline, Cooperation)
        .join(Cooperation, Cooperation.id == Deadline.cooperation_id)
        .where(
            Deadline.id == deadline_id,
            Deadline.status == DeadlineStatus.OPEN,
            Deadline.due_at < now,
        )
        .with_for_update(of=[Deadline, Cooperation], skip_locked=True)
    ).first()
    if locked is None:
        db.session.rollback()
        return
    try:
        _fire(locked[0], locked[1], now, result)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise


def _fire(row: Deadline, coop: Cooperation, now: datetime, result: SweepResult) -> None:
    spec = spec_of(row)
    if coop.stage != row.stage or coop.status != CooperationStatus.BERJALAN:
        row.status, row.closed_at = DeadlineStatus.OBSOLETE, now
        result.obsolete += 1
        return
    decision = engine.on_deadline_expired(rulebook_of(coop), engine_state(coop), spec)
    row.status, row.fired_at = DeadlineStatus.FIRED, now
    if decision is None:  # nothing happens on expiry: the row no longer counts as next
        refresh_summary(coop, rules_of(coop))
        return
    apply_decision(coop, decision, now, user=None, actor_level="system")
    result.fired.append(f"{coop.number}:{row.stage}:{spec.on_expiry}")


def upcoming_with_cooperations(now: datetime) -> list[tuple[Deadline, Cooperation]]:
    """Open deadlines not yet due with their cooperations (and owners), in one query."""
    rows = db.session.execute(
        select(Deadline, Cooperation)
        .join(Cooperation, Cooperation.id == Deadline.cooperation_id)
        .where(Deadline.status == DeadlineStatus.OPEN, Deadline.due_at >= now)
    )
    return [(row[0], row[1]) for row in rows]


def _send_reminders(now: datetime, result: SweepResult) -> None:
    """Reminders that are due: the upcoming rows with their cooperations in one query, then
    only the rows owing a reminder are locked (``SKIP LOCKED``) and told, one transaction."""
    cal = working_calendar()
    owed = []
    for row, coop in upcoming_with_cooperations(now):
        if coop.stage != row.stage:
            continue
        labels = [
            label
            for label, instant in reminder_instants(row, cal, coop.tenant.timezone)
            if label not in (row.reminders_sent or []) and now >= instant
        ]
        if labels:
            owed.append((row.id, coop, labels))
    db.session.commit()
    for row_id, coop, labels in owed:
        row = db.session.scalar(
            select(Deadline)
            .where(Deadline.id == row_id, Deadline.status == DeadlineStatus.OPEN)
            .with_for_update(skip_locked=True)
        )
        if row is None:
            db.session.rollback()
            continue
        fresh = [label for label in labels if label not in (row.reminders_sent or [])]
        row.reminders_sent = [*(row.reminders_sent or []), *fresh]
        with tenant_scope(coop.tenant_id):
            for label in fresh:
                notify_reminder(coop, rules_of(coop), row, label, now)
                result.reminders += 1
        db.session.commit()
