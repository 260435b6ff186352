"""The dashboard's and the map's figures for the national viewers (Kemendagri, Kemlu: every
tenant of kind ``kementerian``), kept in ``viewer_rollup`` instead of aggregated per request
over the 100,000 cooperations they see.

Rebuilt with ``national_rollup`` in the same transaction (``rollup.refresh_rollup``: by the
periodic sweep, or by the page when the sweep has not run for ``MAX_AGE``). One ``GROUPING
SETS`` aggregate (:data:`FIGURES_SQL`) over what each viewer sees (its own cooperations and
those granted to it, the same rule as ``visible_query``) gives, per viewer, one row per figure
(``dim``) and value (``key``): how many, how many running, overdue and due this month as of
the rebuild, dormant and running, and the estimated cost. A daerah's and a provinsi's
dashboard are counted live by the same statement for that one viewer (:func:`live_figures`:
a few thousand rows, reached by index), so both paths count alike.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import text

from sikd.core.extensions import db

NO_OPD = "(tanpa OPD)"
SEEN_COLUMNS = ", ".join(
    f"c.{name}"
    for name in ("tenant_id", "type", "status", "partner_country", "year", "stage", "stage_label",
                 "created_by", "next_due_at", "flags", "estimated_cost")
)  # fmt: skip

FIGURES_SQL = """
with seen as (
  select c.tenant_id as viewer, {columns} from cooperations c where c.tenant_id {viewers}
  union all
  select a.tenant_id, {columns} from cooperation_access a
  join cooperations c on c.id = a.cooperation_id
  where a.tenant_id {viewers} and c.tenant_id <> a.tenant_id
),
seen_rows as (
  select s.viewer, s.type, s.status, coalesce(s.partner_country, '') as country,
    s.year::text as year, s.stage, coalesce(nullif(u.unit, ''), :no_opd) as opd, s.stage_label,
    s.status = 'berjalan' as running, s.next_due_at, s.flags, s.estimated_cost,
    s.tenant_id::text as owner
  from seen s left join users u
    on u.id = s.created_by and u.tenant_id = s.viewer and u.tenant_id {viewers}
)
select viewer,
  case when grouping(type) = 0 then 'type' when grouping(status) = 0 then 'status'
    when grouping(country) = 0 then 'partner_country' when grouping(year) = 0 then 'year'
    when grouping(stage) = 0 then 'stage' when grouping(opd) = 0 then 'opd'
    when grouping(owner) = 0 then 'daerah' else 'all' end as dim,
  coalesce(type, status, country, year, stage, opd, owner, '') as key,
  max(stage_label) filter (where running) as label,
  count(*) as total, count(*) filter (where running) as running,
  count(*) filter (where running and next_due_at < :now) as overdue,
  count(*) filter (where running and next_due_at >= :now and next_due_at < :month_end)
    as due_month,
  count(*) filter (where running and flags && array['dormant']::varchar[]) as dormant,
  coalesce(sum(estimated_cost), 0) as cost, :now as refreshed_at
from seen_rows
group by grouping sets ((viewer), (viewer, type), (viewer, status), (viewer, country),
  (viewer, year), (viewer, stage), (viewer, opd), (viewer, owner))
"""
# Only the columns the figures read (those of the index ``ix_cooperations_tenant_figures``: a
# daerah's rows are counted by an index-only scan, not fetched from as many heap pages).
# The initiating OPD is the unit of the creator when the viewer may read that user (its own
# users: row-level security on ``users``), as a live count under the viewer's tenant gives.
# What a viewer sees: its own cooperations, and those granted to it that it does not own (a
# grant is one per tenant and cooperation, so no row is counted twice).
# The national viewers' figures, all at once:
REBUILD_SQL = """insert into viewer_rollup (viewer_tenant_id, dim, key, label, total, running,
  overdue, due_month, dormant, cost, refreshed_at)
""" + FIGURES_SQL.format(
    viewers="in (select id from tenants where kind = 'kementerian')", columns=SEEN_COLUMNS
)
LIVE_SQL = FIGURES_SQL.format(viewers="= :viewer", columns=SEEN_COLUMNS)
COLUMNS = ("dim", "key", "label", "total", "running", "overdue", "due_month", "dormant", "cost")


def month_end(now: datetime) -> datetime:
    """The start of the month after ``now``'s (what "due this month" counts up to)."""
    return (now.replace(day=1) + relativedelta(months=1)).replace(
        hour=0, minute=0, second=0, microsecond=0
    )


def rebuild(now: datetime) -> None:
    """Replace every viewer's figures as of ``now`` (the caller's transaction, system scope)."""
    db.session.execute(text("delete from viewer_rollup"))
    db.session.execute(text(REBUILD_SQL), _params(now))


def _params(now: datetime) -> dict[str, Any]:
    return {"now": now, "month_end": month_end(now), "no_opd": NO_OPD}


def figures_of(viewer_tenant_id: int) -> dict[str, list[dict[str, Any]]]:
    """The viewer's rows by figure as of the last rebuild: ``{dim: [{key, label, total,
    running, overdue, due_month, dormant, cost}]}``; ``all`` holds the one row of the tiles
    (absent when it sees nothing); ``daerah`` (per owning tenant id, the provinsi's side by
    side) is left out: the national figure comes from ``national_rollup``."""
    rows = db.session.execute(
        text(
            f"select {', '.join(COLUMNS)} from viewer_rollup"
            " where viewer_tenant_id = :v and dim <> 'daerah'"
        ),
        {"v": viewer_tenant_id},
    ).mappings()
    return _by_dim(rows)


def live_figures(tenant_id: int, now: datetime) -> dict[str, list[dict[str, Any]]]:
    """:func:`figures_of` counted now over what ``tenant_id`` sees (the tenant's own and granted
    cooperations, reached by their ``tenant_id``-led indexes): one statement."""
    rows = db.session.execute(text(LIVE_SQL), {**_params(now), "viewer": tenant_id}).mappings()
    return _by_dim(rows)


def _by_dim(rows) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        out.setdefault(row["dim"], []).append({k: row[k] for k in COLUMNS})
    return out
