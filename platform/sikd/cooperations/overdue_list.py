"""The Pantauan Nasional's list of the most overdue cooperations, without finding them among
the 100,000 a national viewer sees on every request.

Read live, the list walks ``ix_cooperations_running_next_due_at`` and stops after :data:`LIMIT`
rows, but row-level security's visibility check then hashes every grant of the viewer
(Kemendagri's 100,000) once per request. So the rollup rebuild
(:func:`sikd.cooperations.rollup.refresh_rollup`, same transaction, system scope) also keeps in
``viewer_overdue``, per national viewer (every tenant of kind ``kementerian``), the ids of the
:data:`KEPT` most overdue cooperations it sees. The page re-reads live, by primary key, those
rows and the running ones whose deadline passed since the rebuild (``next_due_at`` between the
rebuild and now, a range of the same index), each under the viewer's visibility (application
filter and row-level security, probed per row), and keeps those overdue now: their current
state, a row settled since the rebuild is dropped, one overdue since is added.

Staleness bound: the list is the live one unless, since the last rebuild (at most
:data:`sikd.cooperations.rollup.MAX_AGE` ago), a cooperation became visible to the viewer, or
had its deadline moved, to a deadline before that rebuild; such a row appears at the next
rebuild. When so many of the kept rows were settled that fewer than :data:`LIMIT` remain of a
full list, the page reads the list live (:func:`live`) instead.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import any_, column, func, or_, select, table, text

from sikd.cooperations.access import visible_joined_query
from sikd.cooperations.models import Cooperation, CooperationStatus
from sikd.core.extensions import db
from sikd.tenancy.models import Tenant

LIMIT = 20  # rows the page shows (all of them: the register, overdue=1)
NATIONAL_KIND = "kementerian"  # the tenants whose ids are kept (as viewer_rollup's)
KEPT = 200  # ids kept per viewer: those shown and room for those settled between rebuilds

viewer_overdue = table("viewer_overdue", column("viewer_tenant_id"), column("cooperation_id"))

REBUILD_SQL = """
insert into viewer_overdue (viewer_tenant_id, cooperation_id, next_due_at, refreshed_at)
select v.id, o.id, o.next_due_at, :now
from tenants v cross join lateral (
  select c.id, c.next_due_at from cooperations c
  where c.status = 'berjalan' and c.next_due_at < :now
    and (c.tenant_id = v.id or exists (
      select 1 from cooperation_access a where a.tenant_id = v.id and a.cooperation_id = c.id))
  order by c.next_due_at, c.id
  limit :kept
) o
where v.kind = :kind
"""


def rebuild(now: datetime) -> None:
    """Replace every national viewer's kept ids as of ``now`` (the caller's transaction, system
    scope)."""
    db.session.execute(text("delete from viewer_overdue"))
    db.session.execute(text(REBUILD_SQL), {"now": now, "kept": KEPT, "kind": NATIONAL_KIND})


def _overdue_now(query, now: datetime):
    return query.where(
        Cooperation.status == CooperationStatus.BERJALAN, Cooperation.next_due_at < now
    ).order_by(Cooperation.next_due_at, Cooperation.id)


def live(now: datetime) -> list[Cooperation]:
    """The :data:`LIMIT` most overdue cooperations the current tenant sees, read live."""
    return list(db.session.scalars(_overdue_now(visible_joined_query(), now).limit(LIMIT)))


def most_overdue(viewer: Tenant, now: datetime, as_of: datetime | None) -> list[Cooperation]:
    """:func:`live`, from the kept ids of ``viewer`` and those overdue since ``as_of`` (the
    rebuild's instant); one statement, two when the kept ids ran short. Read live for a viewer
    whose ids are not kept (not a ``kementerian``) or before any rebuild."""
    if as_of is None or viewer.kind != NATIONAL_KIND:
        return live(now)
    tenant_id = viewer.id
    kept = func.array(
        select(viewer_overdue.c.cooperation_id)
        .where(viewer_overdue.c.viewer_tenant_id == tenant_id)
        .scalar_subquery()
    )
    candidates = or_(Cooperation.id == any_(kept), Cooperation.next_due_at >= as_of)
    rows = list(
        db.session.scalars(_overdue_now(visible_joined_query().where(candidates), now).limit(LIMIT))
    )
    if len(rows) < LIMIT and _kept_count(tenant_id) >= KEPT:
        return live(now)  # more than KEPT - LIMIT of the kept rows were settled since
    return rows


def _kept_count(tenant_id: int) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(viewer_overdue)
        .where(viewer_overdue.c.viewer_tenant_id == tenant_id)
    )
