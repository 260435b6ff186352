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

from sqlalchemy import select, tuple_

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


def _of(coop_id: int, tenant_id: int | None):
    """Rows of one cooperation; with its owner the (tenant_id, cooperation_id) index answers
    (the grant in the row-level policy keeps the planner from inferring the tenant)."""
    where = [Deadline.cooperation_id == coop_id]
    if tenant_id is not None:
        where.append(owned_by(Deadline, tenant_id))
    return select(Deadline).where(*where)


def close_deadlines(
    coop_id: int, stages: Iterable[str], now: datetime, tenant_id: int | None = None
) -> None:
    stages = list(stages)
    if not stages:
        return
    for row in db.session.scalars(
        _of(coop_id, tenant_id).where(
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


def due_candidates(
    now: datetime, batch: int, after: tuple[int, datetime, int] | None = None
) -> list[tuple[int, datetime, int]]:
    """``(id, due_at, tenant_id)`` of open deadlines due before ``now``, by owner and then oldest
    first, after the keyset ``(tenant_id, due_at, id)`` of the previous batch; not locked (each
    is locked when acted on). By owner, so a sweep decodes each daerah's rulebook once (every
    daerah has its own, ~90 KB of JSON) instead of once per batch it appears in."""
    query = select(Deadline.id, Deadline.due_at, Deadline.tenant_id).where(
        Deadline.status == DeadlineStatus.OPEN, Deadline.due_at < now
    )
    if after is not None:
        query = query.where(
            tuple_(Deadline.tenant_id, Deadline.due_at, Deadline.id) > tuple_(*after)
        )
    rows = db.session.execute(
        query.order_by(Deadline.tenant_id, Deadline.due_at, Deadline.id).limit(batch)
    )
    return [(row.id, row.due_at, row.tenant_id) for row in rows]


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


def deadlines_of(coop_id: int, tenant_id: int | None = None) -> list[Deadline]:
    return list(db.session.scalars(_of(coop_id, tenant_id).order_by(Deadline.due_at)))
