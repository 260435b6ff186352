"""Reading cooperations for lists: the register, the inbox, the timeline of one cooperation.

Every query starts from :func:`sikd.cooperations.access.visible_query`, so the application filter
applies on top of row-level security.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, any_, func, not_, or_, select, true, union_all
from sqlalchemy.orm import selectinload

from sikd.accounts.models import User
from sikd.cooperations.access import visible_query
from sikd.cooperations.history import decisions_of, events_of
from sikd.cooperations.models import (
    ACTIVE_STATUSES,
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


def capped_count(query, cap: int = COUNT_CAP) -> int:
    """How many rows ``query`` has, counting at most ``cap + 1`` (more than ``cap`` = many)."""
    return db.session.scalar(select(func.count()).select_from(query.limit(cap + 1).subquery()))


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


def reachable(query):
    """The visibility rule once more, in terms the planner may use an index for under
    row-level security (``=`` on integers is leakproof; ILIKE and the policy's ``EXISTS`` are
    not): owned by the tenant (``tenant_id``) or granted to it, as
    ``id = ANY(ARRAY(the grants' ids))``, computed once before the scan. The two are one
    bitmap of the tenant's rows (a Kota's 2,000, not the nation's), and search filters only
    those."""
    tenant_id = current_tenant_id()
    if is_system_scope() or tenant_id is None:
        return query
    granted = select(CooperationAccess.cooperation_id).where(
        CooperationAccess.tenant_id == tenant_id
    )
    return query.where(
        or_(
            Cooperation.tenant_id == tenant_id,
            Cooperation.id == any_(func.array(granted.scalar_subquery())),
        )
    )


def _page(query, order: tuple, *, limit: int | None, offset: int = 0, options=()) -> list:
    """One page of ``query`` in ``order``: the ids of the page first (filtered, sorted and cut
    without the joined tenants), then those rows with their tenants (and ``options``). The
    planner cannot estimate how many rows the list filters keep; joined to the tenants in the
    same query it may pick a plan that pays per kept row rather than per shown row."""
    if limit is None:
        rows = db.session.scalars(query.options(*options).order_by(*order).offset(offset))
        return list(rows)
    ids = query.with_only_columns(Cooperation.id).order_by(*order).offset(offset).limit(limit)
    rows = db.session.scalars(
        visible_query().where(Cooperation.id.in_(ids)).options(*options).order_by(*order)
    )
    return list(rows)


def _counted_page(
    query, order: tuple, *, limit: int, offset: int = 0, options=(), also=()
) -> tuple[list[Cooperation], tuple[int, ...] | None]:
    """:func:`_page` and, in the same statement, how many rows ``query`` has in all and how
    many of them meet each condition of ``also`` (``count(*) OVER ()``: the sort of the page
    reads every match anyway, so a separate count would read them twice). The counts are
    None when the page is empty (past the last page: the caller counts apart)."""
    counts = [
        func.count().over().label("n0"),
        *(func.count().filter(cond).over().label(f"n{i}") for i, cond in enumerate(also, 1)),
    ]
    page = (
        query.with_only_columns(Cooperation.id, *counts)
        .order_by(*order)
        .offset(offset)
        .limit(limit)
        .subquery()
    )
    result = db.session.execute(
        visible_query()
        .join(page, page.c.id == Cooperation.id)
        .add_columns(*(page.c[c.name] for c in counts))
        .options(*options)
        .order_by(*order)
    ).all()
    if not result:
        return [], None
    return [row[0] for row in result], tuple(result[0][1:])


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


def _reachable_keys(args: dict[str, Any]):
    """The register's matches as (id, updated_at): :func:`reachable` written as the tenant's
    own rows UNION ALL those granted to it that it does not own (each row once). A ``tenant_id =``
    branch of its own may be an index-only scan of ``ix_cooperations_tenant_search`` (the
    columns a search and the order read), where the OR of :func:`reachable` is a bitmap scan
    that visits every heap page of the tenant's rows (a Kota's 2,000 rows on 1,800 pages)."""
    keys = (Cooperation.id, Cooperation.updated_at)
    tenant_id = current_tenant_id()
    if is_system_scope() or tenant_id is None:
        return _register_filters(visible_query(), args).with_only_columns(*keys).subquery()
    granted = select(CooperationAccess.cooperation_id).where(
        CooperationAccess.tenant_id == tenant_id
    )
    own = visible_query().where(Cooperation.tenant_id == tenant_id)
    others = visible_query().where(
        Cooperation.id == any_(func.array(granted.scalar_subquery())),
        Cooperation.tenant_id != tenant_id,
    )
    return union_all(
        _register_filters(own, args).with_only_columns(*keys),
        _register_filters(others, args).with_only_columns(*keys),
    ).subquery()


def filtered_cooperations(args: dict[str, Any]) -> tuple[list[Cooperation], int]:
    """The register: every cooperation the caller may see, filtered and paged (newest change
    first), and how many (at most ``max(COUNT_CAP, the rows up to this page) + 1``). The page's
    ids and the count come from one statement over the matches' keys (``count(*) OVER ()``),
    then those rows are read by primary key."""
    keys = _reachable_keys(args)
    page, per_page = args.get("page", 1), args.get("per_page", 50)
    ids = (
        select(keys.c.id, func.count().over().label("n"))
        .order_by(keys.c.updated_at.desc(), keys.c.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
        .subquery()
    )
    order = (Cooperation.updated_at.desc(), Cooperation.id.desc())
    result = db.session.execute(
        visible_query().join(ids, ids.c.id == Cooperation.id).add_columns(ids.c.n).order_by(*order)
    ).all()
    cap = max(COUNT_CAP, page * per_page)
    if result:
        return [row[0] for row in result], min(result[0][1], cap + 1)
    counted = select(func.count()).select_from(select(keys.c.id).limit(cap + 1).subquery())
    return [], db.session.scalar(counted)


# The levels a tenant acts at on another tenant's cooperation (its provinsi, Kemendagri, Kemlu,
# the partner daerah of a KSDD); on its own it acts at "own", and at "partner" for a partner
# outside SIKD (see access.actor_level).
OTHER_LEVELS = ("provinsi", "kemendagri", "kemlu")


def _my_turn(user: User):
    """The condition "the user's roles act on it now": held by the user's tenant, running, at
    a stage where one of the user's roles has an action for this cooperation (kept on the row
    by :mod:`sikd.cooperations.summary`), at the level the tenant stands at."""
    return turn_of(user.tenant_id, sorted(user.roles))


def turn_of(tenant_id: int, roles: list[str] | None):
    """:func:`_my_turn` for a tenant and roles; ``roles`` None: whichever roles act (the turn
    of some user of the tenant; a user's is this and ``holder_roles`` overlapping its roles)."""
    acting = Cooperation.holder_roles.overlap(roles) if roles is not None else true()
    partner_side = and_(  # the partner daerah's own approval at a parallel stage (Pasal 27)
        Cooperation.partner_tenant_id == tenant_id,
        Cooperation.status.in_(ACTIVE_STATUSES),
        acting,
        Cooperation.waiting_sides.contains(["partner"]),
    )
    own_turn = and_(
        Cooperation.holder_tenant_id == tenant_id,
        Cooperation.status.in_(ACTIVE_STATUSES),
        acting,
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
    return or_(own_turn, partner_side)


def _inbox_query(user: User, level: str | None):
    """:func:`_my_turn`, led by what it implies in leakproof terms (``=`` on integers and
    text): active, held by the user's tenant or partnered by it. Under row-level security the
    planner may use an index only for such a top-level condition (not for the OR of array
    conditions below it), so these reach the tenant's rows by ``ix_cooperations_active_holder``
    and the partner index rather than by reading the national table."""
    query = visible_query().where(*turn_conditions(user.tenant_id, sorted(user.roles)))
    return query if level is None else query.where(Cooperation.holder_level == level)


def turn_conditions(tenant_id: int, roles: list[str] | None) -> tuple:
    """:func:`turn_of`, led by the leakproof conditions it implies (see :func:`_inbox_query`)."""
    return (
        Cooperation.status.in_(ACTIVE_STATUSES),
        or_(Cooperation.holder_tenant_id == tenant_id, Cooperation.partner_tenant_id == tenant_id),
        turn_of(tenant_id, roles),
    )


# overdue first, then by due date, those without a deadline last
_BY_DUE = (Cooperation.next_due_at.asc().nulls_last(), Cooperation.id)


def _watch_query(user: User):
    """Dipantau: running cooperations the user's tenant owns or was given (it supervises them,
    or they passed through its hands) that are not the user's turn now."""
    return reachable(visible_query()).where(
        Cooperation.status.in_(ACTIVE_STATUSES), not_(_my_turn(user))
    )


def watched(user: User, *, limit: int, offset: int = 0) -> tuple[list[Cooperation], int]:
    """The Dipantau part of the inbox: overdue first, then by due date; and how many."""
    query = _watch_query(user)
    rows, counts = _counted_page(query, _BY_DUE, limit=limit, offset=offset)
    if counts is None:
        return rows, capped_count(query) if offset else 0
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
    rows = _page(_inbox_query(user, level), _BY_DUE, limit=limit, offset=offset, options=options)
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
    query = _inbox_query(user, level)
    rows, counts = _counted_page(
        query,
        _BY_DUE,
        limit=per_page,
        offset=(page - 1) * per_page,
        options=options,
        also=(Cooperation.next_due_at < clock.now(),),
    )
    if counts is None:
        counts = inbox_counts(user, level)
        last = max((counts[0] + per_page - 1) // per_page, 1)
        if clamp and counts[0] and page > last:
            offset = (last - 1) * per_page
            rows = _page(query, _BY_DUE, limit=per_page, offset=offset, options=options)
    items = [{"cooperation": c, "due_at": c.next_due_at} for c in rows]
    return items, counts[0], counts[1]


def inbox_counts(user: User, level: str | None = None) -> tuple[int, int]:
    """(waiting, of which overdue) for the user's inbox, in one query."""
    sub = _inbox_query(user, level).subquery()
    total, late = db.session.execute(
        select(func.count(), func.count().filter(sub.c.next_due_at < clock.now())).select_from(sub)
    ).one()
    return total, late


def timeline(coop: Cooperation) -> dict[str, Any]:
    return {
        "events": events_of(coop.id, coop.tenant_id),
        "hops": hops_of(coop.id, coop.tenant_id),
        "deadlines": deadlines_of(coop.id, coop.tenant_id),
        "decisions": decisions_of(coop.id, coop.tenant_id),
    }
