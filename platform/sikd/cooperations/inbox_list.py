"""The Pantauan Nasional's "Menunggu Sekretariat Jenderal": the first cooperations waiting for
a national viewer and how many wait, without sorting and counting all of them per request.

Read live, the list sorts every cooperation waiting for the viewer (Kemendagri's 5,000) and
counts them, each probed for visibility twice (the application filter and row-level
security). So the rollup rebuild (:func:`sikd.cooperations.rollup.refresh_rollup`, same
transaction, system scope) also keeps, per national viewer (every tenant of kind
``kementerian``), the ids of the :data:`KEPT` first cooperations waiting for one of its users
in the inbox's order (``viewer_inbox``; :func:`sikd.cooperations.turns.turn_of`, whichever
roles act) and how many wait per set of acting roles (``viewer_inbox_count``).

The page re-reads live, by primary key, the kept rows and those the viewer received since the
rebuild (``holder_since`` from the rebuild on, a range of ``ix_cooperations_active_holder_since``),
under the user's own inbox rule (its roles, application filter and row-level security): the rows
are the live ones, a row settled since is dropped, one received since is added. How many wait:
counted live over those rows when the kept list held every waiting row at the rebuild (fewer
than :data:`KEPT`); else the rebuild's count for the user's roles, which the page says is as of
the rebuild.

Staleness bound: the rows are the live list unless, since the last rebuild (at most
:data:`sikd.cooperations.rollup.MAX_AGE` ago), a waiting row outside the kept ones had its
deadline moved earlier or became visible without a new hop; it appears at the next rebuild.
When fewer than a page of rows remain of a full kept list, the page reads the inbox live.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, any_, column, func, literal, or_, select, table, text
from sqlalchemy.dialects.postgresql import ARRAY

from sikd.accounts.models import User
from sikd.cooperations.access import visibility_filter, visible_query
from sikd.cooperations.models import Cooperation
from sikd.cooperations.queries import counted_page
from sikd.cooperations.turns import by_due, inbox_page, turn_conditions
from sikd.core.extensions import db
from sikd.tenancy.models import Tenant

NATIONAL_KIND = "kementerian"  # the tenants whose lists are kept (as viewer_rollup's)
KEPT = 200  # ids kept per viewer: a page of 50 and room for those settled between rebuilds

viewer_inbox = table(
    "viewer_inbox", column("viewer_tenant_id"), column("cooperation_id"), column("refreshed_at")
)
viewer_inbox_count = table(
    "viewer_inbox_count",
    column("viewer_tenant_id"),
    column("holder_roles", ARRAY(String(32))),
    column("total"),
    column("refreshed_at"),
)


def rebuild(now: datetime) -> None:
    """Replace every national viewer's kept ids and counts as of ``now`` (the caller's
    transaction, system scope: the viewer's visibility is applied explicitly)."""
    db.session.execute(text("delete from viewer_inbox"))
    db.session.execute(text("delete from viewer_inbox_count"))
    viewers = db.session.scalars(select(Tenant.id).where(Tenant.kind == NATIONAL_KIND)).all()
    for viewer in viewers:
        waiting = select(Cooperation).where(
            visibility_filter(viewer), *turn_conditions(viewer, None)
        )
        kept = (
            waiting.with_only_columns(literal(viewer), Cooperation.id, literal(now))
            .order_by(*by_due(Cooperation))
            .limit(KEPT)
        )
        db.session.execute(viewer_inbox.insert().from_select(list(viewer_inbox.c), kept))
        counts = waiting.with_only_columns(
            literal(viewer), Cooperation.holder_roles, func.count(), literal(now)
        ).group_by(Cooperation.holder_roles)
        db.session.execute(
            viewer_inbox_count.insert().from_select(list(viewer_inbox_count.c), counts)
        )


def waiting_list(
    user: User, as_of: datetime | None, *, per_page: int
) -> tuple[list[Cooperation], int, bool]:
    """The first ``per_page`` cooperations waiting for ``user`` (as :func:`inbox_page`'s first
    page), how many wait, and whether that number is the rebuild's (as of ``as_of``) rather
    than counted now. Two statements; read live (one statement) for a viewer whose lists are not
    kept or before any rebuild, or when the kept rows ran short."""
    if as_of is None or user.tenant.kind != NATIONAL_KIND:
        items, total, _ = inbox_page(user, page=1, per_page=per_page)
        return [i["cooperation"] for i in items], total, False
    viewer, roles = user.tenant_id, sorted(user.roles)
    kept_n, rebuilt_n = db.session.execute(
        select(
            select(func.count())
            .select_from(viewer_inbox)
            .where(viewer_inbox.c.viewer_tenant_id == viewer)
            .scalar_subquery(),
            select(func.coalesce(func.sum(viewer_inbox_count.c.total), 0))
            .where(
                viewer_inbox_count.c.viewer_tenant_id == viewer,
                viewer_inbox_count.c.holder_roles.overlap(roles),
            )
            .scalar_subquery(),
        )
    ).one()
    kept = func.array(
        select(viewer_inbox.c.cooperation_id)
        .where(viewer_inbox.c.viewer_tenant_id == viewer)
        .scalar_subquery()
    )
    candidates = or_(Cooperation.id == any_(kept), Cooperation.holder_since >= as_of)
    query = visible_query().where(*turn_conditions(viewer, roles), candidates)
    keys = query.with_only_columns(Cooperation.id, Cooperation.next_due_at).subquery()
    rows, counts = counted_page(keys, by_due, limit=per_page)
    if kept_n < KEPT:  # every row waiting at the rebuild was kept: the count is a live one
        return rows, counts[0] if counts else 0, False
    if len(rows) < per_page:  # more than KEPT - per_page kept rows were settled since
        items, total, _ = inbox_page(user, page=1, per_page=per_page)
        return [i["cooperation"] for i in items], total, False
    return rows, int(rebuilt_n), True
