"""The working-day calendar (DOMAIN §9): national holidays, cuti bersama, overrides, time zones."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sikd.rules import WorkingCalendar

CAL = WorkingCalendar()
NO_CUTI = WorkingCalendar(cuti_bersama=False)


def test_5_hari_kerja_from_16_march_2026_skips_nyepi_idulfitri_and_cuti_bersama():
    assert CAL.add_days(date(2026, 3, 16), 5, "hari_kerja") == date(2026, 3, 30)


def test_without_cuti_bersama_the_due_date_is_earlier():
    assert NO_CUTI.add_days(date(2026, 3, 16), 5, "hari_kerja") == date(2026, 3, 24)
    assert NO_CUTI.is_working_day(date(2026, 3, 18))  # Cuti Bersama Nyepi
    assert not NO_CUTI.is_working_day(date(2026, 3, 19))  # Hari Suci Nyepi itself


def test_45_hari_kerja_dprd_deadline_is_later_than_45_hari_pasal_65():
    start = date(2026, 2, 2)
    assert CAL.add_days(start, 45, "hari") == date(2026, 3, 19)
    assert CAL.add_days(start, 45, "hari_kerja") > date(2026, 4, 1)


def test_hari_are_calendar_days_even_ending_on_a_holiday():
    assert CAL.add_days(date(2026, 3, 14), 5, "hari") == date(2026, 3, 19)


def test_bulan_and_tahun_clamp_to_month_end():
    assert CAL.add_days(date(2026, 1, 31), 1, "bulan") == date(2026, 2, 28)
    assert CAL.add_days(date(2024, 2, 29), 1, "tahun") == date(2025, 2, 28)
    assert CAL.add_days(date(2026, 9, 15), 6, "bulan") == date(2027, 3, 15)


def test_override_adds_and_removes_holidays_with_their_decree():
    cal = WorkingCalendar(
        overrides=[
            (date(2026, 3, 17), True, "Keppres 1/2026 (uji)"),
            (date(2026, 3, 18), False, "SKB 3 Menteri perubahan (uji)"),
        ]
    )
    assert not cal.is_working_day(date(2026, 3, 17))
    assert "Keppres 1/2026" in cal.holiday_name(date(2026, 3, 17))
    assert cal.is_working_day(date(2026, 3, 18))
    assert cal.add_days(date(2026, 3, 16), 1, "hari_kerja") == date(2026, 3, 18)


def test_override_never_makes_a_weekend_a_working_day():
    cal = WorkingCalendar(overrides=[(date(2026, 3, 21), False, "uji")])
    assert not cal.is_working_day(date(2026, 3, 21))


def test_override_without_decree_is_refused():
    with pytest.raises(ValueError, match="keputusan"):
        WorkingCalendar(overrides=[(date(2026, 3, 17), True, "")])


def test_version_identifies_the_calendar_data():
    assert CAL.version != NO_CUTI.version
    with_override = WorkingCalendar(overrides=[(date(2026, 3, 17), True, "Keppres 1/2026 (uji)")])
    assert with_override.version != CAL.version
    assert WorkingCalendar().version == CAL.version
    assert "holidays-" in CAL.version


def test_due_instant_ends_at_local_midnight_of_the_nth_day():
    # 2026-03-16 20:00 UTC is already 17 March 03:00 WIB: the local date is the 17th
    event = datetime(2026, 3, 16, 20, 0, tzinfo=UTC)
    due = CAL.due_instant(event, 5, "hari", "WIB")
    assert due == datetime(2026, 3, 22, 16, 59, 59, 999999, tzinfo=UTC)
    assert due.tzinfo is UTC


def test_due_instant_respects_wit_and_wita():
    event = datetime(2026, 5, 4, 1, 0, tzinfo=UTC)
    assert CAL.due_instant(event, 0, "hari", "WIT") == datetime(
        2026, 5, 4, 14, 59, 59, 999999, tzinfo=UTC
    )
    assert CAL.due_instant(event, 0, "hari", "WITA") == datetime(
        2026, 5, 4, 15, 59, 59, 999999, tzinfo=UTC
    )


def test_due_instant_refuses_naive_time_and_unknown_zone():
    with pytest.raises(ValueError, match="zona waktu"):
        CAL.due_instant(datetime(2026, 1, 1), 1, "hari", "WIB")
    with pytest.raises(ValueError, match="WIB, WITA, atau WIT"):
        CAL.due_instant(datetime(2026, 1, 1, tzinfo=UTC), 1, "hari", "UTC")


def test_unknown_unit_is_refused_in_indonesian():
    with pytest.raises(ValueError, match="Satuan"):
        CAL.add_days(date(2026, 1, 1), 1, "minggu")


dates = st.dates(min_value=date(2024, 1, 1), max_value=date(2029, 12, 31))
counts = st.integers(min_value=0, max_value=60)


@settings(max_examples=150, deadline=None)
@given(dates, st.integers(min_value=1, max_value=60), st.booleans())
def test_adding_working_days_never_lands_on_weekend_or_holiday(start, n, cuti):
    cal = CAL if cuti else NO_CUTI
    due = cal.add_days(start, n, "hari_kerja")
    assert due.weekday() < 5
    assert not cal.is_holiday(due)
    assert cal.working_days_between(start, due) == n


@settings(max_examples=150, deadline=None)
@given(dates, counts, counts)
def test_adding_working_days_is_monotonic(start, a, b):
    lo, hi = sorted((a, b))
    assert CAL.add_days(start, lo, "hari_kerja") <= CAL.add_days(start, hi, "hari_kerja")


@settings(max_examples=150, deadline=None)
@given(dates, counts)
def test_hari_never_later_than_hari_kerja(start, n):
    assert CAL.add_days(start, n, "hari") <= CAL.add_days(start, n, "hari_kerja")


@settings(max_examples=100, deadline=None)
@given(dates, st.integers(min_value=1, max_value=30))
def test_cuti_bersama_off_is_never_later(start, n):
    assert NO_CUTI.add_days(start, n, "hari_kerja") <= CAL.add_days(start, n, "hari_kerja")


@settings(max_examples=100, deadline=None)
@given(
    st.datetimes(
        min_value=datetime(2024, 1, 1), max_value=datetime(2029, 12, 1), timezones=st.just(UTC)
    ),
    counts,
)
def test_due_instant_is_after_the_event(event, n):
    due = CAL.due_instant(event, n, "hari_kerja", "WIT")
    assert due > event
    assert (due + timedelta(microseconds=1)).astimezone(UTC) > event
