"""Taking an action on a cooperation: the engine decides, one transaction records it all.

:func:`apply_decision` is the orchestrator every change goes through (a user's action, or the
sweep when a deadline expires): the stage history, deadlines closed and opened, the routing hop,
decisions with their letters, the term, the new stage, notifications (the outbox) and the audit
entry on the owner's chain. Jobs (e-mails) are enqueued after commit.
"""

from __future__ import annotations

from dataclasses import asdict, replace
from datetime import datetime
from typing import Any

from sikd.accounts.models import User
from sikd.audit import services as audit
from sikd.cooperations import domestic, history, monitoring, schedules, terms
from sikd.cooperations.access import acting_on, actor_for, grant
from sikd.cooperations.models import ACTIVE_STATUSES, Cooperation, CooperationStatus
from sikd.cooperations.notices import notify_decision
from sikd.cooperations.state import engine_state, field_lookup, rulebook_of, rules_of, state_summary
from sikd.cooperations.summary import refresh_summary
from sikd.core import clock
from sikd.core.errors import AppError
from sikd.core.extensions import db
from sikd.core.i18n import format_tanggal
from sikd.deadlines.models import Deadline
from sikd.deadlines.services import close_deadlines, open_deadlines
from sikd.routing import services as routing
from sikd.rules.overrides import working_calendar
from sikd.tenancy.scope import tenant_scope
from sikd.workflow import engine
from sikd.workflow.rulebook import Rulebook
from sikd.workflow.types import Actor, Decision, Refusal


def available_actions(user: User, coop: Cooperation) -> list[engine.ActionInfo]:
    actor = actor_for(user, coop)
    if actor is None or coop.status not in ACTIVE_STATUSES:
        return []
    return engine.available_actions(rulebook_of(coop), engine_state(coop), actor)


def perform_action(
    user: User,
    coop_id: int,
    action: str,
    inputs: dict[str, Any] | None = None,
    expected_version: int | None = None,
) -> Cooperation:
    """Take ``action`` on the cooperation as ``user``; one transaction, or a refusal."""
    now = clock.now()
    coop, actor = acting_on(user, coop_id)
    decision = engine.decide(
        rulebook_of(coop), engine_state(coop), action, actor, inputs or {}, expected_version
    )
    if isinstance(decision, Refusal):
        db.session.rollback()
        raise refusal_error(cited_refusal(rules_of(coop), decision), coop, actor)
    try:
        context = domestic.before_apply(coop, decision)  # e.g. the selection, Pasal 39(2)
    except AppError:
        db.session.rollback()
        raise
    with tenant_scope(coop.tenant_id):  # writes belong to the cooperation's owner
        apply_decision(coop, decision, now, user=user, actor_level=actor.level, context=context)
        db.session.commit()
    return coop


def cited_refusal(rules: Rulebook, refusal: Refusal) -> Refusal:
    return replace(refusal, message=rules.cite(refusal.message), basis=rules.cite(refusal.basis))


def _already_routed(coop: Cooperation) -> AppError | None:
    direct = routing.last_direct_route(coop.id, coop.tenant_id)
    if direct is None or coop.holder_level == "provinsi":
        return None
    when = format_tanggal(direct.acted_at.date()) if direct.acted_at else "-"
    return AppError(
        "already_routed_directly",
        (
            f"Pengajuan ini sudah diajukan langsung ke Kementerian Dalam Negeri pada "
            f"{when} karena tidak diteruskan dalam 5 hari ({direct.basis}). "
            "Anda tetap dapat melihat perkembangannya, tetapi tidak perlu meneruskannya lagi."
        ),
        status=409,
        basis=direct.basis,
        state=state_summary(coop),
    )


def refusal_error(refusal: Refusal, coop: Cooperation, actor: Actor) -> AppError:
    """The engine's refusal as the error the caller sees (409 when the state moved on)."""
    if actor.level == "provinsi" and refusal.code in (
        "stale_state",
        "wrong_level",
        "unknown_action",
        "role_not_allowed",
    ):
        routed = _already_routed(coop)
        if routed is not None:
            return routed
    if refusal.code in ("stale_state", "wrong_level", "terminal"):
        return AppError(refusal.code, refusal.message, status=409, state=state_summary(coop))
    if refusal.code == "role_not_allowed":
        return AppError(refusal.code, refusal.message, status=403, missing=refusal.missing)
    field_errors = {}
    if refusal.code in ("missing_inputs", "invalid_inputs", "reason_required"):
        field_errors = {name: [refusal.message] for name in refusal.missing}
    return AppError(
        refusal.code,
        refusal.message,
        status=422,
        missing=refusal.missing,
        basis=refusal.basis,
        field_errors=field_errors,
    )


def _route(
    coop: Cooperation,
    rules: Rulebook,
    decision: Decision,
    opened: list[Deadline],
    note: str | None,
    landing_level: str,
    now: datetime,
) -> None:
    """Close the current holder's hop and open the next one (or set the due date of the open
    hop when the stage only opened a deadline)."""
    if decision.hop is None:
        hop = routing.current_hop(coop.id, coop.tenant_id) if opened else None
        if hop is not None and hop.due_at is None:
            hop.due_at = min(d.due_at for d in opened)
        return
    basis = rules.cite(decision.hop.basis or decision.basis)
    routing.close_hop(
        routing.current_hop(coop.id, coop.tenant_id), now, decision.hop.outcome, note, basis
    )
    holder = routing.holder_tenant(landing_level, coop.tenant, coop.partner_tenant)
    if not decision.terminal:
        due = min((d.due_at for d in opened), default=None)
        roles = rules.roles_of(coop.process, decision.to_stage)
        routing.open_hop(coop, decision.to_stage, landing_level, holder, roles, now, due)
    if landing_level in ("kemlu", "partner"):
        grant(coop, holder, landing_level, now)
    coop.holder_level = landing_level
    coop.holder_tenant = holder  # the relationship, so a loaded object does not go stale


def apply_decision(
    coop: Cooperation,
    decision: Decision,
    now: datetime,
    *,
    user: User | None,
    actor_level: str,
    context: dict[str, Any] | None = None,
) -> None:
    rules = rules_of(coop)
    from_stage = coop.stage
    landing = decision.to_stage
    landing_level = decision.hop.to_level if decision.hop else rules.level_of(coop.process, landing)
    inputs = decision.inputs or {}
    note = inputs.get("catatan") or inputs.get("alasan")

    history.record_event(coop, decision, rules, now, user, from_stage)
    close_deadlines(coop.id, decision.deadlines_to_close, now, coop.tenant_id)
    terms.apply_extension(coop, decision)  # before the term-end deadlines re-open
    opened = []
    if decision.deadlines_to_open:
        opened = open_deadlines(
            coop, decision.deadlines_to_open, now, working_calendar(), field_lookup(coop)
        )
    _route(coop, rules, decision, opened, note, landing_level, now)
    decided_by = user.tenant_id if user else coop.holder_tenant_id
    history.record_letters(coop, rules, from_stage, decision, decided_by, note, now)
    history.record_term(coop)

    if landing != from_stage:
        coop.stage_entered_at = now
        coop.approvals = []
    elif decision.approvals_added:  # one side's approval at a parallel stage (Pasal 27)
        coop.approvals = sorted(set(coop.approvals or ()) | decision.approvals_added)
    coop.stage = landing
    coop.version = decision.new_version
    coop.flags = sorted(set(coop.flags or ()) | set(decision.flags_added))
    coop.updated_at = now
    if decision.terminal:
        coop.status = (
            CooperationStatus.DITOLAK if decision.kind == "refuse" else CooperationStatus.SELESAI
        )

    schedules.after_decision(coop, decision, from_stage, now)
    monitoring.after_decision(coop, decision, now)
    refresh_summary(coop, rules)
    notify_decision(coop, rules, decision, landing_level, now)
    domestic.after_decision(coop, decision, rules, now, user, actor_level, context or {})
    audit.record(
        tenant_id=coop.tenant_id,
        action=f"cooperation.{decision.kind}",
        object_type="cooperation",
        object_id=coop.id,
        summary=history.summary(coop, decision, rules, from_stage),
        at=now,
        actor=user,
        actor_label=None if user else "sistem (tenggat)",
        data={
            "from": from_stage,
            "to": landing,
            "action": decision.action,
            "expiry": decision.expiry,
            "hop": asdict(decision.hop) if decision.hop else None,
            "basis": decision.basis,
            "actor_level": actor_level,
            "version": decision.new_version,
        },
    )
    db.session.flush()
