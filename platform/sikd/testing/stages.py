"""A cooperation at stage X, reached the way the demo reaches it.

``cooperation_at("rencana_di_gubernur", tenant="32.75")`` takes the first demo story of that
daerah (``tenants/demo/<kode>.yaml``; ``story=`` or ``type=`` to choose) with a step that lands
on that stage (its ``expect``), and plays the story up to that step through the real services
(:class:`sikd.demo.play.Player`): the demo users of the cast act, documents are uploaded, the
weekly deadline sweeps run between the steps, each at its past instant. The story is moved
forward by whole weeks so that its last step lies in the past seven days: the cooperation sits
freshly at the stage, its deadlines running from then. The e-mails of that history are not
queued (as in the seeded demo), and the clock is given back to the test afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from sikd.core.jobs import PENDING_JOBS
from sikd.demo.model import Story

WEEK = timedelta(days=7)


@dataclass(frozen=True)
class Staged:
    """The cooperation a test asked for: its id, the stage it is at, the story it came from."""

    id: int
    stage: str
    story: str
    tenant: str


def pick_story(stage: str, tenant: str, type: str | None, story: str | None) -> Story:
    """The first story of ``tenant`` (of ``type``, or the one named ``story``) that has a step
    landing on ``stage``, cut after that step."""
    from sikd.demo.stories import load_stories

    stories, _ = load_stories()
    mine = [
        s
        for s in stories
        if s.code == tenant
        and (type is None or s.data.type == type)
        and (story is None or s.key == story)
    ]
    for s in mine:
        for n, step in enumerate(s.steps):
            if step.expect == stage:
                return replace(s, steps=s.steps[: n + 1], coop_id=None, dates={}, letters={})
    reachable = sorted({step.expect for s in mine for step in s.steps if step.expect})
    raise LookupError(
        f"no demo story of {tenant} (type={type}, story={story}) lands on {stage!r}; "
        f"stages its steps land on: {reachable}"
    )


def players(story: Story) -> set[tuple[str, str]]:
    """(level, role) of everyone who acts or uploads in ``story``."""
    from sikd.demo.documents import OWN_UPLOADER

    acting = {(step.level, step.role) for step in story.steps if step.role and step.level}
    if any(step.upload for step in story.steps):
        acting |= {("own", "tkksd")} | {("own", role) for role in OWN_UPLOADER.values()}
    return acting


def recent(story: Story, now: datetime) -> Story:
    """The story moved so that its last step falls in the week before ``now``."""
    from sikd.demo.schedule import place

    if story.end_days_ago is not None:
        return replace(story, end_days_ago=1, dates={})
    if any(step.next_year_on for step in story.steps):
        return story  # a yearly step is pinned to its calendar day
    last = place(replace(story, dates={}), now)[-1]
    weeks = (now - last) // WEEK
    return replace(story, start_days_ago=story.start_days_ago - 7 * weeks, dates={})


def play(app: Any, story: Story, now: datetime) -> None:
    """Every step of ``story`` and the weekly sweeps between its first and last step."""
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    from sikd.cooperations.sweep import sweep_deadlines
    from sikd.core import clock
    from sikd.demo.play import Player
    from sikd.demo.schedule import schedule

    slots = schedule([story], now)
    last = max(slot.at for slot in slots if slot.story is not None)
    player = Player(app)
    event.listen(Session, "before_commit", _drop_pending_jobs)
    try:
        for slot in slots:
            if slot.at > last:
                break
            if slot.story is None:
                app.extensions["sikd_clock"] = clock.FixedClock(slot.at)
                sweep_deadlines(slot.at)
            else:
                player.run(slot.story, slot.step, slot.at)
    finally:
        event.remove(Session, "before_commit", _drop_pending_jobs)


def _stage(coop_id: int) -> str:
    from sqlalchemy import select

    from sikd.cooperations.models import Cooperation
    from sikd.core.extensions import db
    from sikd.tenancy.scope import system_scope

    with system_scope():
        stage = db.session.scalar(select(Cooperation.stage).where(Cooperation.id == coop_id))
        db.session.commit()
    return stage


def _drop_pending_jobs(session: Any) -> None:
    session.info.pop(PENDING_JOBS, None)


def _quiet_history(after_id: int) -> None:
    """The notifications of the played history are history: marked as not e-mailed."""
    from sqlalchemy import update

    from sikd.core.extensions import db
    from sikd.notifications.models import Notification
    from sikd.tenancy.scope import system_scope

    with system_scope():
        db.session.execute(
            update(Notification)
            .where(Notification.id > after_id, Notification.email_status == "pending")
            .values(
                email_status="dilewati",
                email_error="Riwayat uji: tidak dikirim lewat surel.",
            )
        )
        db.session.commit()


@pytest.fixture
def cooperation_at(app_ctx, cast):
    """``cooperation_at(stage, tenant="32.75", type=None, story=None)`` → :class:`Staged`."""
    from sqlalchemy import func, select

    from sikd.core.extensions import db
    from sikd.notifications.models import Notification
    from sikd.tenancy.models import KEMENDAGRI, KEMLU
    from sikd.tenancy.scope import system_scope
    from sikd.tenancy.services import get_tenant

    app = app_ctx

    def _at(
        stage: str, tenant: str = "32.75", type: str | None = None, story: str | None = None
    ) -> Staged:
        chosen = pick_story(stage, tenant, type, story)
        parent = get_tenant(tenant).parent
        codes = {"own": tenant, "provinsi": parent.code if parent else None}
        codes |= {"kemendagri": KEMENDAGRI, "kemlu": KEMLU}
        for level, role in players(chosen):
            _ = cast(codes[level])[role]  # the demo account the player will look up
        with system_scope():
            before = db.session.scalar(select(func.coalesce(func.max(Notification.id), 0)))
            db.session.commit()
        previous = app.extensions.get("sikd_clock")
        now = previous.now() if previous is not None else datetime.now(UTC)
        chosen = recent(chosen, now)
        try:
            play(app, chosen, now)
        finally:
            if previous is None:
                app.extensions.pop("sikd_clock", None)
            else:
                app.extensions["sikd_clock"] = previous
        _quiet_history(before)
        player_stage = _stage(chosen.coop_id)
        assert player_stage == stage, f"{chosen.label} ended at {player_stage}, not {stage}"
        return Staged(chosen.coop_id, stage, chosen.key, tenant)

    return _at
