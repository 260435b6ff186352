"""The derived facts every list shows, kept on the cooperation row.

Lists (the inbox, the queues, the register, the national view) read the stage label, the roles
that act now, the next deadline and since when the holder has the cooperation from the row
itself, so a page of 50 rows is one query whatever the rulebook or the number of deadlines.
:func:`refresh_summary` is called by the only writers of a cooperation's stage
(``create.create_cooperation`` and ``actions.apply_decision``), in their transaction.
"""

from __future__ import annotations

from sqlalchemy import func, select

from sikd.cooperations.models import Cooperation, CooperationStatus
from sikd.core.extensions import db
from sikd.deadlines.models import Deadline, DeadlineStatus
from sikd.routing.models import RoutingHop
from sikd.workflow.conditions import condition_holds
from sikd.workflow.parallel import required_sides
from sikd.workflow.rulebook import Rulebook


def acting_roles(rules: Rulebook, coop: Cooperation, stage_id: str | None = None) -> list[str]:
    """The roles that have an action at the stage for this cooperation: the roles of each
    action whose condition holds for its type, subtype, initiator and facts (a stage may name
    a role whose only action is for another jenis). Whose turn it is, for the inbox and the
    notifications; documents still missing do not take the turn away (the page names them)."""
    stage = rules.stage(coop.process, stage_id or coop.stage) or {}
    out: list[str] = []
    for action in Rulebook.actions_in(stage):
        if not condition_holds(
            action.get("when"), coop.type, coop.subtype, coop.tenant.kind, coop.facts or ()
        ):
            continue
        for role in Rulebook.action_roles(stage, action):
            if role not in out:
                out.append(role)
    return out


def waiting_sides(rules: Rulebook, coop: Cooperation) -> list[str]:
    """At a stage whose sides approve in parallel (each side's DPRD, Pasal 27): the sides whose
    approval is still needed, so each side's inbox has it; empty elsewhere."""
    stage = rules.stage(coop.process, coop.stage) or {}
    if not stage.get("parallel"):
        return []
    required = required_sides(stage, coop.type, coop.subtype, coop.tenant.kind, coop.facts or ())
    return [s for s in required if s not in (coop.approvals or ())]


def first_open_deadline(tenant_id, cooperation_id, stage):
    """The open deadline of the stage that falls due first (ties by id): what a list shows as
    the row's next deadline, ``(due_at, unit)``. The arguments are values (one cooperation) or
    the columns of ``Cooperation`` (correlated, for many at once)."""
    return (
        select(Deadline.due_at, Deadline.spec["unit"].astext.label("unit"))
        .where(
            Deadline.tenant_id == tenant_id,
            Deadline.cooperation_id == cooperation_id,
            Deadline.status == DeadlineStatus.OPEN,
            Deadline.stage == stage,
        )
        .order_by(Deadline.due_at, Deadline.id)
        .limit(1)
    )


def refresh_summary(coop: Cooperation, rules: Rulebook) -> None:
    """Recompute the row's derived facts from the rulebook, the open deadlines of the current
    stage and the open hop (one statement; the caller's flush or commit writes them)."""
    running = coop.status == CooperationStatus.BERJALAN
    db.session.flush()  # the deadlines and the hop as they are now; the facts below come after
    first = first_open_deadline(coop.tenant_id, coop.id, coop.stage).subquery()
    since = select(func.max(RoutingHop.received_at)).where(
        RoutingHop.tenant_id == coop.tenant_id,
        RoutingHop.cooperation_id == coop.id,
        RoutingHop.acted_at.is_(None),
    )
    due_at, unit, holder_since = db.session.execute(
        select(
            select(first.c.due_at).scalar_subquery(),
            select(first.c.unit).scalar_subquery(),
            since.scalar_subquery(),
        )
    ).one()
    # set after the query, so the caller's next flush writes them in one UPDATE
    coop.stage_label = rules.label_of(coop.process, coop.stage)[:300]
    coop.holder_roles = acting_roles(rules, coop) if running else []
    coop.waiting_sides = waiting_sides(rules, coop) if running else []
    coop.next_due_at = due_at if running else None
    coop.next_due_unit = unit if running else None
    coop.holder_since = holder_since
