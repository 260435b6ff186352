"""The operator-editable calendar override table (a date added or removed, with its decree)."""

from __future__ import annotations

from datetime import date, datetime

from flask import current_app
from sqlalchemy import Boolean, Date, DateTime, Integer, String, func, select
from sqlalchemy.orm import Mapped, mapped_column

from sikd.core.extensions import db
from sikd.rules.calendar import WorkingCalendar


class CalendarOverride(db.Model):
    """Not tenant-owned: the national working-day calendar is the same for every tenant."""

    __tablename__ = "calendar_overrides"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True, nullable=False)
    is_holiday: Mapped[bool] = mapped_column(Boolean, nullable=False)
    decree: Mapped[str] = mapped_column(String(300), nullable=False)
    created_by: Mapped[str] = mapped_column(String(200), nullable=False, default="operator")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


def load_overrides() -> list[tuple[date, bool, str]]:
    rows = db.session.execute(
        select(CalendarOverride.day, CalendarOverride.is_holiday, CalendarOverride.decree)
    )
    return [(r.day, r.is_holiday, r.decree) for r in rows]


def set_override(
    day: date, is_holiday: bool, decree: str, by: str = "operator"
) -> CalendarOverride:
    if not decree or not decree.strip():
        raise ValueError(
            "Sebutkan keputusan (mis. SKB 3 Menteri) yang menjadi dasar perubahan tanggal ini."
        )
    row = db.session.scalar(select(CalendarOverride).where(CalendarOverride.day == day))
    if row is None:
        row = CalendarOverride(day=day, is_holiday=is_holiday, decree=decree.strip(), created_by=by)
        db.session.add(row)
    else:
        row.is_holiday, row.decree, row.created_by = is_holiday, decree.strip(), by
    db.session.commit()
    return row


def remove_override(day: date) -> bool:
    row = db.session.scalar(select(CalendarOverride).where(CalendarOverride.day == day))
    if row is None:
        return False
    db.session.delete(row)
    db.session.commit()
    return True


def working_calendar() -> WorkingCalendar:
    """The calendar in force: public holidays, cuti bersama as configured, operator overrides."""
    settings = current_app.config["SIKD_SETTINGS"]
    return WorkingCalendar(
        cuti_bersama=settings.cuti_bersama_is_workday_off, overrides=load_overrides()
    )
