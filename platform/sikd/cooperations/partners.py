"""The other daerah of a KSDD as a tenant, and the facts each side answers for.

A KSDD names its partner daerah by its code in the registry (any provinsi or kab/kota). When
that daerah uses SIKD (it has an active user who can answer: a Kepala Daerah or TKKSD), the
cooperation names it as ``partner_tenant``: the offer reaches its inbox with a grant, it acts at
every ``partner`` stage of the rulebook in its own roles, keeps its own register number, and each
of its actions is also written on its own audit chain. A daerah not yet active is a free-text
partner, as before (Perwal Bekasi 57/2023 Pasal 21-35; DOMAIN.md §5).

Facts that decide a stage (``when.any_fact``) belong to the side that holds the stage: the
DPRD gate of the owner (Pasal 27: ``membebani_masyarakat``, ``belum_dianggarkan``) and of the
partner (``mitra_…``). Each side's TKKSD sets or clears its own facts at any stage, with a reason,
audited on both chains.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from sikd.accounts.models import User
from sikd.audit import services as audit
from sikd.cooperations.access import actor_level
from sikd.cooperations.models import Cooperation
from sikd.cooperations.state import rules_of
from sikd.core import clock
from sikd.core.errors import AppError
from sikd.core.extensions import db
from sikd.tenancy.models import Tenant
from sikd.tenancy.scope import system_scope, tenant_scope
from sikd.tenancy.sequences import next_number
from sikd.workflow.rulebook import Rulebook

ANSWERING_ROLES = ("kepala_daerah", "tkksd")
DOMESTIC_PARTNER_TYPES = ("KSDD",)


def uses_sikd(tenant: Tenant) -> bool:
    """Whether the daerah is active in SIKD: someone there can answer an offer."""
    with system_scope():
        return (
            db.session.scalar(
                select(User.id)
                .where(
                    User.tenant_id == tenant.id,
                    User.active.is_(True),
                    User.roles.overlap(list(ANSWERING_ROLES)),
                )
                .limit(1)
            )
            is not None
        )


def search_partners(user: User, text: str, limit: int = 20) -> list[dict[str, Any]]:
    """Daerah of the registry matching ``text`` (name or code), for the KSDD partner picker."""
    # LIKE's wildcards and escape character are searched for literally
    literal = (text or "").strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    like = f"%{literal}%"
    rows = db.session.scalars(
        select(Tenant)
        .where(
            Tenant.kind.in_(("provinsi", "kabupaten", "kota")),
            Tenant.id != user.tenant_id,
            Tenant.name.ilike(like, escape="\\") | Tenant.code.ilike(like, escape="\\"),
        )
        .order_by(Tenant.name)
        .limit(limit)
    ).all()
    return [
        {"code": t.code, "name": t.name, "kind": t.kind, "uses_sikd": uses_sikd(t)} for t in rows
    ]


def resolve_partner(owner: Tenant, coop_type: str, code: str | None) -> Tenant | None:
    """The partner daerah named by ``code`` when it is one SIKD can route to; None for a
    free-text partner. Refuses a code that is not a daerah, or the owner itself."""
    code = (code or "").strip()
    if not code:
        return None
    if coop_type not in DOMESTIC_PARTNER_TYPES:
        raise AppError(
            "invalid_input",
            "Daerah mitra dari daftar hanya untuk KSDD; mitra jenis lain ditulis namanya.",
            field_errors={"partner_tenant_code": ["Kosongkan untuk jenis kerja sama ini."]},
        )
    partner = db.session.scalar(select(Tenant).where(Tenant.code == code))
    if partner is None or not partner.is_daerah:
        raise AppError(
            "invalid_input",
            f"Kode {code!r} bukan provinsi atau kabupaten/kota dalam daftar. Pilih daerah mitra "
            "dari pencarian.",
            field_errors={"partner_tenant_code": ["Daerah tidak dikenal."]},
        )
    if partner.id == owner.id:
        raise AppError(
            "invalid_input",
            "Daerah tidak dapat bekerja sama dengan dirinya sendiri. Pilih daerah mitra lain.",
            field_errors={"partner_tenant_code": ["Pilih daerah lain."]},
        )
    return partner


def attach_partner(coop: Cooperation, partner: Tenant | None) -> None:
    """Name the partner daerah on a new cooperation (a tenant only when it uses SIKD)."""
    if partner is None:
        return
    coop.partner_name = f"Pemerintah {partner.name}"
    coop.partner_kind = "pemerintah_daerah"
    if uses_sikd(partner):
        coop.partner_tenant_id = partner.id
        coop.partner_tenant = partner


NONPROFIT = "mitra_nonprofit"
# organisasi internasional or mitra pembangunan luar negeri (Perwal Bekasi 57/2023 Pasal 74(1)
# huruf a and c): a penerusan with them sends its Rencana with the Pasal 75(2) attachments
INTERNATIONAL = "mitra_internasional"
INTERNATIONAL_KINDS = ("organisasi_internasional", "mitra_pembangunan")


def initial_facts(
    coop_type: str, prakarsa_origin: str, facts: list[str], partner_kind: str = ""
) -> list[str]:
    """A KSDD offered by another daerah (Pasal 35(3)) starts at the receiving of its offer; a
    KSDLL with a lembaga nonprofit berbadan hukum di luar negeri (Perwal Bekasi 57/2023 Pasal
    74(1) huruf b) carries ``mitra_nonprofit``, which the rules may ask more of (Pasal 76(2));
    one with an organisasi internasional or mitra pembangunan (74(1) huruf a, c) carries
    ``mitra_internasional`` (Pasal 75(2))."""
    out = list(dict.fromkeys(facts))
    if coop_type == "KSDD" and prakarsa_origin == "mitra" and "prakarsa_mitra" not in out:
        out.append("prakarsa_mitra")
    if coop_type == "KSDLL" and partner_kind == "lembaga_nonprofit" and NONPROFIT not in out:
        out.append(NONPROFIT)
    if coop_type == "KSDLL" and partner_kind in INTERNATIONAL_KINDS and INTERNATIONAL not in out:
        out.append(INTERNATIONAL)
    return out


def record_for_partner(coop: Cooperation, user: User | None, action: str, summary: str, data=None):
    """The same step on the partner's own audit chain (the owner's chain has it already)."""
    if coop.partner_tenant_id is None:
        return
    db.session.flush()  # the owner's pending writes, under the owner's scope
    with tenant_scope(coop.partner_tenant_id), db.session.no_autoflush:
        audit.record(
            tenant_id=coop.partner_tenant_id,
            action=action,
            object_type="cooperation",
            object_id=coop.id,
            summary=f"{coop.partner_number or coop.number}: {summary}",
            at=clock.now(),
            actor=user,
            actor_label=None if user else "sistem",
            data={**(data or {}), "cooperation_number": coop.number},
        )


def number_for_partner(coop: Cooperation, now: datetime) -> None:
    """The partner daerah's own register number, given when it first acts on the cooperation."""
    if coop.partner_tenant_id is None or coop.partner_number:
        return
    partner = coop.partner_tenant
    db.session.flush()
    with tenant_scope(partner.id), db.session.no_autoflush:
        n = next_number(partner.id, now.year, "kerja_sama")
    coop.partner_number = f"KS/{partner.code}/{now.year}/{n:04d}"


# --------------------------------------------------------------------------- facts per side


def facts_by_side(rules: Rulebook, process: str) -> dict[str, set[str]]:
    """``{"own": {...}, "partner": {...}}``: the facts the process's stage conditions read,
    each owned by the side that holds the stage it gates."""
    out: dict[str, set[str]] = {"own": set(), "partner": set()}

    def add(side: str, when: dict) -> None:
        for fact in [*(when.get("any_fact") or ()), *(when.get("all_facts") or ())]:
            out["partner" if side == "partner" else "own"].add(fact)

    for stage in rules.process(process).get("stages") or ():
        if stage.get("parallel"):  # each side's gate is that side's (Pasal 27)
            for side, gate in stage["parallel"].items():
                add(side, (gate or {}).get("when") or {})
            continue
        add(stage.get("level") or "own", stage.get("when") or {})
    out["own"].discard("prakarsa_mitra")  # fixed at creation: how the cooperation began
    return out


def settable_facts(user: User, coop: Cooperation) -> set[str]:
    """The facts this user's TKKSD may set on the cooperation now."""
    if not user.has_role("tkksd"):
        return set()
    sides = facts_by_side(rules_of(coop), coop.process)
    if user.tenant_id == coop.tenant_id:
        # the owner answers for a free-text partner too
        return sides["own"] | (sides["partner"] if coop.partner_tenant_id is None else set())
    if user.tenant_id == coop.partner_tenant_id:
        return sides["partner"]
    return set()


def side_of(user: User, coop: Cooperation) -> str | None:
    level = actor_level(user.tenant, coop)
    return level if level in ("own", "partner") else None
