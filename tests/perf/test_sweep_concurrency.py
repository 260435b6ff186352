"""Two deadline sweepers at once apply each transition exactly once (Perwal Kota Bekasi 57/2023
Pasal 66 ayat (3): a rencana the Gubernur has not forwarded within 5 days is submitted directly
to the Menteri; the sweep does it, and a second worker running at the same moment must not do it
again). Real PostgreSQL, two threads with their own connections."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import func, select

from sikd.testing import TEST_PASSWORD, ApiUser
from sikd.testing.journeys import to_gubernur_with_rencana


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

    def person(code, role):
        return ApiUser(client, make_user(code, [role]), TEST_PASSWORD)

    people = {
        "opd": person("32.75", "opd"),
        "tkksd": person("32.75", "tkksd"),
        "walikota": person("32.75", "kepala_daerah"),
        "dprd": person("32.75", "sekretariat_dprd"),
        "sekjen": person("KEMENDAGRI", "sekjen_verifier"),
        "kemlu": person("KEMLU", "kemlu_reviewer"),
    }
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
