"""Reading cooperations for lists: the register, the timeline of one cooperation (the inbox and
the queues: :mod:`sikd.cooperations.turns`).

Every query starts from :func:`sikd.cooperations.access.visible_query`, so the application filter
applies on top of row-level security.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, any_, func, or_, select, union_all

from sikd.cooperations.access import visible_query
from sikd.cooperations.history import decisions_of, events_of
from sikd.cooperations.models import (
    Cooperation,
    CooperationAccess,
    CooperationStatus,
)
from sikd.core import clock
from sikd.core.extensions import db
from sikd.core.i18n import find_countries
from sikd.deadlines.services import deadlines_of
from sikd.routing.services import hops_of
from sikd.tenancy.models import Tenant
from sikd.tenancy.scope import current_tenant_id, is_system_scope

# Counting every match of a broad filter across the national table costs more than the page;
# past this many the register says "lebih dari …" (the rows themselves are paged).
COUNT_CAP = 1000


def publicly_listed():
    """The cooperation the public register shows (no login): signed, so its term is recorded,
    and running or ended; never a refused one nor one still being prepared."""
    return and_(
        Cooperation.term_start.is_not(None),
        Cooperation.status.in_([CooperationStatus.BERJALAN, CooperationStatus.SELESAI]),
    )


def _in_provinsi(query, code: str):
    """One provinsi, or several separated by commas (the map's shape of a provinsi split since
    its boundaries were drawn, e.g. ``91,93,94,95``)."""
    codes = [c.strip() for c in code.split(",") if c.strip()][:40]
    owner = Tenant.__table__.alias("owner")
    parent = Tenant.__table__.alias("parent")
    return (
        query.join(owner, owner.c.id == Cooperation.tenant_id)
        .outerjoin(parent, parent.c.id == owner.c.parent_id)
        .where(or_(owner.c.code.in_(codes), parent.c.code.in_(codes)))
    )


def _overdue(query):
    """Running, with the earliest open deadline of its current stage already past."""
    return query.where(
        Cooperation.status == CooperationStatus.BERJALAN, Cooperation.next_due_at < clock.now()
    )


def capped_count(keys, cap: int = COUNT_CAP) -> int:
    """How many rows the subquery ``keys`` has, counting at most ``cap + 1`` (more than
    ``cap`` = many)."""
    capped = select(keys.c.id).limit(cap + 1).subquery()
    return db.session.scalar(select(func.count()).select_from(capped))


def _search(query, text: str):
    """Title, number, partner, or the partner's country by its Indonesian name ("Jepang"
    finds the cooperations with partners in JP; only for three letters or more)."""
    # ILIKE as PostgreSQL computes it in a multibyte database (lower() of both sides, then
    # LIKE), with the pattern lowered once per statement rather than once per row and column
    # (a third of the time over a Kota's 2,000 rows)
    like = select(func.lower(f"%{text.strip()}%")).scalar_subquery()
    matches = [
        func.lower(Cooperation.title).like(like),
        func.lower(Cooperation.number).like(like),
        func.lower(Cooperation.partner_name).like(like),
    ]
    if len(text.strip()) >= 3:
        codes = [code for code, _ in find_countries(text)]
        if codes:
            matches.append(Cooperation.partner_country.in_(codes))
    return query.where(or_(*matches))


def _reach(tenant_id: int) -> tuple:
    """Owned by the tenant; granted to it, as ``id = ANY(ARRAY(the grants' ids))``, computed
    once before the scan."""
    granted = select(CooperationAccess.cooperation_id).where(
        CooperationAccess.tenant_id == tenant_id
    )
    return (
        Cooperation.tenant_id == tenant_id,
        Cooperation.id == any_(func.array(granted.scalar_subquery())),
    )


def _granted_not_owned(tenant_id: int):
    return and_(_reach(tenant_id)[1], Cooperation.tenant_id != tenant_id)


def reachable(query):
    """The visibility rule once more, in terms the planner may use an index for under
    row-level security (``=`` on integers is leakproof; ILIKE and the policy's ``EXISTS`` are
    not): owned by the tenant (``tenant_id``) or granted to it. The two are one bitmap of the
    tenant's rows (a Kota's 2,000, not the nation's), and search filters only those."""
    tenant_id = current_tenant_id()
    if is_system_scope() or tenant_id is None:
        return query
    return query.where(or_(*_reach(tenant_id)))


def reachable_branches(query) -> list:
    """:func:`reachable` as two queries that share no row, the tenant's own rows and those
    granted to it that it does not own, for a ``UNION ALL`` whose own branch a covering index
    can answer alone (an index-only scan of the tenant's rows, where the OR of
    :func:`reachable` is a bitmap scan that visits every heap page of them: a Kota's 2,000 rows
    lie on 1,800 pages)."""
    tenant_id = current_tenant_id()
    if is_system_scope() or tenant_id is None:
        return [query]
    return [
        query.where(Cooperation.tenant_id == tenant_id),
        query.where(_granted_not_owned(tenant_id)),
    ]


def ids_page(keys, order, *, limit: int | None, offset: int = 0, options=()) -> list:
    """One page of the rows whose ids ``keys`` holds (a subquery with ``id`` and the columns
    ``order`` sorts by; ``order(columns)`` gives the sort over ``keys.c`` or ``Cooperation``):
    the ids of the page first (filtered, sorted and cut without the joined tenants), then those
    rows with their tenants (and ``options``). The planner cannot estimate how many rows the
    list filters keep; joined to the tenants in the same query it may pick a plan that pays per
    kept row rather than per shown row."""
    ids = select(keys.c.id).order_by(*order(keys.c)).offset(offset)
    if limit is not None:
        ids = ids.limit(limit)
    rows = db.session.scalars(
        visible_query()
        .where(Cooperation.id.in_(ids))
        .options(*options)
        .order_by(*order(Cooperation))
    )
    return list(rows)


def counted_page(
    keys, order, *, limit: int, offset: int = 0, options=(), also=()
) -> tuple[list[Cooperation], tuple[int, ...] | None]:
    """:func:`ids_page` and, in the same statement, how many rows ``keys`` has in all and how
    many of them meet each condition of ``also`` (over ``keys.c``; ``count(*) OVER ()``: the
    sort of the page reads every match anyway, so a separate count would read them twice).
    The counts are None when the page is empty (past the last page: the caller counts apart)."""
    counts = [
        func.count().over().label("n0"),
        *(func.count().filter(cond).over().label(f"n{i}") for i, cond in enumerate(also, 1)),
    ]
    page = (
        select(keys.c.id, *counts).order_by(*order(keys.c)).offset(offset).limit(limit).subquery()
    )
    result = db.session.execute(
        visible_query()
        .join(page, page.c.id == Cooperation.id)
        .add_columns(*(page.c[c.name] for c in counts))
        .options(*options)
        .order_by(*order(Cooperation))
    ).all()
    if not result:
        return [], None
    return [row[0] for row in result], tuple(result[0][1:])


def _by_update(columns) -> tuple:
    return (columns.updated_at.desc(), columns.id.desc())


def _register_filters(query, args: dict[str, Any]):
    """The register's filters (``args``) on ``query``."""
    equal = {
        "type": Cooperation.type,
        "stage": Cooperation.stage,
        "year": Cooperation.year,
        "status": Cooperation.status,
    }
    for key, column in equal.items():
        if args.get(key):
            query = query.where(column == args[key])
    if args.get("partner_country"):
        query = query.where(Cooperation.partner_country == args["partner_country"].upper())
    if args.get("tenant"):
        query = query.join(Tenant, Tenant.id == Cooperation.tenant_id).where(
            Tenant.code == args["tenant"]
        )
    if args.get("provinsi"):
        query = _in_provinsi(query, args["provinsi"])
    if args.get("flag"):
        query = query.where(Cooperation.flags.contains([args["flag"]]))
    if args.get("q"):
        query = _search(query, args["q"])
    if args.get("overdue"):
        query = _overdue(query)
    return query


def _register_keys(args: dict[str, Any]):
    """``(id, updated_at)`` of the register's matches: each branch of
    :func:`reachable_branches` filtered, the tenant's own an index-only scan of
    ``ix_cooperations_tenant_search`` (the columns a search and the order read)."""
    keys = (Cooperation.id, Cooperation.updated_at)
    branches = [
        _register_filters(branch, args).with_only_columns(*keys)
        for branch in reachable_branches(visible_query())
    ]
    return (branches[0] if len(branches) == 1 else union_all(*branches)).subquery()


def filtered_cooperations(args: dict[str, Any]) -> tuple[list[Cooperation], int]:
    """The register: every cooperation the caller may see, filtered and paged (newest change
    first), and how many (at most ``max(COUNT_CAP, the rows up to this page) + 1``)."""
    keys = _register_keys(args)
    page, per_page = args.get("page", 1), args.get("per_page", 50)
    rows, counts = counted_page(keys, _by_update, limit=per_page, offset=(page - 1) * per_page)
    cap = max(COUNT_CAP, page * per_page)
    return rows, min(counts[0], cap + 1) if counts else capped_count(keys, cap)


def timeline(coop: Cooperation) -> dict[str, Any]:
    return {
        "events": events_of(coop.id, coop.tenant_id),
        "hops": hops_of(coop.id, coop.tenant_id),
        "deadlines": deadlines_of(coop.id, coop.tenant_id),
        "decisions": decisions_of(coop.id, coop.tenant_id),
    }
