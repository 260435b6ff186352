"""The national view's counts, rebuilt by the periodic sweep rather than scanned per request.

One aggregate over the cooperation rows (their stored next deadline answers "overdue") replaces
the rows of ``national_rollup`` in one transaction; readers see the old or the new set, never
half; the national viewers' dashboard figures (:mod:`sikd.cooperations.viewer_rollup`), most
overdue lists (:mod:`~sikd.cooperations.overdue_list`) and waiting lists
(:mod:`~sikd.cooperations.inbox_list`) are rebuilt with them. Two sweepers at once: the second skips (an advisory lock). The page reads a
few hundred rollup rows; when the sweep has not run for :data:`MAX_AGE` (a dead scheduler, a
fresh database) the page rebuilds it once itself, so the figures are never older than that.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import text

from sikd.cooperations import inbox_list, overdue_list, viewer_rollup
from sikd.core import clock
from sikd.core.extensions import db
from sikd.tenancy.scope import system_scope

MAX_AGE = timedelta(minutes=10)
_LOCK = 0x5_1CD_0011  # pg_try_advisory_xact_lock key of the rebuild

REBUILD_SQL = """
insert into national_rollup (provinsi_tenant_id, process, stage, status, stage_label, total,
  overdue, dormant, refreshed_at)
select coalesce(t.parent_id, t.id), c.process, c.stage, c.status, max(c.stage_label), count(*),
  count(*) filter (where c.status = 'berjalan' and c.next_due_at < :now),
  count(*) filter (where c.flags @> array['dormant']::varchar[]), :now
from cooperations c join tenants t on t.id = c.tenant_id
group by 1, 2, 3, 4
"""


def refresh_rollup(now: datetime | None = None) -> bool:
    """Rebuild the counts as of ``now`` in the caller's transaction (system scope); False when
    another process is rebuilding them right now."""
    now = now or clock.now()
    with system_scope():
        got = db.session.execute(text("select pg_try_advisory_xact_lock(:k)"), {"k": _LOCK})
        if not got.scalar():
            return False
        db.session.execute(text("delete from national_rollup"))
        db.session.execute(text(REBUILD_SQL), {"now": now})
        viewer_rollup.rebuild(now)
        overdue_list.rebuild(now)
        inbox_list.rebuild(now)
    return True


def refreshed_at() -> datetime | None:
    return db.session.execute(text("select max(refreshed_at) from national_rollup")).scalar()


def ensure_fresh(now: datetime | None = None) -> datetime | None:
    """The rollup's instant; rebuilt (and committed) first when older than :data:`MAX_AGE`."""
    now = now or clock.now()
    at = refreshed_at()
    if (at is None or now - at > MAX_AGE) and refresh_rollup(now):
        db.session.commit()
        at = now
    return at


def by_provinsi() -> list[tuple[int, int, int, int, int]]:
    """(provinsi tenant id, total, running, overdue, dormant)."""
    rows = db.session.execute(
        text(
            """select provinsi_tenant_id, sum(total),
                 sum(total) filter (where status = 'berjalan'), sum(overdue), sum(dormant)
               from national_rollup group by provinsi_tenant_id"""
        )
    )
    return [tuple(int(v or 0) for v in row) for row in rows]


def running_by_stage() -> list[dict[str, Any]]:
    """Running cooperations per stage id, with their label and how many are overdue."""
    rows = db.session.execute(
        text(
            """select stage, max(stage_label), sum(total), sum(overdue) from national_rollup
               where status = 'berjalan' group by stage"""
        )
    )
    return [
        {"stage": stage, "label": label or stage, "total": int(total), "overdue": int(late or 0)}
        for stage, label, total, late in rows
    ]
