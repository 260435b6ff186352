"""The Pantauan Nasional's "Menunggu Sekretariat Jenderal", read from the ids the rollup keeps
per national viewer (``viewer_inbox``) and its counts (``viewer_inbox_count``), is the inbox
read live: after the rebuild, after a row left the inbox or arrived since, and when too many
kept rows left (read live then); the count is the live one while every waiting row was kept,
else the rebuild's, and the page says so; each viewer reads only its own rows."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace


def test_kept_waiting_list_is_the_live_inbox(app, web, cooperation_at, monkeypatch):
    from sqlalchemy import select, update
    from sqlalchemy import text as text_sql

    from sikd.cooperations import inbox_list, queues
    from sikd.cooperations.access import grant
    from sikd.cooperations.models import Cooperation
    from sikd.cooperations.rollup import refresh_rollup, refreshed_at
    from sikd.cooperations.turns import inbox_page
    from sikd.core.clock import FixedClock
    from sikd.core.extensions import db
    from sikd.tenancy.models import KEMENDAGRI, KEMLU
    from sikd.tenancy.scope import system_scope, tenant_scope
    from sikd.tenancy.services import get_tenant

    staged = [cooperation_at("pelaksanaan", tenant="32.75") for _ in range(5)]
    ids = sorted(s.id for s in staged)
    kemendagri = get_tenant(KEMENDAGRI)
    with system_scope():
        coops = db.session.scalars(select(Cooperation).where(Cooperation.id.in_(ids))).all()
        numbers = {c.id: c.number for c in coops}
        for coop in coops:
            grant(coop, kemendagri, "kemendagri", coop.created_at)
        now = max(c.updated_at for c in coops) + timedelta(hours=1)
        waiting_at = {
            "status": "berjalan",
            "holder_tenant_id": kemendagri.id,
            "holder_level": "kemendagri",
            "holder_roles": ["sekjen_verifier"],
            "waiting_sides": [],
            "next_due_at": None,
            "holder_since": now - timedelta(days=1),
        }
        db.session.execute(
            update(Cooperation).where(Cooperation.id.in_(ids[:4])).values(**waiting_at)
        )
        db.session.commit()
    user = SimpleNamespace(tenant=kemendagri, tenant_id=kemendagri.id, roles=["sekjen_verifier"])
    monkeypatch.setattr(inbox_list, "KEPT", 3)

    def lists() -> tuple[list[int], int, bool, list[int], int]:
        with tenant_scope(kemendagri.id):
            rows, total, rebuilt = inbox_list.waiting_list(user, refreshed_at(), per_page=2)
            items, live_total, _ = inbox_page(user, page=1, per_page=2)
        db.session.commit()
        return (
            [c.id for c in rows],
            total,
            rebuilt,
            [i["cooperation"].id for i in items],
            live_total,
        )

    refresh_rollup(now)  # as the periodic sweep does
    db.session.commit()
    kept, total, rebuilt, live, live_total = lists()
    assert kept == live == ids[:2]
    assert (total, rebuilt, live_total) == (4, True, 4)  # 4 wait, 3 kept: the rebuild's count
    # one left the inbox since the rebuild, one arrived since: the rows are the live ones
    with system_scope():
        db.session.execute(
            update(Cooperation).where(Cooperation.id == ids[0]).values(holder_level="own")
        )
        db.session.execute(
            update(Cooperation)
            .where(Cooperation.id == ids[4])
            .values(**{**waiting_at, "holder_since": now + timedelta(minutes=2)})
        )
        db.session.commit()
    kept, total, rebuilt, live, _ = lists()
    assert kept == live == ids[1:3]
    # more kept rows left than the page has room for: read live
    with system_scope():
        db.session.execute(
            update(Cooperation).where(Cooperation.id.in_(ids[1:3])).values(holder_level="own")
        )
        db.session.commit()
    kept, total, rebuilt, live, live_total = lists()
    assert kept == live == [ids[3], ids[4]] and (total, rebuilt) == (live_total, False) == (
        2,
        False,
    )
    # every waiting row kept: counted live
    refresh_rollup(now + timedelta(minutes=5))
    db.session.commit()
    kept, total, rebuilt, live, live_total = lists()
    assert kept == live == [ids[3], ids[4]] and (total, rebuilt) == (2, False)
    # the page: the rebuild's count says as of when
    monkeypatch.setattr(inbox_list, "KEPT", 1)
    monkeypatch.setattr(queues, "NATIONAL_SHOWN", 1)
    refresh_rollup(now + timedelta(minutes=6))
    db.session.commit()
    app.extensions["sikd_clock"] = FixedClock(now + timedelta(minutes=7))
    try:
        page = web(KEMENDAGRI, ["sekjen_verifier"]).get("/nasional").get_data(as_text=True)
    finally:
        app.extensions.pop("sikd_clock", None)
    assert numbers[ids[3]] in page and numbers[ids[4]] not in page
    assert "Menunggu Sekretariat Jenderal (2 per " in page and "Jumlahnya dihitung per" in page
    # each national viewer reads only its own rows; a daerah none
    for table in ("viewer_inbox", "viewer_inbox_count"):
        with system_scope():
            kept_by = set(
                db.session.execute(text_sql(f"select viewer_tenant_id from {table}")).scalars()
            )
        assert kemendagri.id in kept_by <= {kemendagri.id, get_tenant(KEMLU).id}
        for code in ("32.75", KEMLU, KEMENDAGRI):
            tenant_id = get_tenant(code).id
            with tenant_scope(tenant_id):
                mine = db.session.execute(
                    text_sql(f"select distinct viewer_tenant_id from {table}")
                ).scalars()
                assert list(mine) == ([tenant_id] if tenant_id in kept_by else [])
            db.session.commit()
