"""Date arithmetic done once: months and years (clamped to the month's end), working-day steps."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` (negative goes back); 31 January + 1 month is 28/29 February."""
    return day + relativedelta(months=months)


def add_span(day: date, amount: int, unit: str) -> date:
    """``day`` plus ``amount`` ``hari``/``bulan``/``tahun`` (negative goes back)."""
    if unit == "hari":
        return day + timedelta(days=amount)
    if unit == "bulan":
        return add_months(day, amount)
    if unit == "tahun":
        return add_months(day, 12 * amount)
    raise ValueError(f"Satuan {unit!r} tidak dikenal; gunakan hari, bulan, atau tahun.")


def step_working_days(day: date, n: int, is_working_day: Callable[[date], bool]) -> date:
    """The ``n``-th working day after ``day`` (before it when ``n`` is negative); ``day`` itself
    is not counted."""
    step = timedelta(days=1 if n >= 0 else -1)
    left = abs(n)
    while left:
        day += step
        if is_working_day(day):
            left -= 1
    return day
