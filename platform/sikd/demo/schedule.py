"""When each step of each story happens: working days, office hours, WIB, in the past.

All steps of all stories are put in one chronological order, with the scheduler's weekly
deadline sweep (Monday 07.00 WIB) between them, so every sweep sees the world as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from .errors import DemoDataError
from .stories import Step, Story

WIB = ZoneInfo("Asia/Jakarta")


@dataclass(frozen=True)
class Slot:
    at: datetime
    story: Story | None  # None: the weekly sweep
    step: Step | None


def _weekday(d: date, backwards: bool = False) -> date:
    while d.weekday() >= 5:
        d += timedelta(days=-1 if backwards else 1)
    return d


def instant(d: date, hour: float) -> datetime:
    h, m = int(hour), int(round((hour - int(hour)) * 60))
    return datetime(d.year, d.month, d.day, h, m, tzinfo=WIB).astimezone(UTC)


def place(story: Story, now: datetime) -> list[datetime]:
    """The instant of every step of ``story`` (and its marks' dates in ``story.dates``)."""
    today = now.astimezone(WIB).date()
    steps = story.steps
    if story.end_days_ago is not None:
        day = _weekday(today - timedelta(days=story.end_days_ago), backwards=True)
        days = []
        for step in reversed(steps):
            if step.next_year_on:
                raise DemoDataError(
                    f"{story.file}: {story.label}: langkah {step.number}: next_year_on hanya "
                    "untuk cerita dengan starts_days_ago"
                )
            days.append(day)
            day = _weekday(day - timedelta(days=step.gap), backwards=True)
        days.reverse()
    else:
        day = _weekday(today - timedelta(days=story.start_days_ago or 0))
        days, prev = [], None
        for step in steps:
            if prev is not None:
                day = _weekday(max(step.gap_target(prev), prev))
            days.append(day)
            prev = day
    out: list[datetime] = []
    last: datetime | None = None
    for step, d in zip(steps, days, strict=True):
        at = instant(d, step.hour)
        if last is not None and at <= last:
            at = last + timedelta(minutes=47)
        out.append(at)
        last = at
        if step.mark:
            story.dates[step.mark] = d
    if last is not None and last >= now:
        raise DemoDataError(
            f"{story.file}: {story.label}: cerita berakhir di masa depan ({last}); "
            "kurangi jarak hari (gap) atau mundurkan starts_days_ago"
        )
    return out


def schedule(stories: list[Story], now: datetime) -> list[Slot]:
    """Every step of every story and the weekly sweeps, oldest first."""
    rows: list[tuple[datetime, int, int, Slot]] = []
    for i, story in enumerate(stories):
        for j, (step, at) in enumerate(zip(story.steps, place(story, now), strict=True)):
            rows.append((at, i, j, Slot(at, story, step)))
    if not rows:
        return []
    first = min(row[0] for row in rows).astimezone(WIB).date()
    monday = first + timedelta(days=(7 - first.weekday()) % 7)
    while (at := instant(monday, 7.0)) < now:
        rows.append((at, -1, 0, Slot(at, None, None)))
        monday += timedelta(days=7)
    rows.sort(key=lambda row: (row[0], row[1], row[2]))
    return [row[3] for row in rows]
