"""What the people at each level are told when a cooperation moves or a deadline nears."""

from __future__ import annotations

from datetime import datetime

from sikd.cooperations.models import Cooperation
from sikd.cooperations.summary import acting_roles
from sikd.core.i18n import format_tanggal
from sikd.deadlines.models import Deadline
from sikd.notifications.services import add_notification, add_notifications
from sikd.routing.services import holder_tenant
from sikd.workflow.rulebook import Rulebook
from sikd.workflow.types import Decision


def _texts(coop: Cooperation, decision: Decision, to_label: str) -> tuple[str, str]:
    if decision.expiry == "route_direct":
        return (
            f"{coop.number} diajukan langsung ke Kemendagri",
            f"Kerja sama '{coop.title}' ({coop.tenant.name}) tidak diteruskan Gubernur dalam tenggat "
            f"dan diajukan langsung ke Kementerian Dalam Negeri ({decision.basis}). Tahap kini: {to_label}.",
        )
    if decision.expiry == "deemed_approved":
        return (
            f"{coop.number} dianggap disetujui",
            f"Tenggat habis tanpa jawaban; '{coop.title}' dianggap disetujui ({decision.basis}). Tahap kini: {to_label}.",
        )
    return (
        f"{coop.number}: {to_label}",
        f"Kerja sama '{coop.title}' ({coop.tenant.name}) kini di tahap {to_label}.",
    )


def notify_decision(
    coop: Cooperation, rules: Rulebook, decision: Decision, landing_level: str, now: datetime
) -> None:
    """Tell each level the decision concerns; the roles of the landing stage are named, the
    rest of a tenant (tembusan, the owner) is told for information."""
    levels = set(decision.notify_levels)
    action = rules.action(coop.process, decision.from_stage, decision.action) or {}
    levels |= set(action.get("tembusan") or ())
    if decision.expiry == "route_direct":
        levels |= {"own", "provinsi", "kemendagri"}
    title, body = _texts(coop, decision, rules.label_of(coop.process, decision.to_stage))
    specs = []
    for level in sorted(levels):
        tenant = holder_tenant(level, coop.tenant, coop.partner_tenant)
        if tenant is None or (level == "provinsi" and not coop.tenant.is_kabkota):
            continue
        roles = acting_roles(rules, coop, decision.to_stage) if level == landing_level else []
        specs.append((tenant.id, "stage_changed", title, body, roles, None))
    if specs:
        add_notifications(coop, specs, now)


def notify_reminder(
    coop: Cooperation, rules: Rulebook, row: Deadline, label: str, now: datetime
) -> None:
    holder = holder_tenant(
        rules.level_of(coop.process, row.stage), coop.tenant, coop.partner_tenant
    )
    days = "hari ini" if label.startswith("0") else "besok (1 hari kerja lagi)"
    add_notification(
        holder.id,
        coop,
        "reminder",
        f"Pengingat: tenggat {coop.number} {days}",
        (
            f"Tahap {rules.label_of(coop.process, row.stage)} untuk '{coop.title}' "
            f"berakhir {format_tanggal(row.due_at.date())} ({row.spec.get('basis', '')})."
        ),
        acting_roles(rules, coop, row.stage),
        now,
        dedupe_key=f"reminder:{row.id}:{label}",
    )
