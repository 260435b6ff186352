"""What an action does beyond the engine's decision for domestic cooperation (and the term of
every type); called by :mod:`sikd.cooperations.actions` around ``apply_decision``.

* before: ``tetapkan_mitra`` needs a complete, clear selection (Pasal 39(2)).
* after: the berita acara of the selection; the partner daerah's register number and its own
  audit chain; the external report delivered to the Gubernur and the partner's Kepala Daerah
  (Perwal Bekasi 57/2023 Pasal 33(2)).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sikd.accounts.models import User
from sikd.cooperations import selection
from sikd.cooperations.access import grant, parent_provinsi
from sikd.cooperations.models import Cooperation
from sikd.cooperations.partners import number_for_partner, record_for_partner
from sikd.notifications.services import add_notification, notifications_for
from sikd.routing.services import holder_tenant
from sikd.workflow.rulebook import Rulebook
from sikd.workflow.types import Decision

REPORT_KIND = "laporan_pelaksanaan"
# who receives the external report at each level it is copied to (Pasal 33(2))
REPORT_RECIPIENTS = {"provinsi": ["gubernur_verifier"], "partner": ["kepala_daerah"]}


def before_apply(coop: Cooperation, decision: Decision) -> dict[str, Any]:
    """Checks the rulebook cannot state; raises an ``AppError`` to refuse."""
    if decision.from_stage == selection.SELECTION_STAGE and decision.action == (
        selection.CHOOSE_ACTION
    ):
        return {"ranking": selection.check_choice(coop, decision.inputs or {})}
    return {}


def after_decision(
    coop: Cooperation,
    decision: Decision,
    rules: Rulebook,
    now: datetime,
    user: User | None,
    actor_level: str,
    context: dict[str, Any],
) -> None:
    if context.get("ranking") and user is not None:
        selection.record_choice(coop, context["ranking"], user, now)
    _partner_side(coop, decision, rules, user, actor_level, now)
    _deliver_report(coop, decision, rules, now)


def _partner_side(
    coop: Cooperation,
    decision: Decision,
    rules: Rulebook,
    user: User | None,
    actor_level: str,
    now: datetime,
) -> None:
    if coop.partner_tenant_id is None:
        return
    to_label = rules.label_of(coop.process, decision.to_stage)
    if decision.hop is not None and decision.hop.to_level == "partner":
        # the partner's Gubernur supervises its kab/kota's side too (Permendagri 23/2009 Pasal 3)
        grant(coop, parent_provinsi(coop.partner_tenant), "provinsi", now)
        number_for_partner(coop, now)
        record_for_partner(
            coop,
            None,
            "cooperation.received",
            f"diterima dari {coop.tenant.name}: {coop.title}; tahap {to_label}",
            {"from_stage": decision.from_stage, "to": decision.to_stage},
        )
    if actor_level == "partner" and user is not None and user.tenant_id == coop.partner_tenant_id:
        record_for_partner(
            coop,
            user,
            f"cooperation.{decision.kind}",
            f"{decision.action} di tahap {rules.label_of(coop.process, decision.from_stage)}, "
            f"kini {to_label}",
            {"from": decision.from_stage, "to": decision.to_stage, "action": decision.action},
        )


def _deliver_report(coop: Cooperation, decision: Decision, rules: Rulebook, now: datetime):
    """An external report signed off at a stage that requires it reaches the Gubernur (for a
    kab/kota) and the other side's Kepala Daerah (when it uses SIKD). A report of the partner
    daerah (a stage it holds) is read from its side: its own Gubernur and the offering daerah
    (Pasal 33(2), 35(1))."""
    if decision.kind != "advance" or not decision.from_stage:
        return
    stage = rules.stage(coop.process, decision.from_stage) or {}
    action = rules.action(coop.process, decision.from_stage, decision.action) or {}
    if REPORT_KIND not in (stage.get("requires_documents") or ()):
        return
    sender, other = coop.tenant, coop.partner_tenant
    if stage.get("level") == "partner":
        if coop.partner_tenant is None:
            return  # a free-text partner reports outside SIKD
        sender, other = coop.partner_tenant, coop.tenant
    for level in action.get("tembusan") or ():
        roles = REPORT_RECIPIENTS.get(level)
        if roles is None or (level == "provinsi" and not sender.is_kabkota):
            continue
        if level == "partner" and other is None:
            continue
        tenant = holder_tenant(level, sender, other)
        if level == "provinsi" and sender.id != coop.tenant_id:
            grant(coop, tenant, "provinsi", now)  # the partner's Gubernur reads what it receives
        add_notification(
            tenant.id,
            coop,
            "laporan_diterima",
            f"Laporan pelaksanaan {coop.number} dari {sender.name}",
            (
                f"{sender.name} menyampaikan laporan pelaksanaan kerja sama '{coop.title}' "
                f"({rules.cite(action.get('basis') or '')})."
            ),
            roles,
            now,
        )


def received_reports(user: User) -> list[dict[str, Any]]:
    """The external reports delivered to the user's tenant for one of the user's roles (the
    latest 200)."""
    rows = notifications_for(user, 200, kind="laporan_diterima")
    return [
        {
            "cooperation_id": n.cooperation_id,
            "title": n.title,
            "body": n.body,
            "at": n.created_at.isoformat(),
            "read": user.id in (n.read_by or []),
        }
        for n in rows
    ]
