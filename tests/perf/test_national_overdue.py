"""The Pantauan Nasional's most overdue list, read from the ids the rollup keeps per national
viewer (``viewer_overdue``), is the list read live: after the rebuild, after a row was settled
or became overdue since, and when too many kept rows were settled (read live then); each
viewer reads only its own kept ids."""

from __future__ import annotations

from datetime import timedelta


def test_kept_overdue_list_is_the_live_one(app, web, cooperation_at, monkeypatch):
    from sqlalchemy import select, update
    from sqlalchemy import text as text_sql

    from sikd.cooperations import overdue_list
    from sikd.cooperations.access import grant
    from sikd.cooperations.models import Cooperation
    from sikd.cooperations.rollup import refresh_rollup, refreshed_at
    from sikd.core.clock import FixedClock
    from sikd.core.extensions import db
    from sikd.tenancy.models import KEMENDAGRI, KEMLU
    from sikd.tenancy.scope import system_scope, tenant_scope
    from sikd.tenancy.services import get_tenant

    staged = [cooperation_at("rencana_di_gubernur", tenant="32.75") for _ in range(5)]
    ids = [s.id for s in staged]
    kemendagri = get_tenant(KEMENDAGRI)
    with system_scope():
        coops = db.session.scalars(select(Cooperation).where(Cooperation.id.in_(ids))).all()
        for coop in coops:
            grant(coop, kemendagri, "kemendagri", coop.created_at)
        base = max(c.next_due_at for c in coops)
        for n, cid in enumerate(ids):  # overdue by 5, 4, 3, 2 and 1 days
            db.session.execute(
                update(Cooperation)
                .where(Cooperation.id == cid)
                .values(next_due_at=base - timedelta(days=5 - n))
            )
        db.session.commit()
    now = base + timedelta(hours=1)
    monkeypatch.setattr(overdue_list, "LIMIT", 3)

    def lists(at) -> tuple[list[int], list[int]]:
        with tenant_scope(kemendagri.id):
            as_of = refreshed_at()
            kept = [c.id for c in overdue_list.most_overdue(kemendagri, at, as_of)]
            live = [c.id for c in overdue_list.live(at)]
        db.session.commit()
        return kept, live

    refresh_rollup(now)  # as the periodic sweep does
    db.session.commit()
    kept, live = lists(now)
    assert kept == live == ids[:3]
    # settled since the rebuild: dropped; overdue since the rebuild: added
    with system_scope():
        db.session.execute(
            update(Cooperation)
            .where(Cooperation.id == ids[0])
            .values(next_due_at=now + timedelta(days=30))
        )
        db.session.execute(
            update(Cooperation)
            .where(Cooperation.id == ids[4])
            .values(next_due_at=now + timedelta(minutes=2))
        )
        db.session.commit()
    later = now + timedelta(minutes=5)
    kept, live = lists(later)
    assert kept == live == [ids[1], ids[2], ids[3]]
    # more kept rows settled than the kept list has room for: read live
    monkeypatch.setattr(overdue_list, "KEPT", 3)
    refresh_rollup(later)
    db.session.commit()
    with system_scope():
        for cid in ids[1:3]:
            db.session.execute(
                update(Cooperation)
                .where(Cooperation.id == cid)
                .values(next_due_at=now + timedelta(days=30))
            )
        db.session.commit()
    kept, live = lists(later)
    assert kept == live == [ids[3], ids[4]]
    # the page shows them
    app.extensions["sikd_clock"] = FixedClock(later)
    try:
        page = web(KEMENDAGRI, ["sekjen_verifier"]).get("/nasional").get_data(as_text=True)
    finally:
        app.extensions.pop("sikd_clock", None)
    numbers = [c.number for c in coops if c.id in (ids[3], ids[4])]
    assert all(n in page for n in numbers)
    # each national viewer reads only its own kept ids; a daerah none
    with system_scope():
        kept_by = set(
            db.session.execute(text_sql("select viewer_tenant_id from viewer_overdue")).scalars()
        )
    assert kemendagri.id in kept_by <= {kemendagri.id, get_tenant(KEMLU).id}
    for code in ("32.75", KEMLU, KEMENDAGRI):
        tenant_id = get_tenant(code).id
        with tenant_scope(tenant_id):
            mine = db.session.execute(
                text_sql("select distinct viewer_tenant_id from viewer_overdue")
            ).scalars()
            assert list(mine) == ([tenant_id] if tenant_id in kept_by else [])
        db.session.commit()
