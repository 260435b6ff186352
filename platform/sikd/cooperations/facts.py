"""Facts of a cooperation set by each side's TKKSD with a reason (Perwal Kota Bekasi 57/2023
Pasal 27 and 34(3): burdening the public, not budgeted in the current APBD), audited on both
chains. A fact may change while a parallel stage is open; when the change leaves that stage
waiting for nobody, the cooperation moves on in the same transaction (engine.settle_parallel)."""

from __future__ import annotations

from sikd.accounts.models import User
from sikd.cooperations.access import acting_on
from sikd.cooperations.actions import apply_decision
from sikd.cooperations.history import record_on_cooperation
from sikd.cooperations.models import ACTIVE_STATUSES, Cooperation
from sikd.cooperations.partners import record_for_partner, settable_facts
from sikd.cooperations.state import engine_state, rulebook_of, rules_of, state_summary
from sikd.cooperations.summary import waiting_sides
from sikd.core import clock
from sikd.core.errors import AppError
from sikd.core.extensions import db
from sikd.tenancy.scope import tenant_scope
from sikd.workflow import engine


def set_fact(
    user: User, coop_id: int, fact: str, value: bool, reason: str, expected_version=None
) -> Cooperation:
    """Set (``value``) or clear a fact with a reason; audited on the owner's and partner's chains."""
    coop, actor = acting_on(user, coop_id)
    # the side by tenant, not by the stage: a provinsi partnering its own kab/kota stands as
    # supervisor at most stages, yet its TKKSD answers for its side's facts at any stage
    side = {coop.tenant_id: "own", coop.partner_tenant_id: "partner"}.get(user.tenant_id)
    if side is None or coop.status not in ACTIVE_STATUSES:
        raise AppError(
            "forbidden",
            "Fakta kerja sama hanya dapat diubah oleh TKKSD para pihak selama kerja sama berjalan.",
            status=403,
        )
    if expected_version is not None and expected_version != coop.version:
        raise AppError(
            "stale_state",
            "Kerja sama ini sudah berubah. Muat ulang lalu ulangi.",
            status=409,
            state=state_summary(coop),
        )
    allowed = settable_facts(user, coop)
    if fact not in allowed:
        raise AppError(
            "role_not_allowed" if allowed else "forbidden",
            f"Fakta {fact!r} tidak dapat Anda ubah. Yang dapat diubah TKKSD Anda: "
            f"{', '.join(sorted(allowed)) or '-'}.",
            status=403,
        )
    if not (reason or "").strip():
        raise AppError(
            "reason_required",
            "Tuliskan alasan perubahan fakta (mis. nomor dan tanggal dokumen APBD).",
            field_errors={"alasan": ["Alasan wajib diisi."]},
        )
    before = fact in (coop.facts or ())
    facts = set(coop.facts or ())
    facts = facts | {fact} if value else facts - {fact}
    now = clock.now()
    with tenant_scope(coop.tenant_id):
        coop.facts = sorted(facts)
        # a side's gate at a parallel stage may now apply or no longer (Pasal 27)
        coop.waiting_sides = waiting_sides(rules_of(coop), coop)
        coop.version += 1
        coop.updated_at = now
        word = "ditetapkan" if value else "dicabut"
        summary = f"fakta {fact} {word} oleh TKKSD {user.tenant.name}: {reason.strip()}"
        data = {"fact": fact, "before": before, "after": value, "alasan": reason.strip()}
        record_on_cooperation(
            coop, user, "cooperation.fact_set", "cooperation", coop.id, summary, data
        )
        record_for_partner(coop, user, "cooperation.fact_set", summary, data)
        settled = engine.settle_parallel(rulebook_of(coop), engine_state(coop))
        if settled is not None:
            apply_decision(coop, settled, now, user=user, actor_level=side)
        db.session.commit()
    return coop
