"""What a cooperation remembers of each step: the stage history, the decisions with their letters,
the term as the naskah states it, and the audit entries on the owner's chain."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from sqlalchemy import select

from sikd.accounts.models import User
from sikd.audit import services as audit
from sikd.cooperations.models import Cooperation, CooperationDecision, StageEvent
from sikd.cooperations.state import TERM_KINDS, current_versions
from sikd.core import clock
from sikd.core.extensions import db
from sikd.deadlines.services import as_date, jsonable
from sikd.tenancy.scope import owned_by, tenant_scope
from sikd.workflow.rulebook import Rulebook
from sikd.workflow.types import Decision


def actor_label(user: User | None) -> str:
    if user is None:
        return "Sistem SIKD"
    return f"{user.full_name} ({user.tenant.name})"


def record_event(
    coop: Cooperation,
    decision: Decision,
    rules: Rulebook,
    now,
    user: User | None,
    from_stage: str | None,
) -> None:
    """One row of the stage history: who did what, when, on what basis."""
    db.session.add(
        StageEvent(
            tenant_id=coop.tenant_id,
            cooperation_id=coop.id,
            at=now,
            from_stage=from_stage,
            to_stage=decision.to_stage,
            action=decision.action,
            kind=decision.kind,
            actor_user_id=user.id if user else None,
            actor_tenant_id=user.tenant_id if user else None,
            actor_label=actor_label(user),
            inputs=jsonable(decision.inputs),
            skipped=[asdict(s) for s in decision.skipped_stages],
            basis=rules.cite(decision.basis),
            expiry=decision.expiry,
        )
    )


def record_on_cooperation(
    coop: Cooperation,
    actor: User | None,
    action: str,
    object_type: str,
    object_id: Any,
    summary: str,
    data: dict[str, Any] | None = None,
    *,
    at=None,
    actor_label: str | None = None,
) -> None:
    """An audit entry on the chain of the cooperation's owner, whoever acted; caller commits."""
    with tenant_scope(coop.tenant_id):
        audit.record(
            tenant_id=coop.tenant_id,
            action=action,
            object_type=object_type,
            object_id=object_id,
            summary=summary if summary.startswith(coop.number) else f"{coop.number}: {summary}",
            at=at or clock.now(),
            actor=actor,
            actor_label=actor_label,
            data=data,
        )


def record_letters(
    coop: Cooperation,
    rules: Rulebook,
    from_stage: str,
    decision: Decision,
    decided_by_tenant_id: int,
    note: str | None,
    now,
) -> None:
    """Decisions with their letters (tanggapan, pertimbangan, surat konfirmasi, persetujuan,
    salinan): the letter is the document the action requires, its number and date its fields."""
    action = rules.action(coop.process, from_stage, decision.action) if decision.action else None
    letter_kinds = [k for k in (action or {}).get("requires_documents") or () if rules.is_letter(k)]
    if not letter_kinds:
        return
    for kind, _, fields in current_versions(coop):
        if kind not in letter_kinds:
            continue
        db.session.add(
            CooperationDecision(
                tenant_id=coop.tenant_id,
                cooperation_id=coop.id,
                stage=from_stage,
                action=decision.action or decision.kind,
                decided_by_tenant_id=decided_by_tenant_id,
                nomor_surat=fields.get("nomor_surat"),
                tanggal_surat=as_date(fields.get("tanggal_surat")),
                note=note,
                at=now,
            )
        )


def record_term(coop: Cooperation) -> None:
    """The term (jangka waktu, ≤ 5 tahun: Perwal 57/2023 Pasal 78(1)) as the naskah states it."""
    candidates = [(at, f) for kind, at, f in current_versions(coop) if kind in TERM_KINDS]
    if not candidates:
        return
    _, fields = max(candidates, key=lambda c: c[0])
    if fields:
        coop.term_start = as_date(fields.get("tanggal_mulai_berlaku")) or coop.term_start
        written = as_date(fields.get("tanggal_berakhir"))
        # an approved extension (cooperations.terms) outranks the date written in the naskah
        coop.term_end = coop.term_extended_until or written or coop.term_end


def summary(coop: Cooperation, decision: Decision, rules: Rulebook, from_stage: str) -> str:
    to_label = rules.label_of(coop.process, decision.to_stage)
    from_label = rules.label_of(coop.process, from_stage)
    if decision.expiry == "route_direct":
        return f"{coop.number}: tidak diteruskan Gubernur dalam tenggat; diajukan langsung ke {to_label}"
    if decision.expiry == "deemed_approved":
        return f"{coop.number}: dianggap disetujui karena tenggat habis; lanjut ke {to_label}"
    if decision.expiry == "expire":
        return f"{coop.number}: tenggat di tahap {from_label} lewat; ditandai {', '.join(decision.flags_added)}"
    return f"{coop.number}: {decision.action} di tahap {from_label}, kini {to_label}"


def events_of(coop_id: int, tenant_id: int) -> list[StageEvent]:
    """The stage history of a cooperation the caller may see (owner's tenant and its id)."""
    return list(
        db.session.scalars(
            select(StageEvent)
            .where(owned_by(StageEvent, tenant_id), StageEvent.cooperation_id == coop_id)
            .order_by(StageEvent.at, StageEvent.id)
        )
    )


def decisions_of(coop_id: int, tenant_id: int) -> list[CooperationDecision]:
    return list(
        db.session.scalars(
            select(CooperationDecision)
            .where(
                owned_by(CooperationDecision, tenant_id),
                CooperationDecision.cooperation_id == coop_id,
            )
            .order_by(CooperationDecision.at)
        )
    )
