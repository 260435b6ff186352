"""A deadline that only reminds (Perwal Kota Bekasi 57/2023 Pasal 33(1): the Perangkat Daerah's
periodic report, ``on_expiry: remind`` in the shipped rulebook) changes nothing when it runs
out: the sweep marks it fired, the cooperation stays where it is (stage, version, no stage
event, no audit entry) and its next deadline is the next open one of the stage; a second
sweep finds nothing. The sweep applies such deadlines a batch at a time
(:mod:`sikd.cooperations.sweep_quiet`); these tests watch the row-by-row path (``_fire_one``)
to show which path applied each deadline."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from sikd.audit.models import AuditEntry
from sikd.cooperations import sweep
from sikd.cooperations.models import Cooperation, StageEvent
from sikd.cooperations.sweep import sweep_deadlines
from sikd.core.extensions import db
from sikd.deadlines.models import Deadline, DeadlineStatus
from sikd.tenancy.scope import system_scope
from sikd.testing.domestic import kinds_of, ksdpk_to_pelaksanaan

BEKASI = "32.75"


@pytest.fixture
def row_by_row(monkeypatch) -> list[int]:
    """The deadline ids the row-by-row path was given."""
    seen: list[int] = []
    fire_one = sweep._fire_one

    def watched(deadline_id, now, result):
        seen.append(deadline_id)
        return fire_one(deadline_id, now, result)

    monkeypatch.setattr(sweep, "_fire_one", watched)
    return seen


def _state(cid: int) -> dict:
    db.session.rollback()
    with system_scope():
        coop = db.session.get(Cooperation, cid, populate_existing=True)
        rows = db.session.scalars(
            select(Deadline)
            .where(Deadline.cooperation_id == cid)
            .order_by(Deadline.id)
            .execution_options(populate_existing=True)
        ).all()
        return {
            "stage": coop.stage,
            "version": coop.version,
            "next_due": (coop.next_due_at, coop.next_due_unit),
            "deadlines": {
                r.id: (r.status, r.spec.get("on_expiry"), r.due_at, r.fired_at, r.closed_at)
                for r in rows
                if r.jadwal is None
            },
            "events": db.session.scalar(
                select(func.count()).where(StageEvent.cooperation_id == cid)
            ),
            "audit": db.session.scalar(
                select(func.count()).where(
                    AuditEntry.object_type == "cooperation", AuditEntry.object_id == str(cid)
                )
            ),
        }


def _open_reminders(state: dict) -> list[tuple[int, object]]:
    return sorted(
        ((i, d[2]) for i, d in state["deadlines"].items() if d[0] == "open" and d[1] == "remind"),
        key=lambda p: (p[1], p[0]),
    )


def test_periodic_report_reminder_runs_out_quietly_pasal_33_1(cast, app_ctx, row_by_row):
    cid = ksdpk_to_pelaksanaan(cast, BEKASI, kinds_of(BEKASI), date.today())
    before = _state(cid)
    reminders = _open_reminders(before)
    assert reminders, "the rulebook opens the Pasal 33(1) report as a reminder"
    first_id, first_due = reminders[0]
    open_rows = [(d[2], i) for i, d in before["deadlines"].items() if d[0] == "open"]
    assert before["next_due"][0] == min(open_rows)[0] == first_due

    now = first_due + timedelta(minutes=1)
    later = sorted((due, i) for due, i in open_rows if due > first_due)
    assert all(due > now for due, _ in later)
    sweep_deadlines(now)

    after = _state(cid)
    status, _, _, fired_at, closed_at = after["deadlines"][first_id]
    assert (status, fired_at, closed_at) == (DeadlineStatus.FIRED, now, None)
    assert first_id not in row_by_row  # applied with the batch, not row by row
    assert (after["stage"], after["version"]) == (before["stage"], before["version"])
    assert after["events"] == before["events"] and after["audit"] == before["audit"]
    if later:
        with system_scope():
            unit = db.session.get(Deadline, later[0][1]).spec.get("unit")
        assert after["next_due"] == (later[0][0], unit)
    else:
        assert after["next_due"] == (None, None)

    # nothing is left to do: a second run changes nothing
    sweep_deadlines(now)
    assert _state(cid) == after


def test_reminder_left_at_another_stage_is_obsolete(cast, app_ctx, row_by_row):
    """A reminder still open at a stage the cooperation is not at (here its row is moved to
    another stage) is obsolete, not fired; the cooperation is not touched."""
    cid = ksdpk_to_pelaksanaan(cast, BEKASI, kinds_of(BEKASI), date.today())
    reminder_id, due = _open_reminders(_state(cid))[0]
    with system_scope():
        db.session.get(Deadline, reminder_id).stage = "penandatanganan"
        db.session.commit()
    before = _state(cid)
    now = due + timedelta(minutes=1)
    result = sweep_deadlines(now)
    after = _state(cid)
    status, _, _, fired_at, closed_at = after["deadlines"][reminder_id]
    assert (status, fired_at, closed_at) == (DeadlineStatus.OBSOLETE, None, now)
    assert reminder_id not in row_by_row and result.obsolete == 1
    assert (after["stage"], after["version"], after["next_due"]) == (
        before["stage"],
        before["version"],
        before["next_due"],
    )
    assert after["events"] == before["events"] and after["audit"] == before["audit"]


def test_reminder_after_a_deadline_that_acts_waits_for_it(cast, app_ctx, row_by_row):
    """A stage may hold several deadlines. When one that acts (here an ``expire``, which flags
    the cooperation) falls due no later than a reminder of the same cooperation, the reminder
    is left to the row-by-row path, which applies them in due order."""
    cid = ksdpk_to_pelaksanaan(cast, BEKASI, kinds_of(BEKASI), date.today())
    (acting_id, acting_due), (reminder_id, due) = _open_reminders(_state(cid))[:2]
    with system_scope():
        row = db.session.get(Deadline, acting_id)
        row.spec = {**row.spec, "on_expiry": "expire", "flag": "dormant"}
        db.session.commit()
    sweep_deadlines(due + timedelta(minutes=1))
    assert row_by_row.index(acting_id) < row_by_row.index(reminder_id)
    after = _state(cid)
    assert after["deadlines"][reminder_id][0] == DeadlineStatus.FIRED
    with system_scope():
        assert "dormant" in db.session.get(Cooperation, cid).flags
    assert acting_due <= due
