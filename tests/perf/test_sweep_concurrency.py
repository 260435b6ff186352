"""Two deadline sweepers at once apply each transition exactly once (Perwal Kota Bekasi 57/2023
Pasal 66 ayat (3): a rencana the Gubernur has not forwarded within 5 days is submitted directly
to the Menteri; the sweep does it, and a second worker running at the same moment must not do it
again). Real PostgreSQL, two threads with their own connections."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import func, select

from sikd.testing.journeys import journey_people, to_gubernur_with_rencana


def test_two_sweepers_route_each_late_rencana_directly_exactly_once(
    app,
    client,
    make_user,
    kinds,
):
    from sikd.audit.models import AuditEntry
    from sikd.cooperations.models import Cooperation, StageEvent
    from sikd.cooperations.sweep import sweep_deadlines
    from sikd.core import clock
    from sikd.core.extensions import db
    from sikd.tenancy.scope import system_scope

    people = journey_people(client, make_user)
    today = clock.now().date()
    ids = [to_gubernur_with_rencana(people, kinds, today) for _ in range(6)]
    db.session.remove()
    later = clock.now() + timedelta(days=6)  # past the Gubernur's 5 days
    start = threading.Barrier(2)
    results, errors = [], []

    def sweeper() -> None:
        try:
            with app.app_context():
                start.wait()
                results.append(sweep_deadlines(later, batch=2))
                db.session.remove()
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=sweeper) for _ in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors, errors

    fired = [f for r in results for f in r.fired]
    assert len(fired) == len(ids) == len(set(fired))  # each once, by one of the two
    assert all(f.endswith(":rencana_di_gubernur:route_direct") for f in fired)
    with system_scope():
        for cid in ids:
            coop = db.session.get(Cooperation, cid)
            assert coop.holder_level == "kemendagri"
            expiries = db.session.scalar(
                select(func.count()).where(
                    StageEvent.cooperation_id == cid, StageEvent.expiry == "route_direct"
                )
            )
            audited = db.session.scalar(
                select(func.count()).where(
                    AuditEntry.object_type == "cooperation",
                    AuditEntry.object_id == str(cid),
                    AuditEntry.actor_label == "sistem (tenggat)",
                )
            )
            assert (expiries, audited) == (1, 1), cid
    # a third run finds nothing left to do
    again = sweep_deadlines(later)
    assert again.fired == [] and again.obsolete == 0


def test_a_sweeper_skipping_a_row_another_holds_keeps_its_prepared_statements(
    app, client, make_user, kinds
):
    """A due row that another sweeper holds is skipped: nothing written, the row left to its
    holder, and the transaction ended by a commit, so the connection keeps the statements
    psycopg prepared on it (a ROLLBACK makes psycopg forget them all, and two sweepers skip
    each other's rows at every batch: every statement was then planned again)."""
    from sqlalchemy import create_engine, text

    from sikd.cooperations import sweep
    from sikd.cooperations.models import Cooperation
    from sikd.core import clock
    from sikd.core.extensions import db
    from sikd.deadlines.models import Deadline, DeadlineStatus
    from sikd.tenancy.scope import system_scope, tenant_scope

    people = journey_people(client, make_user)
    cid = to_gubernur_with_rencana(people, kinds, clock.now().date())
    later = clock.now() + timedelta(days=6)
    with system_scope():
        row = db.session.scalar(
            select(Deadline).where(
                Deadline.cooperation_id == cid, Deadline.status == DeadlineStatus.OPEN
            )
        )
        deadline_id, tenant_id = row.id, row.tenant_id
    db.session.rollback()
    db.engine.dispose()  # one connection from here on: this test's
    pid = db.session.scalar(text("select pg_backend_pid()"))
    for _ in range(8):  # psycopg prepares a statement from its 6th run on a connection
        with system_scope():
            db.session.scalar(select(Cooperation.id).where(Cooperation.id == cid))
        db.session.commit()
    prepared = text("select count(*) from pg_prepared_statements")
    assert db.session.scalar(prepared) > 0
    db.session.commit()
    holder = create_engine(db.engine.url)  # another sweeper, on its own connection
    other = holder.connect()
    try:
        other.execute(text("select set_config('sikd.scope', 'system', true)"))
        other.execute(text("select id from deadlines where id = :i for update"), {"i": deadline_id})
        result = sweep.SweepResult()
        with system_scope(), tenant_scope(tenant_id):
            sweep._fire_one(deadline_id, later, result)
        assert result.fired == [] and result.obsolete == 0
        assert db.session.scalar(text("select pg_backend_pid()")) == pid
        assert db.session.scalar(prepared) > 0
        db.session.commit()
    finally:
        other.rollback()
        other.close()
        holder.dispose()
    with system_scope():
        assert db.session.get(Deadline, deadline_id).status == DeadlineStatus.OPEN
    db.session.commit()
    # once the other lets go, the row is applied, once
    with system_scope(), tenant_scope(tenant_id):
        sweep._fire_one(deadline_id, later, result)
    assert [f.endswith(":rencana_di_gubernur:route_direct") for f in result.fired] == [True]
