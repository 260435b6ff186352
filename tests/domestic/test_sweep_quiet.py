"""A deadline that only reminds (Perwal Kota Bekasi 57/2023 Pasal 33(1): the Perangkat Daerah's
periodic report, ``on_expiry: remind`` in the shipped rulebook) changes nothing when it runs
out: the sweep marks it fired, the cooperation stays where it is (stage, version, no stage
event, no audit entry) and its next deadline is the next open one of the stage; a second
sweep finds nothing. The sweep applies such deadlines a batch at a time
(:mod:`sikd.cooperations.sweep_quiet`), so this checks that path against the rule."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from sikd.audit.models import AuditEntry
from sikd.cooperations.models import Cooperation, StageEvent
from sikd.cooperations.sweep import sweep_deadlines
from sikd.core.extensions import db
from sikd.deadlines.models import Deadline, DeadlineStatus
from sikd.tenancy.scope import system_scope
from sikd.testing.domestic import kinds_of, ksdpk_to_pelaksanaan

BEKASI = "32.75"
WIB = ZoneInfo("Asia/Jakarta")


def _state(cid: int) -> dict:
    db.session.rollback()
    with system_scope():
        coop = db.session.get(Cooperation, cid)
        rows = db.session.scalars(
            select(Deadline).where(Deadline.cooperation_id == cid).order_by(Deadline.id)
        ).all()
        return {
            "stage": coop.stage,
            "version": coop.version,
            "next_due_at": coop.next_due_at,
            "deadlines": {r.id: (r.status, r.spec.get("on_expiry"), r.due_at) for r in rows},
            "events": db.session.scalar(
                select(func.count()).where(StageEvent.cooperation_id == cid)
            ),
            "audit": db.session.scalar(
                select(func.count()).where(
                    AuditEntry.object_type == "cooperation", AuditEntry.object_id == str(cid)
                )
            ),
        }


def test_periodic_report_reminder_runs_out_quietly_pasal_33_1(cast, app_ctx):
    kinds, today = kinds_of(BEKASI), date.today()
    cid = ksdpk_to_pelaksanaan(cast, BEKASI, kinds, today)
    before = _state(cid)
    periodic = [
        (i, due)
        for i, (status, how, due) in before["deadlines"].items()
        if status == DeadlineStatus.OPEN and how == "remind"
    ]
    assert periodic, "the rulebook opens the Pasal 33(1) report as a reminder"
    first_id, first_due = min(periodic, key=lambda p: p[1])
    assert before["next_due_at"] == min(
        due for status, _, due in before["deadlines"].values() if status == DeadlineStatus.OPEN
    )

    # just after the first reminder-only deadline ran out, before any other one
    later = [
        due for _, (s, _, due) in before["deadlines"].items() if s == "open" and due > first_due
    ]
    now = first_due + timedelta(minutes=1)
    assert all(due > now for due in later)
    result = sweep_deadlines(now)

    after = _state(cid)
    assert after["deadlines"][first_id][0] == DeadlineStatus.FIRED
    assert (after["stage"], after["version"]) == (before["stage"], before["version"])
    assert after["events"] == before["events"] and after["audit"] == before["audit"]
    assert after["next_due_at"] == (min(later) if later else None)
    assert not [f for f in result.fired if f.endswith(":remind")]  # no transition

    # nothing is left to do: a second run changes nothing
    sweep_deadlines(now)
    assert _state(cid) == after


def test_quiet_expiry_of_a_stage_left_behind_is_obsolete(cast, app_ctx):
    """A reminder left open at a stage the cooperation is no longer at is obsolete, not fired,
    and the cooperation is not touched."""
    kinds, today = kinds_of(BEKASI), date.today()
    cid = ksdpk_to_pelaksanaan(cast, BEKASI, kinds, today)
    before = _state(cid)
    reminder_id, due = min(
        (
            (i, d)
            for i, (s, how, d) in before["deadlines"].items()
            if s == "open" and how == "remind"
        ),
        key=lambda p: p[1],
    )
    with system_scope():  # the cooperation moved on to another stage meanwhile
        db.session.get(Deadline, reminder_id).stage = "penandatanganan"
        db.session.commit()
    result = sweep_deadlines(due + timedelta(minutes=1))
    after = _state(cid)
    assert after["deadlines"][reminder_id][0] == DeadlineStatus.OBSOLETE
    assert result.obsolete >= 1
    assert (after["stage"], after["version"]) == (before["stage"], before["version"])
    assert after["events"] == before["events"] and after["audit"] == before["audit"]
