"""Who may see and who may act: the one place for it.

A tenant sees a cooperation it owns, or one it holds an explicit grant for (its provinsi,
Kemendagri, Kemlu once the cooperation was sent there). Row-level security applies the same rule
underneath, and :func:`visible_query` applies it in the application, so either layer alone
stops a leak. Acting needs a relation (the level the user's tenant stands at) *and* a role the
rulebook names for the stage — the engine checks the latter.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import joinedload

from sikd.accounts.models import User
from sikd.cooperations.models import Cooperation, CooperationAccess, parties
from sikd.cooperations.state import rulebook_of
from sikd.core.errors import NotFound
from sikd.core.extensions import db
from sikd.tenancy.models import KEMENDAGRI, KEMLU, Tenant
from sikd.tenancy.scope import current_tenant_id, is_system_scope, owned_by, system_scope
from sikd.workflow.rulebook import Rulebook
from sikd.workflow.types import Actor

NOT_VISIBLE = "Kerja sama tidak ditemukan atau tidak dapat Anda lihat."


def _stage_level(coop: Cooperation) -> str:
    return Rulebook(rulebook_of(coop)).level_of(coop.process, coop.stage)  # decoded once


def _partner_acts_here(coop: Cooperation) -> bool:
    """The partner side has something of its own at the current stage: the stage is held at
    ``partner``, its parallel gate waits for the partner (Pasal 27), or one of its actions is
    the partner's (its own report, change or extension during pelaksanaan, Pasal 26-34)."""
    if _stage_level(coop) == "partner" or "partner" in (coop.waiting_sides or ()):
        return True
    stage = Rulebook(rulebook_of(coop)).stage(coop.process, coop.stage) or {}
    return any(a.get("level") == "partner" for a in Rulebook.actions_in(stage))


def actor_level(user_tenant: Tenant, coop: Cooperation) -> str | None:
    """How the user's tenant relates to the cooperation, or None when it has no relation.

    The partner daerah named on a KSDD stands at ``partner`` (it sees the cooperation only once
    a grant was given, when the offer reached it). A partner that does not use SIKD is free
    text: the owner records its answers, so at a ``partner`` stage the owner stands there."""
    if user_tenant.id == coop.tenant_id:
        if coop.partner_tenant_id is None and _stage_level(coop) == "partner":
            return "partner"
        waiting = coop.waiting_sides or ()
        if coop.partner_tenant_id is None and "own" not in waiting and "partner" in waiting:
            return "partner"  # the free-text partner's own approval at a parallel stage
        return "own"
    if coop.partner_tenant_id == user_tenant.id:
        if coop.tenant.parent_id == user_tenant.id and not _partner_acts_here(coop):
            return "provinsi"  # a provinsi partnering its own kab/kota still supervises it
        return "partner"
    if coop.tenant.parent_id == user_tenant.id:
        return "provinsi"
    if user_tenant.code == KEMENDAGRI:
        return "kemendagri"
    if user_tenant.code == KEMLU:
        return "kemlu"
    return None


def actor_for(user: User, coop: Cooperation) -> Actor | None:
    level = actor_level(user.tenant, coop)
    if level is None:
        return None
    return Actor(roles=frozenset(user.roles), level=level)


def visibility_filter(tenant_id: int | None = None):
    """The application-side rule: owned by the tenant, or granted to it."""
    tenant_id = tenant_id if tenant_id is not None else current_tenant_id()
    granted = exists().where(
        CooperationAccess.cooperation_id == Cooperation.id,
        CooperationAccess.tenant_id == tenant_id,
    )
    return or_(owned_by(Cooperation, tenant_id), granted)


def of_cooperation(model, coop: Cooperation):
    """The app-side filter for a row that belongs to a cooperation the caller was allowed to see
    (stage events, hops, deadlines, decisions, documents): the owner's tenant and that
    cooperation; ``tenant_id`` first, as in every composite index."""
    return and_(owned_by(model, coop.tenant_id), model.cooperation_id == coop.id)


def of_shared_file(model, coop: Cooperation):
    """The app-side filter for the documents filed on a cooperation by either side (RLS lets
    the owner read the partner's, and a grantee both)."""
    return and_(model.tenant_id.in_(parties(coop)), model.cooperation_id == coop.id)


def filing_tenant_id(user: User, coop: Cooperation) -> int:
    """Under which tenant the user's upload on the cooperation is kept: the partner daerah's
    own when its user files it, the owner's otherwise (a supervisor's note files with the
    owner, as before)."""
    if coop.partner_tenant_id is not None and user.tenant_id == coop.partner_tenant_id:
        return coop.partner_tenant_id
    return coop.tenant_id


def visible_query():
    """Every cooperation the current tenant may see (RLS applies the same rule underneath)."""
    query = select(Cooperation)
    if is_system_scope():
        return query
    return query.where(visibility_filter())


def visible_joined_query():
    """:func:`visible_query` with the grant as a LEFT JOIN on its ``(tenant_id,
    cooperation_id)`` index instead of EXISTS: for a short list walked in an index's order (the
    50 most overdue), each row probes its grant, where EXISTS would hash every grant of a
    national viewer (100,000) once more beside row-level security's own."""
    if is_system_scope():
        return select(Cooperation)
    tenant_id = current_tenant_id()
    return (
        select(Cooperation)
        .outerjoin(
            CooperationAccess,
            and_(
                CooperationAccess.tenant_id == tenant_id,
                CooperationAccess.cooperation_id == Cooperation.id,
            ),
        )
        .where(or_(owned_by(Cooperation, tenant_id), CooperationAccess.id.is_not(None)))
    )


def get_visible(coop_id: int, for_update: bool = False) -> Cooperation:
    """The cooperation if the current tenant may see it, else :class:`NotFound`; with its pinned
    rulebook version (the row, its JSON deferred: every caller reads the rulebook)."""
    query = (
        visible_query()
        .where(Cooperation.id == coop_id)
        .options(joinedload(Cooperation.rulebook_version))
    )
    if for_update:
        query = query.with_for_update(of=Cooperation)
    coop = db.session.scalar(query)
    if coop is None:
        raise NotFound("not_found", NOT_VISIBLE)
    return coop


def acting_on(user: User, coop_id: int) -> tuple[Cooperation, Actor]:
    """The cooperation locked for an action and the user's standing on it; 404 without one."""
    coop = get_visible(coop_id, for_update=True)  # serialises concurrent actors on this row
    actor = actor_for(user, coop)
    if actor is None:
        raise NotFound("not_found", NOT_VISIBLE)
    return coop, actor


def parent_provinsi(tenant: Tenant) -> Tenant | None:
    return tenant.parent if tenant.is_kabkota else None


def grant(coop: Cooperation, grantee: Tenant | None, reason: str, now: datetime) -> None:
    """Let ``grantee`` see the cooperation (once); the owner needs no grant."""
    if grantee is None or grantee.id == coop.tenant_id:
        return
    with system_scope():
        already = db.session.scalar(
            select(CooperationAccess.id).where(
                CooperationAccess.tenant_id == grantee.id,
                CooperationAccess.cooperation_id == coop.id,
            )
        )
        if already is None:
            db.session.add(
                CooperationAccess(
                    tenant_id=grantee.id,
                    cooperation_id=coop.id,
                    owner_tenant_id=coop.tenant_id,
                    reason=reason,
                    created_at=now,
                )
            )
            db.session.flush()


def visible_first(view):
    """For a view on ``/…/<coop_id>/…``: the cooperation must be visible before anything else
    (its body is read only then), so a foreign or missing one is a 404 whatever was sent."""
    from functools import wraps

    @wraps(view)
    def wrapper(*args, **kwargs):
        if "coop_id" in kwargs:
            get_visible(kwargs["coop_id"])
        return view(*args, **kwargs)

    return wrapper
