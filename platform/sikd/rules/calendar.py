"""The Indonesian working-day calendar used for every deadline.

Working day (``hari kerja``): Monday to Friday, not a national public holiday and, when the
setting is on (default), not a *cuti bersama* day. Holidays come from the ``holidays`` package
(country ``ID``): category ``public`` holds the national holidays, category ``government``
holds cuti bersama. An override table corrects the package per date, each row naming the decree
it comes from: ``(date, True, decree)`` adds a holiday, ``(date, False, decree)`` removes one
(e.g. a cancelled cuti bersama). Overrides change holiday status only; Saturday and Sunday are
never working days.

Units: ``hari`` are calendar days; ``hari_kerja`` counts working days after the start date;
``bulan``/``tahun`` move the calendar date (31 Jan + 1 bulan = 28/29 Feb; 29 Feb + 1 tahun =
28 Feb). A deadline in ``hari`` that ends on a holiday is not moved.

**The due-instant rule** (one rule for all deadlines): take the local date of the event in the
tenant's timezone (WIB Asia/Jakarta, WITA Asia/Makassar, WIT Asia/Jayapura); count ``amount``
units after that date with :meth:`WorkingCalendar.add_days`; the deadline ends at the end of
that day, 23:59:59.999999 local time, returned in UTC. The event day itself is never counted.

``WorkingCalendar.version`` identifies the calendar data (package version, cuti bersama
setting, hash of the override set); store it with each computed deadline.
"""

from __future__ import annotations

import calendar as _cal
import hashlib
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

TIMEZONES = {"WIB": "Asia/Jakarta", "WITA": "Asia/Makassar", "WIT": "Asia/Jayapura"}
UNITS = ("hari", "hari_kerja", "bulan", "tahun")

Override = tuple[date, bool, str]


@lru_cache(maxsize=256)
def _package_holidays(year: int, cuti_bersama: bool) -> dict[date, str]:
    categories = ("public", "government") if cuti_bersama else ("public",)
    return dict(holidays.country_holidays("ID", years=year, categories=categories, language="id"))


def _add_months(start: date, months: int) -> date:
    total = start.year * 12 + (start.month - 1) + months
    year, month = divmod(total, 12)
    month += 1
    day = min(start.day, _cal.monthrange(year, month)[1])
    return date(year, month, day)


class WorkingCalendar:
    def __init__(self, cuti_bersama: bool = True, overrides: Iterable[Override] = ()):
        self.cuti_bersama = cuti_bersama
        self._overrides: dict[date, tuple[bool, str]] = {}
        for day, is_holiday, decree in overrides:
            if not isinstance(day, date) or isinstance(day, datetime):
                raise ValueError(f"Tanggal pengecualian harus berupa date, bukan {day!r}.")
            if not decree or not str(decree).strip():
                raise ValueError(
                    f"Pengecualian {day.isoformat()} wajib menyebut keputusan yang menjadi dasarnya."
                )
            self._overrides[day] = (bool(is_holiday), str(decree).strip())

    @property
    def overrides(self) -> list[Override]:
        return [(d, h, k) for d, (h, k) in sorted(self._overrides.items())]

    @property
    def version(self) -> str:
        rows = "\n".join(f"{d.isoformat()}|{int(h)}|{k}" for d, h, k in self.overrides)
        digest = hashlib.sha256(rows.encode("utf-8")).hexdigest()[:12]
        return f"holidays-{holidays.__version__};ID;cuti_bersama={'on' if self.cuti_bersama else 'off'};overrides={digest}"

    def holiday_name(self, day: date) -> str | None:
        """The holiday's name (with the decree for an override), or None on a normal day."""
        if day in self._overrides:
            is_holiday, decree = self._overrides[day]
            return f"Libur menurut {decree}" if is_holiday else None
        return _package_holidays(day.year, self.cuti_bersama).get(day)

    def is_holiday(self, day: date) -> bool:
        return self.holiday_name(day) is not None

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and not self.is_holiday(day)

    def add_days(self, start_date: date, n: int, unit: str = "hari_kerja") -> date:
        """The date ``n`` units after ``start_date`` (the start date itself is not counted)."""
        if isinstance(start_date, datetime):
            start_date = start_date.date()
        if n < 0:
            raise ValueError("Jumlah hari tidak boleh negatif.")
        if unit == "hari":
            return start_date + timedelta(days=n)
        if unit == "hari_kerja":
            day, left = start_date, n
            while left:
                day += timedelta(days=1)
                if self.is_working_day(day):
                    left -= 1
            return day
        if unit == "bulan":
            return _add_months(start_date, n)
        if unit == "tahun":
            return _add_months(start_date, 12 * n)
        raise ValueError(
            f"Satuan {unit!r} tidak dikenal; gunakan salah satu dari {', '.join(UNITS)}."
        )

    def due_instant(
        self, event_instant_utc: datetime, amount: int, unit: str, timezone: str
    ) -> datetime:
        """End of the ``amount``-th unit after the event's local date, as an aware UTC datetime."""
        if event_instant_utc.tzinfo is None:
            raise ValueError("Waktu kejadian harus memuat zona waktu (aware datetime, UTC).")
        zone = ZoneInfo(TIMEZONES[timezone]) if timezone in TIMEZONES else None
        if zone is None:
            raise ValueError(f"Zona waktu {timezone!r} tidak dikenal; gunakan WIB, WITA, atau WIT.")
        local_date = event_instant_utc.astimezone(zone).date()
        due_date = self.add_days(local_date, amount, unit)
        return datetime.combine(due_date, time.max, tzinfo=zone).astimezone(UTC)

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end``."""
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            count += self.is_working_day(day)
        return count
