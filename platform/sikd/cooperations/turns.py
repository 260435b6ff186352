"""Whose turn it is: the inbox (Giliran Anda), the Gubernur's queue and Dipantau.

Each list is the ``UNION`` of a few branches, each led by one condition the planner may use an
index for under row-level security (``=`` on an integer is leakproof; the array conditions of the
turn are not): held by the tenant, partnered by it; for Dipantau, owned by it, granted to it. A
branch selects only ``(id, next_due_at)``, and every column the conditions and the row-level
policy read of a held or owned row is in the covering index that leads the branch
(``ix_cooperations_active_holder``, ``ix_cooperations_active_tenant``). So a tenant's matching
rows are filtered, counted and sorted from the index alone, a few dozen pages, instead of one
heap page per row (Kota Bekasi's ~1,500 active cooperations lie on ~1,300 of the national
table's 13,500 pages); only the 50 rows of the page are then read whole. Granted rows (a
Gubernur's, a ministry's) are still fetched by primary key.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, func, not_, or_, select, true, union
from sqlalchemy.orm import selectinload

from sikd.accounts.models import User
from sikd.cooperations.access import visible_query
from sikd.cooperations.models import ACTIVE_STATUSES, Cooperation
from sikd.cooperations.queries import (
    COUNT_CAP,
    capped_count,
    counted_page,
    ids_page,
    reachable_branches,
)
from sikd.core import clock
from sikd.core.extensions import db

# The levels a tenant acts at on another tenant's cooperation (its provinsi, Kemendagri, Kemlu,
# the partner daerah of a KSDD); on its own it acts at "own", and at "partner" for a partner
# outside SIKD (see access.actor_level).
OTHER_LEVELS = ("provinsi", "kemendagri", "kemlu")


def _acting(roles: list[str] | None):
    """One of ``roles`` acts at the row's stage; None: whichever roles act (the turn of some
    user of the tenant)."""
    return Cooperation.holder_roles.overlap(roles) if roles is not None else true()


def _own_turn(tenant_id: int, roles: list[str] | None):
    """Held by the tenant, active, at a stage where one of the roles has an action for this
    cooperation (kept on the row by :mod:`sikd.cooperations.summary`), at the level the tenant
    stands at."""
    return and_(
        Cooperation.holder_tenant_id == tenant_id,
        Cooperation.status.in_(ACTIVE_STATUSES),
        _acting(roles),
        or_(
            and_(
                Cooperation.tenant_id == tenant_id,
                or_(  # at a parallel stage, only while the owner's own approval is needed
                    Cooperation.waiting_sides == [],
                    Cooperation.waiting_sides.contains(["own"]),
                    Cooperation.partner_tenant_id.is_(None),
                ),
                or_(
                    Cooperation.holder_level == "own",
                    # a partner outside SIKD: the owner records its answers
                    and_(
                        Cooperation.holder_level == "partner",
                        Cooperation.partner_tenant_id.is_(None),
                    ),
                ),
            ),
            and_(
                Cooperation.tenant_id != tenant_id,
                Cooperation.holder_level.in_((*OTHER_LEVELS, "partner")),
            ),
        ),
    )


def _partner_turn(tenant_id: int, roles: list[str] | None):
    """The partner daerah's own approval at a parallel stage (Pasal 27)."""
    return and_(
        Cooperation.partner_tenant_id == tenant_id,
        Cooperation.status.in_(ACTIVE_STATUSES),
        _acting(roles),
        Cooperation.waiting_sides.contains(["partner"]),
    )


def turn_of(tenant_id: int, roles: list[str] | None):
    """The condition "the roles act on it now" (see :func:`_own_turn`, :func:`_partner_turn`)."""
    return or_(_own_turn(tenant_id, roles), _partner_turn(tenant_id, roles))


def turn_conditions(tenant_id: int, roles: list[str] | None) -> tuple:
    """:func:`turn_of` in one query, led by the leakproof conditions it implies (active; held or
    partnered by the tenant), which the planner may use an index for under row-level security
    (for a list that is not a UNION: the national viewers' kept lists, ``inbox_list``)."""
    return (
        Cooperation.status.in_(ACTIVE_STATUSES),
        or_(Cooperation.holder_tenant_id == tenant_id, Cooperation.partner_tenant_id == tenant_id),
        turn_of(tenant_id, roles),
    )


def _inbox_branches(user: User, level: str | None) -> list:
    """The user's turn, as the rows held by the tenant and the rows partnered by it."""
    roles = sorted(user.roles)
    branches = [
        visible_query().where(_own_turn(user.tenant_id, roles)),
        visible_query().where(_partner_turn(user.tenant_id, roles)),
    ]
    if level is None:
        return branches
    return [branch.where(Cooperation.holder_level == level) for branch in branches]


def _watch_branches(user: User) -> list:
    """Dipantau: active cooperations the user's tenant owns or was given (it supervises them,
    or they passed through its hands) that are not the user's turn now."""
    query = visible_query().where(
        Cooperation.status.in_(ACTIVE_STATUSES),
        not_(turn_of(user.tenant_id, sorted(user.roles))),
    )
    return reachable_branches(query)


def _keys(branches: list):
    """``(id, next_due_at)`` of the rows any branch keeps (a row two branches keep, once)."""
    selects = [b.with_only_columns(Cooperation.id, Cooperation.next_due_at) for b in branches]
    return (selects[0] if len(selects) == 1 else union(*selects)).subquery()


def by_due(columns) -> tuple:
    """Overdue first, then by due date, those without a deadline last."""
    return (columns.next_due_at.asc().nulls_last(), columns.id)


def watched(user: User, *, limit: int, offset: int = 0) -> tuple[list[Cooperation], int]:
    """The Dipantau part of the inbox: overdue first, then by due date; and how many."""
    keys = _keys(_watch_branches(user))
    rows, counts = counted_page(keys, by_due, limit=limit, offset=offset)
    if counts is None:
        return rows, capped_count(keys) if offset else 0
    return rows, min(counts[0], COUNT_CAP + 1)


def inbox(
    user: User,
    *,
    level: str | None = None,
    limit: int | None = None,
    offset: int = 0,
    with_documents: bool = False,
) -> list[dict[str, Any]]:
    """What waits for this user now: cooperations held by the user's tenant at a stage one of
    the user's roles may act on (``level``: only those held at that level); overdue first,
    then by due date, those without a deadline last. One query (two ``with_documents``)."""
    options = (selectinload(Cooperation.current_documents),) if with_documents else ()
    keys = _keys(_inbox_branches(user, level))
    rows = ids_page(keys, by_due, limit=limit, offset=offset, options=options)
    return [{"cooperation": c, "due_at": c.next_due_at} for c in rows]


def inbox_page(
    user: User,
    *,
    page: int,
    per_page: int,
    level: str | None = None,
    with_documents: bool = False,
    clamp: bool = True,
) -> tuple[list[dict[str, Any]], int, int]:
    """One page of :func:`inbox` and (waiting, of which overdue), in one query (two
    ``with_documents``). Past the last page: the last page with ``clamp`` (the web pages, as
    their pager shows it), none without (the API); then the counts are a query of their own."""
    options = (selectinload(Cooperation.current_documents),) if with_documents else ()
    keys = _keys(_inbox_branches(user, level))
    offset = (page - 1) * per_page
    late = keys.c.next_due_at < clock.now()
    rows, counts = counted_page(
        keys, by_due, limit=per_page, offset=offset, options=options, also=(late,)
    )
    if counts is None:
        counts = inbox_counts(user, level)
        last = max((counts[0] + per_page - 1) // per_page, 1)
        if clamp and counts[0] and page > last:
            offset = (last - 1) * per_page
            rows = ids_page(keys, by_due, limit=per_page, offset=offset, options=options)
    items = [{"cooperation": c, "due_at": c.next_due_at} for c in rows]
    return items, counts[0], counts[1]


def inbox_counts(user: User, level: str | None = None) -> tuple[int, int]:
    """(waiting, of which overdue) for the user's inbox, in one query."""
    keys = _keys(_inbox_branches(user, level))
    total, late = db.session.execute(
        select(func.count(), func.count().filter(keys.c.next_due_at < clock.now())).select_from(
            keys
        )
    ).one()
    return total, late
