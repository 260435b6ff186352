"""The route of a cooperation: who holds it at each level, since when, and how each hop ended.

A hop is opened when a level receives the cooperation and closed when that level acts on it
(forwarded, returned, decided) or when the system routes around it (``routed_directly``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from sikd.core.extensions import db
from sikd.routing.models import RoutingHop
from sikd.tenancy.models import KEMENDAGRI, KEMLU, Tenant
from sikd.tenancy.scope import owned_by

ROUTED_DIRECTLY = "routed_directly"


def tenant_by_code(code: str) -> Tenant | None:
    """By code; the id is remembered by the session, so the next time the identity map answers
    (a tenant's code and id never change)."""
    known = db.session.info.setdefault("sikd_tenant_ids", {})
    if code in known:
        tenant = db.session.get(Tenant, known[code])
        if tenant is not None:
            return tenant
    tenant = db.session.scalar(select(Tenant).where(Tenant.code == code))
    if tenant is not None:
        known[code] = tenant.id
    return tenant


def holder_tenant(level: str, owner: Tenant, partner: Tenant | None = None) -> Tenant:
    """The tenant that holds a cooperation of ``owner`` at ``level`` of the route (at
    ``partner``: the partner daerah when it uses SIKD, else the owner, who records its answer)."""
    if level == "partner":
        return partner or owner
    if level == "provinsi":
        return owner.parent or owner
    if level == "kemendagri":
        return tenant_by_code(KEMENDAGRI)
    if level == "kemlu":
        return tenant_by_code(KEMLU)
    return owner


def open_hop(
    coop: Any,
    stage: str,
    level: str,
    holder: Tenant,
    roles: list[str],
    now: datetime,
    due: datetime | None = None,
) -> RoutingHop:
    hop = RoutingHop(
        tenant_id=coop.tenant_id,
        cooperation_id=coop.id,
        stage=stage,
        level=level,
        holder_tenant_id=holder.id,
        holder_roles=list(roles),
        received_at=now,
        due_at=due,
    )
    db.session.add(hop)
    return hop


def _of(coop_id: int, tenant_id: int | None):
    """Hops of one cooperation; with its owner the (tenant_id, cooperation_id) index answers."""
    where = [RoutingHop.cooperation_id == coop_id]
    if tenant_id is not None:
        where.append(owned_by(RoutingHop, tenant_id))
    return select(RoutingHop).where(*where)


def current_hop(coop_id: int, tenant_id: int | None = None) -> RoutingHop | None:
    """The hop still waiting for its holder to act, if any."""
    return db.session.scalar(
        _of(coop_id, tenant_id)
        .where(RoutingHop.acted_at.is_(None))
        .order_by(RoutingHop.received_at.desc())
        .limit(1)
    )


def close_hop(hop: RoutingHop | None, now: datetime, outcome: str, note: str | None, basis: str):
    if hop is None:
        return
    hop.acted_at = now
    hop.outcome = outcome
    hop.note = note
    hop.basis = basis


def last_direct_route(coop_id: int, tenant_id: int | None = None) -> RoutingHop | None:
    """The Gubernur's hop that the system closed by submitting directly to Kemendagri."""
    return db.session.scalar(
        _of(coop_id, tenant_id)
        .where(
            RoutingHop.level == "provinsi",
            RoutingHop.outcome == ROUTED_DIRECTLY,
        )
        .order_by(RoutingHop.received_at.desc())
        .limit(1)
    )


def hops_of(coop_id: int, tenant_id: int | None = None) -> list[RoutingHop]:
    return list(
        db.session.scalars(_of(coop_id, tenant_id).order_by(RoutingHop.received_at, RoutingHop.id))
    )
