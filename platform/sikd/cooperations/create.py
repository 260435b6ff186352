"""Starting a cooperation: checked against the rulebook it will be pinned to, numbered, routed."""

from __future__ import annotations

from dataclasses import dataclass, field

from sikd.accounts.models import User
from sikd.audit import services as audit
from sikd.cooperations.access import grant, parent_provinsi
from sikd.cooperations.history import record_event
from sikd.cooperations.models import FOREIGN_TYPES, TYPES, Cooperation, CooperationStatus
from sikd.cooperations.partners import attach_partner, initial_facts, resolve_partner
from sikd.cooperations.state import field_lookup
from sikd.cooperations.summary import refresh_summary
from sikd.core import clock
from sikd.core.errors import AppError
from sikd.core.extensions import db
from sikd.core.i18n import NO_COOPERATION, country_name, partner_countries
from sikd.deadlines.services import open_deadlines
from sikd.pemetaan import services as pemetaan
from sikd.routing.services import open_hop, tenant_by_code
from sikd.rules.overrides import working_calendar
from sikd.rules.versions import current_rulebook_version
from sikd.tenancy.models import KEMENDAGRI, Tenant
from sikd.tenancy.scope import tenant_scope
from sikd.tenancy.sequences import next_number
from sikd.workflow import engine
from sikd.workflow.rulebook import Rulebook
from sikd.workflow.types import Refusal


@dataclass
class NewCooperation:
    type: str
    subtype: str
    title: str
    partner_name: str
    partner_kind: str
    partner_country: str | None = None
    objek: list[str] = field(default_factory=list)
    persyaratan: list[str] = field(default_factory=list)
    prakarsa_origin: str = "daerah"
    pemetaan_ref: str | None = None
    pemetaan_pengecualian: str | None = None  # why it rests on no pemetaan item
    facts: list[str] = field(default_factory=list)
    estimated_cost: int | None = None
    benefit_note: str | None = None
    partner_tenant_code: str | None = None  # KSDD: the partner daerah in the registry


def _next_number(tenant: Tenant, year: int) -> str:
    return f"KS/{tenant.code}/{year}/{next_number(tenant.id, year, 'kerja_sama'):04d}"


def _may_create(user: User) -> None:
    if not user.tenant.is_daerah:
        raise AppError(
            "not_a_daerah",
            "Hanya pemerintah daerah yang dapat memprakarsai kerja sama daerah.",
            status=403,
        )
    if not user.has_role("opd", "tkksd", "kepala_daerah"):
        raise AppError(
            "role_not_allowed",
            "Prakarsa kerja sama dicatat oleh Perangkat Daerah, TKKSD, atau Kepala Daerah.",
            status=403,
        )


def create_cooperation(user: User, data: NewCooperation) -> Cooperation:
    _may_create(user)
    tenant = user.tenant
    now = clock.now()
    with tenant_scope(tenant.id):
        version = current_rulebook_version(tenant)
        rulebook = version.rulebook
        rules = Rulebook(rulebook)
        partner = resolve_partner(tenant, data.type, data.partner_tenant_code)
        if partner is not None:
            data.partner_name = data.partner_name or f"Pemerintah {partner.name}"
        check_new(rules, data)
        data.facts = initial_facts(data.type, data.prakarsa_origin, data.facts, data.partner_kind)
        item = pemetaan.reference_for(
            tenant.id,
            data.type,
            data.prakarsa_origin,
            data.pemetaan_ref,
            data.pemetaan_pengecualian,
        )
        decision = engine.start(rulebook, data.type, data.subtype, tenant.kind, data.facts)
        if isinstance(decision, Refusal):
            raise AppError(decision.code, decision.message, missing=decision.missing)
        coop = Cooperation(
            tenant_id=tenant.id,
            number=_next_number(tenant, now.year),
            year=now.year,
            type=data.type,
            subtype=data.subtype,
            title=data.title.strip(),
            partner_name=data.partner_name.strip(),
            partner_kind=data.partner_kind,
            partner_country=(data.partner_country or "").upper() or None,
            objek=list(data.objek),
            persyaratan=list(data.persyaratan),
            prakarsa_origin=data.prakarsa_origin,
            pemetaan_ref=data.pemetaan_ref,
            facts=list(data.facts),
            flags=[],
            process=decision.process,
            stage=decision.to_stage,
            status=CooperationStatus.BERJALAN,
            holder_level="own",
            holder_tenant_id=tenant.id,
            stage_entered_at=now,
            rulebook_version_id=version.id,
            version=decision.new_version,
            estimated_cost=data.estimated_cost,
            benefit_note=data.benefit_note,
            created_by=user.id,
            created_at=now,
            updated_at=now,
        )
        attach_partner(coop, partner)
        db.session.add(coop)
        db.session.flush()
        pemetaan.record_reference(
            tenant.id,
            coop.id,
            coop.type,
            coop.prakarsa_origin,
            item,
            data.pemetaan_pengecualian,
            now,
        )
        grant(coop, parent_provinsi(tenant), "provinsi", now)
        grant(coop, tenant_by_code(KEMENDAGRI), "kemendagri", now)
        open_hop(coop, coop.stage, "own", tenant, rules.roles_of(coop.process, coop.stage), now)
        record_event(coop, decision, rules, now, user, from_stage=None)
        if decision.deadlines_to_open:
            open_deadlines(
                coop, decision.deadlines_to_open, now, working_calendar(), field_lookup(coop)
            )
        refresh_summary(coop, rules)
        audit.record(
            tenant_id=tenant.id,
            action="cooperation.created",
            object_type="cooperation",
            object_id=coop.id,
            summary=f"Kerja sama {coop.number} '{coop.title}' dengan {coop.partner_name} diprakarsai",
            at=now,
            actor=user,
            data={"type": coop.type, "subtype": coop.subtype, "rulebook": version.content_hash},
        )
        db.session.commit()
    return coop


def country_problem(code: str | None) -> str | None:
    """Why ``code`` cannot be a foreign partner's country, or None when it can (a real ISO
    3166-1 country with which Indonesia has diplomatic relations: Permendagri 25/2020,
    persyaratan hubungan diplomatik; Perwal Bekasi 57/2023 Pasal 51(1)a)."""
    code = (code or "").strip().upper()
    if not code:
        return "Pilih negara mitra, mis. Jepang (JP)."
    if code == "ID":
        return "Mitra kerja sama luar negeri tidak boleh berasal dari Indonesia."
    if code in NO_COOPERATION:
        return f"{country_name(code)} ({code}) tidak dapat menjadi negara mitra: {NO_COOPERATION[code]}"
    if code not in partner_countries():
        return (
            f"{code} bukan kode negara ISO 3166-1 yang dikenal. Pilih negara dari daftar "
            "atau tulis kodenya, mis. JP untuk Jepang."
        )
    return None


def _foreign_errors(rules: Rulebook, data: NewCooperation) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    problem = country_problem(data.partner_country)
    if problem:
        errors["partner_country"] = [problem]
    known_objek = {o["code"] for o in rules.objek()}
    unknown = [o for o in data.objek if o not in known_objek]
    if not data.objek:
        errors["objek"] = ["Pilih minimal satu objek kerja sama (Perwal 57/2023 Pasal 55)."]
    elif unknown:
        errors["objek"] = [f"Objek tidak dikenal: {', '.join(unknown)}."]
    unmet = [p for p in rules.persyaratan(data.type) if p["code"] not in data.persyaratan]
    if unmet:
        errors["persyaratan"] = [
            "Persyaratan belum dinyatakan terpenuhi: "
            + "; ".join(p.get("label", p["code"]) for p in unmet)
            + " (Perwal 57/2023 Pasal 51; Permendagri 25/2020)."
        ]
    return errors


def check_new(rules: Rulebook, data: NewCooperation) -> None:
    errors: dict[str, list[str]] = {}
    if data.type not in TYPES:
        errors["type"] = [f"Jenis kerja sama harus salah satu dari {', '.join(TYPES)}."]
    if not data.title or not data.title.strip():
        errors["title"] = ["Isi judul kerja sama."]
    if not data.partner_name or not data.partner_name.strip():
        errors["partner_name"] = ["Isi nama mitra kerja sama."]
    if data.type in FOREIGN_TYPES:
        errors.update(_foreign_errors(rules, data))
    if errors:
        raise AppError(
            "invalid_input",
            "Data kerja sama belum lengkap. Perbaiki isian yang ditandai lalu kirim kembali.",
            field_errors=errors,
        )
