"""Reading cooperations for lists: the register, the inbox, the timeline of one cooperation.

Every query starts from :func:`sikd.cooperations.access.visible_query`, so the application filter
applies on top of row-level security.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_, select

from sikd.accounts.models import User
from sikd.cooperations.access import visible_query
from sikd.cooperations.history import decisions_of, events_of
from sikd.cooperations.models import ACTIVE_STATUSES, Cooperation
from sikd.cooperations.state import rules_of
from sikd.core import clock
from sikd.core.extensions import db
from sikd.deadlines.models import Deadline, DeadlineStatus
from sikd.deadlines.services import deadlines_of, open_due_at
from sikd.routing.services import hops_of
from sikd.tenancy.models import Tenant


def _in_provinsi(query, code: str):
    owner = Tenant.__table__.alias("owner")
    parent = Tenant.__table__.alias("parent")
    return (
        query.join(owner, owner.c.id == Cooperation.tenant_id)
        .outerjoin(parent, parent.c.id == owner.c.parent_id)
        .where(or_(owner.c.code == code, parent.c.code == code))
    )


def _overdue(query):
    return query.where(
        select(Deadline.id)
        .where(
            Deadline.cooperation_id == Cooperation.id,
            Deadline.status == DeadlineStatus.OPEN,
            Deadline.stage == Cooperation.stage,
            Deadline.due_at < clock.now(),
        )
        .exists()
    )


def _search(query, text: str):
    like = f"%{text.strip()}%"
    return query.where(
        or_(
            Cooperation.title.ilike(like),
            Cooperation.number.ilike(like),
            Cooperation.partner_name.ilike(like),
        )
    )


def filtered_cooperations(args: dict[str, Any]) -> tuple[list[Cooperation], int]:
    """The register: every cooperation the caller may see, filtered and paged."""
    query = visible_query()
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
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    page, per_page = args.get("page", 1), args.get("per_page", 50)
    rows = db.session.scalars(
        query.order_by(Cooperation.updated_at.desc()).offset((page - 1) * per_page).limit(per_page)
    ).all()
    return list(rows), total


def inbox(user: User) -> list[dict[str, Any]]:
    """What waits for this user now: cooperations held by the user's tenant at a stage one of
    the user's roles may act on; overdue first, then by due date."""
    rows = db.session.scalars(
        visible_query().where(
            Cooperation.holder_tenant_id == user.tenant_id,
            Cooperation.status.in_(ACTIVE_STATUSES),
        )
    ).all()
    mine = [c for c in rows if set(rules_of(c).roles_of(c.process, c.stage)) & set(user.roles)]
    due = open_due_at((c.id for c in mine), {c.id: c.stage for c in mine})
    items = [{"cooperation": c, "due_at": due.get(c.id)} for c in mine]
    now = clock.now()
    items.sort(key=lambda i: (i["due_at"] is None, i["due_at"] or now))
    return items


def timeline(coop: Cooperation) -> dict[str, Any]:
    return {
        "events": events_of(coop.id),
        "hops": hops_of(coop.id),
        "deadlines": deadlines_of(coop.id),
        "decisions": decisions_of(coop.id),
    }
