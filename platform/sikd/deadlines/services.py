"""Deadline rows: opened with the stage change that starts them, closed when the stage is left,
reminded before they fall due. The sweep that fires them lives with the actions
(:mod:`sikd.cooperations.sweep`), because firing a deadline is a cooperation action.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from sikd.core.dates import add_span, step_working_days
from sikd.core.extensions import db
from sikd.deadlines.models import Deadline, DeadlineStatus
from sikd.rules.calendar import WorkingCalendar
from sikd.tenancy.models import TIMEZONES
from sikd.tenancy.scope import owned_by
from sikd.workflow.types import DeadlineSpec, Reminder

# Every deadline reminds its holder one working day before and on the day; the rulebook's
# own reminders come on top.
DEFAULT_REMINDERS = ({"before": 1, "unit": "hari_kerja"}, {"before": 0, "unit": "hari_kerja"})

# ``field_of(kind, field)``: the value of a field of the cooperation's current document of a kind
FieldLookup = Callable[[str, str], Any]


def as_date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value.date() if isinstance(value, datetime) else value
    return date.fromisoformat(str(value)[:10])


def jsonable(data: dict[str, Any] | None) -> dict[str, Any]:
    out = {}
    for key, value in (data or {}).items():
        out[key] = value.isoformat() if isinstance(value, date | datetime) else value
    return out


def _start(coop: Any, spec: DeadlineSpec, now: datetime, field_of: FieldLookup):
    zone = ZoneInfo(TIMEZONES[coop.tenant.timezone])
    if spec.starts in ("entered", "", None):
        return now
    if spec.starts == "awal_tahun_berikutnya":
        # 1 January of the year after the stage was entered: "+6 hari" ends 7 January
        return datetime(now.astimezone(zone).year + 1, 1, 1, 12, tzinfo=zone)
    kind, _, field_name = spec.starts.partition(".")
    value = as_date(field_of(kind, field_name))
    if value is None:
        return None
    # a date field starts at noon local time on that date, so the local date is unambiguous
    return datetime(value.year, value.month, value.day, 12, tzinfo=zone)


def open_deadlines(
    coop: Any,
    specs: Iterable[DeadlineSpec],
    now: datetime,
    cal: WorkingCalendar,
    field_of: FieldLookup,
) -> list[Deadline]:
    """A row per spec whose starting date is known; a spec counting from a date not yet
    recorded (a term end before the naskah is uploaded) has nothing to chase yet."""
    opened = []
    for spec in specs:
        start = _start(coop, spec, now, field_of)
        if start is None:
            continue
        due = cal.due_instant(
            start.astimezone(now.tzinfo), spec.amount, spec.unit, coop.tenant.timezone
        )
        row = Deadline(
            tenant_id=coop.tenant_id,
            cooperation_id=coop.id,
            stage=spec.stage,
            spec=jsonable(asdict(spec)),
            starts_at=start,
            due_at=due,
            calendar_version=cal.version,
            status=DeadlineStatus.OPEN,
            reminders_sent=[],
        )
        db.session.add(row)
        opened.append(row)
    if opened:
        db.session.flush()
    return opened


def close_deadlines(coop_id: int, stages: Iterable[str], now: datetime) -> None:
    stages = list(stages)
    if not stages:
        return
    for row in db.session.scalars(
        select(Deadline).where(
            Deadline.cooperation_id == coop_id,
            Deadline.status == DeadlineStatus.OPEN,
            Deadline.stage.in_(stages),
        )
    ):
        row.status = DeadlineStatus.CLOSED
        row.closed_at = now


def spec_of(row: Deadline) -> DeadlineSpec:
    data = dict(row.spec)
    data["reminders"] = tuple(Reminder(**r) for r in data.get("reminders") or ())
    return DeadlineSpec(**data)


def due_rows(now: datetime, batch: int) -> list[Deadline]:
    """Open deadlines due before ``now``, locked; rows another sweeper holds are skipped."""
    return list(
        db.session.scalars(
            select(Deadline)
            .where(Deadline.status == DeadlineStatus.OPEN, Deadline.due_at < now)
            .order_by(Deadline.due_at)
            .limit(batch)
            .with_for_update(skip_locked=True)
        )
    )


def upcoming_rows(now: datetime) -> list[Deadline]:
    """Open deadlines not yet due, locked, for their reminders."""
    return list(
        db.session.scalars(
            select(Deadline)
            .where(Deadline.status == DeadlineStatus.OPEN, Deadline.due_at >= now)
            .with_for_update(skip_locked=True)
        )
    )


def reminder_instants(row: Deadline, cal: WorkingCalendar, tz: str) -> list[tuple[str, datetime]]:
    """(label, instant) of each reminder of the row: 07:00 local on the day it is due."""
    zone = ZoneInfo(TIMEZONES[tz])
    due_local = row.due_at.astimezone(zone).date()
    out = []
    seen: set[tuple[int, str]] = set()
    for r in [*DEFAULT_REMINDERS, *(row.spec.get("reminders") or ())]:
        before, unit = int(r.get("before", 0)), r.get("unit", "hari_kerja")
        if (before, unit) in seen:
            continue
        seen.add((before, unit))
        if unit == "hari_kerja":
            day = step_working_days(due_local, -before, cal.is_working_day)
        else:
            day = add_span(due_local, -before, unit)
        out.append((f"{before}{unit}", datetime(day.year, day.month, day.day, 7, tzinfo=zone)))
    return out


def open_due_at(coop_ids: Iterable[int], stage_of: dict[int, str]) -> dict[int, datetime]:
    """The earliest open deadline of each cooperation's current stage, in one query."""
    ids = list(coop_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(Deadline.cooperation_id, Deadline.stage, Deadline.due_at)
        .where(Deadline.cooperation_id.in_(ids), Deadline.status == DeadlineStatus.OPEN)
        .order_by(Deadline.due_at)
    )
    out: dict[int, datetime] = {}
    for coop_id, stage, due in rows:
        if stage == stage_of.get(coop_id) and coop_id not in out:
            out[coop_id] = due
    return out


def deadlines_of(coop_id: int, tenant_id: int) -> list[Deadline]:
    """The deadlines of a cooperation the caller may see (owner's tenant and its id)."""
    return list(
        db.session.scalars(
            select(Deadline)
            .where(owned_by(Deadline, tenant_id), Deadline.cooperation_id == coop_id)
            .order_by(Deadline.due_at)
        )
    )
