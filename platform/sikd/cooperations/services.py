"""The only place that changes a cooperation's state.

Every change goes through :func:`_apply_decision`, inside one transaction: the stage, the
routing hop, deadlines closed and opened, decisions with their letters, access grants,
notification rows (the outbox) and the audit entry. Jobs (e-mails) are enqueued after commit.
The law itself is in the pure engine (:mod:`sikd.workflow.engine`) and the rulebook data.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import or_, select

from sikd import clock
from sikd.accounts.models import User
from sikd.audit import services as audit
from sikd.cooperations.models import (
    Cooperation,
    CooperationAccess,
    CooperationDecision,
    Deadline,
    Notification,
    RoutingHop,
    RulebookVersion,
    StageEvent,
)
from sikd.extensions import db
from sikd.rules import WorkingCalendar, effective_rulebook
from sikd.tenancy.models import KEMENDAGRI, KEMLU, Tenant
from sikd.tenancy.scope import system_scope, tenant_scope
from sikd.workflow import engine
from sikd.workflow.types import Actor, CooperationState, DeadlineSpec, Decision, Refusal

LEVEL_LABELS = {
    "own": "Pemerintah Daerah pemrakarsa",
    "provinsi": "Gubernur",
    "kemendagri": "Kementerian Dalam Negeri",
    "kemlu": "Kementerian Luar Negeri",
    "partner": "Mitra",
    "system": "Sistem",
}
TYPES = ("KSDPL", "KSDLL", "KSDD", "KSDPK")
FOREIGN_TYPES = ("KSDPL", "KSDLL")


class CooperationError(Exception):
    """A refusal the API and the web pages show as-is: stable code, Indonesian message."""

    status = 422

    def __init__(
        self,
        code: str,
        message: str,
        *,
        status: int | None = None,
        missing: tuple[str, ...] | list[str] = (),
        basis: str = "",
        field_errors: dict[str, list[str]] | None = None,
        state: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status or self.status
        self.missing = tuple(missing)
        self.basis = basis
        self.field_errors = field_errors or {}
        self.state = state


class NotFound(CooperationError):
    status = 404


# --- tenants and relations ----------------------------------------------------------------


def _tenant_by_code(code: str) -> Tenant:
    return db.session.scalar(select(Tenant).where(Tenant.code == code))


def holder_tenant(level: str, owner: Tenant) -> Tenant:
    if level == "provinsi":
        return owner.parent or owner
    if level == "kemendagri":
        return _tenant_by_code(KEMENDAGRI)
    if level == "kemlu":
        return _tenant_by_code(KEMLU)
    return owner


def actor_level(user_tenant: Tenant, coop: Cooperation) -> str | None:
    """How the user's tenant relates to the cooperation, or None when it has no relation."""
    if user_tenant.id == coop.tenant_id:
        return "own"
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


# --- rulebooks and calendar ---------------------------------------------------------------


def calendar() -> WorkingCalendar:
    from flask import current_app

    settings = current_app.config["SIKD_SETTINGS"]
    from sikd.rules.overrides import load_overrides

    return WorkingCalendar(
        cuti_bersama=settings.cuti_bersama_is_workday_off, overrides=load_overrides()
    )


def current_rulebook_version(tenant: Tenant, on: date | None = None) -> RulebookVersion:
    """The rulebook a new cooperation of ``tenant`` starts under (pinned from then on).

    An uploaded variant that is effective wins; otherwise the shipped files, stored by hash."""
    on = on or clock.now().date()
    uploaded = db.session.scalar(
        select(RulebookVersion)
        .where(
            RulebookVersion.tenant_id == tenant.id,
            RulebookVersion.source == "variant_upload",
            RulebookVersion.effective_from <= on,
        )
        .order_by(RulebookVersion.effective_from.desc(), RulebookVersion.id.desc())
        .limit(1)
    )
    if uploaded is not None:
        return uploaded
    merged = effective_rulebook(tenant.code)
    existing = db.session.scalar(
        select(RulebookVersion).where(
            RulebookVersion.tenant_id == tenant.id,
            RulebookVersion.content_hash == merged.content_hash,
            RulebookVersion.source == "files",
        )
    )
    if existing is not None:
        return existing
    version = RulebookVersion(
        tenant_id=tenant.id,
        content_hash=merged.content_hash,
        rulebook=merged.as_dict(),
        source="files",
        effective_from=date(2000, 1, 1),
    )
    db.session.add(version)
    db.session.flush()
    return version


def rulebook_of(coop: Cooperation) -> dict[str, Any]:
    return coop.rulebook_version.rulebook


# --- state --------------------------------------------------------------------------------


def attached_document_kinds(coop: Cooperation) -> frozenset[str]:
    from sikd.documents.models import Document

    kinds = db.session.scalars(
        select(Document.kind).where(
            Document.tenant_id == coop.tenant_id,
            Document.cooperation_id == coop.id,
            Document.superseded.is_(False),
            Document.current_version_id.is_not(None),
        )
    )
    return frozenset(kinds)


def engine_state(coop: Cooperation) -> CooperationState:
    return CooperationState(
        type=coop.type,
        subtype=coop.subtype,
        initiator_kind=coop.tenant.kind,
        process=coop.process,
        stage=coop.stage,
        facts=frozenset(coop.facts or ()),
        documents=attached_document_kinds(coop),
        flags=frozenset(coop.flags or ()),
        version=coop.version,
    )


def state_summary(coop: Cooperation) -> dict[str, Any]:
    return {
        "id": coop.id,
        "number": coop.number,
        "stage": coop.stage,
        "status": coop.status,
        "version": coop.version,
        "holder_level": coop.holder_level,
        "holder_tenant": coop.holder_tenant.name,
    }


# --- creating -----------------------------------------------------------------------------


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
    facts: list[str] = field(default_factory=list)
    estimated_cost: int | None = None
    benefit_note: str | None = None


def _next_number(tenant: Tenant, year: int) -> str:
    from sikd.documents.services import next_letter_number

    n = next_letter_number(tenant.id, year, "kerja_sama")
    return f"KS/{tenant.code}/{year}/{n:04d}"


def create_cooperation(user: User, data: NewCooperation) -> Cooperation:
    tenant = user.tenant
    if not tenant.is_daerah:
        raise CooperationError(
            "not_a_daerah",
            "Hanya pemerintah daerah yang dapat memprakarsai kerja sama daerah.",
            status=403,
        )
    if not user.has_role("opd", "tkksd", "kepala_daerah"):
        raise CooperationError(
            "role_not_allowed",
            "Prakarsa kerja sama dicatat oleh Perangkat Daerah, TKKSD, atau Kepala Daerah.",
            status=403,
        )
    now = clock.now()
    with tenant_scope(tenant.id):
        version = current_rulebook_version(tenant)
        rulebook = version.rulebook
        _check_new(rulebook, data)
        decision = engine.start(rulebook, data.type, data.subtype, tenant.kind, data.facts)
        if isinstance(decision, Refusal):
            raise CooperationError(decision.code, decision.message, missing=decision.missing)
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
            status="berjalan",
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
        db.session.add(coop)
        db.session.flush()
        _grant(coop, _parent_provinsi(tenant), "provinsi", now)
        _grant(coop, _tenant_by_code(KEMENDAGRI), "kemendagri", now)
        _open_hop(coop, rulebook, coop.stage, "own", tenant, now)
        _record_event(coop, decision, rulebook, now, user, from_stage=None)
        _open_deadlines(coop, decision.deadlines_to_open, now)
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


def _check_new(rulebook: dict[str, Any], data: NewCooperation) -> None:
    errors: dict[str, list[str]] = {}
    if data.type not in TYPES:
        errors["type"] = [f"Jenis kerja sama harus salah satu dari {', '.join(TYPES)}."]
    if not data.title or not data.title.strip():
        errors["title"] = ["Isi judul kerja sama."]
    if not data.partner_name or not data.partner_name.strip():
        errors["partner_name"] = ["Isi nama mitra kerja sama."]
    if data.type in FOREIGN_TYPES:
        if (
            not data.partner_country
            or len(data.partner_country) != 2
            or not data.partner_country.isalpha()
        ):
            errors["partner_country"] = [
                "Isi negara mitra dengan kode ISO 3166 dua huruf, mis. JP untuk Jepang."
            ]
        elif data.partner_country.upper() == "ID":
            errors["partner_country"] = [
                "Mitra kerja sama luar negeri tidak boleh berasal dari Indonesia."
            ]
        known_objek = {o["code"] for o in rulebook.get("objek") or ()}
        unknown = [o for o in data.objek if o not in known_objek]
        if not data.objek:
            errors["objek"] = ["Pilih minimal satu objek kerja sama (Perwal 57/2023 Pasal 55)."]
        elif unknown:
            errors["objek"] = [f"Objek tidak dikenal: {', '.join(unknown)}."]
        required = [
            p
            for p in rulebook.get("persyaratan") or ()
            if not p.get("types") or data.type in p["types"]
        ]
        unmet = [p for p in required if p["code"] not in data.persyaratan]
        if unmet:
            errors["persyaratan"] = [
                "Persyaratan belum dinyatakan terpenuhi: "
                + "; ".join(p.get("label", p["code"]) for p in unmet)
                + " (Perwal 57/2023 Pasal 51; Permendagri 25/2020)."
            ]
    if errors:
        raise CooperationError(
            "invalid_input",
            "Data kerja sama belum lengkap. Perbaiki isian yang ditandai lalu kirim kembali.",
            field_errors=errors,
        )


def _parent_provinsi(tenant: Tenant) -> Tenant | None:
    return tenant.parent if tenant.is_kabkota else None


def _grant(coop: Cooperation, grantee: Tenant | None, reason: str, now: datetime) -> None:
    if grantee is None or grantee.id == coop.tenant_id:
        return
    with system_scope():
        exists = db.session.scalar(
            select(CooperationAccess.id).where(
                CooperationAccess.tenant_id == grantee.id,
                CooperationAccess.cooperation_id == coop.id,
            )
        )
        if exists is None:
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


def record_on_cooperation(
    coop: Cooperation,
    actor: User,
    action: str,
    object_type: str,
    object_id: Any,
    summary: str,
    data: dict[str, Any] | None = None,
) -> None:
    """An audit entry on the chain of the cooperation's owner, whoever acted; caller commits."""
    with tenant_scope(coop.tenant_id):
        audit.record(
            tenant_id=coop.tenant_id,
            action=action,
            object_type=object_type,
            object_id=object_id,
            summary=f"{coop.number}: {summary}",
            at=clock.now(),
            actor=actor,
            data=data,
        )


# --- reading ------------------------------------------------------------------------------


def get_visible(coop_id: int, for_update: bool = False) -> Cooperation:
    """The cooperation if the current tenant may see it (RLS + grants), else :class:`NotFound`."""
    query = select(Cooperation).where(Cooperation.id == coop_id)
    if for_update:
        query = query.with_for_update(of=Cooperation)
    coop = db.session.scalar(query)
    if coop is None:
        raise NotFound("not_found", "Kerja sama tidak ditemukan atau tidak dapat Anda lihat.")
    return coop


def visible_query():
    """Every cooperation the current tenant may see; RLS applies the same rule underneath."""
    return select(Cooperation)


def available_actions(user: User, coop: Cooperation) -> list[engine.ActionInfo]:
    actor = actor_for(user, coop)
    if actor is None or coop.status != "berjalan":
        return []
    return engine.available_actions(rulebook_of(coop), engine_state(coop), actor)


# --- acting -------------------------------------------------------------------------------


def perform_action(
    user: User,
    coop_id: int,
    action: str,
    inputs: dict[str, Any] | None = None,
    expected_version: int | None = None,
) -> Cooperation:
    """Take ``action`` on the cooperation as ``user``; one transaction, or a refusal."""
    now = clock.now()
    coop = get_visible(coop_id, for_update=True)  # serialises concurrent actors on this row
    actor = actor_for(user, coop)
    if actor is None:
        raise NotFound("not_found", "Kerja sama tidak ditemukan atau tidak dapat Anda lihat.")
    state = engine_state(coop)
    decision = engine.decide(
        rulebook_of(coop), state, action, actor, inputs or {}, expected_version
    )
    if isinstance(decision, Refusal):
        db.session.rollback()
        raise _refusal_error(cited_refusal(rulebook_of(coop), decision), coop, actor)
    with tenant_scope(coop.tenant_id):  # writes belong to the cooperation's owner
        _apply_decision(coop, decision, now, user=user, actor_level_=actor.level)
        db.session.commit()
    return coop


def cite(rulebook: dict[str, Any], text: str) -> str:
    """Regulation keys written out as officials name them (PMDN25 → Permendagri 25/2020)."""
    from sikd.rules import render_basis

    return render_basis(text or "", rulebook.get("regulations") or {})


def cited_refusal(rulebook: dict[str, Any], refusal: Refusal) -> Refusal:
    from dataclasses import replace

    return replace(
        refusal, message=cite(rulebook, refusal.message), basis=cite(rulebook, refusal.basis)
    )


def _refusal_error(refusal: Refusal, coop: Cooperation, actor: Actor) -> CooperationError:
    if actor.level == "provinsi" and refusal.code in (
        "stale_state",
        "wrong_level",
        "unknown_action",
        "role_not_allowed",
    ):
        direct = db.session.scalar(
            select(RoutingHop)
            .where(
                RoutingHop.cooperation_id == coop.id,
                RoutingHop.level == "provinsi",
                RoutingHop.outcome == "routed_directly",
            )
            .order_by(RoutingHop.received_at.desc())
            .limit(1)
        )
        if direct is not None and coop.holder_level != "provinsi":
            return CooperationError(
                "already_routed_directly",
                (
                    f"Pengajuan ini sudah diajukan langsung ke Kementerian Dalam Negeri pada "
                    f"{_fmt(direct.acted_at)} karena tidak diteruskan dalam 5 hari ({direct.basis}). "
                    "Anda tetap dapat melihat perkembangannya, tetapi tidak perlu meneruskannya lagi."
                ),
                status=409,
                basis=direct.basis,
                state=state_summary(coop),
            )
    if refusal.code in ("stale_state", "wrong_level", "terminal"):
        return CooperationError(
            refusal.code, refusal.message, status=409, state=state_summary(coop)
        )
    if refusal.code == "role_not_allowed":
        return CooperationError(refusal.code, refusal.message, status=403, missing=refusal.missing)
    field_errors = {}
    if refusal.code in ("missing_inputs", "invalid_inputs", "reason_required"):
        field_errors = {name: [refusal.message] for name in refusal.missing}
    return CooperationError(
        refusal.code,
        refusal.message,
        status=422,
        missing=refusal.missing,
        basis=refusal.basis,
        field_errors=field_errors,
    )


def _fmt(instant: datetime | None) -> str:
    from sikd.documents.indonesian import format_tanggal

    return format_tanggal(instant.date()) if instant else "-"


def _label(user: User | None) -> str:
    if user is None:
        return "Sistem SIKD"
    return f"{user.full_name} ({user.tenant.name})"


def _stage_roles(rulebook: dict[str, Any], process: str, stage_id: str) -> list[str]:
    for stage in rulebook["processes"][process]["stages"]:
        if stage["id"] == stage_id:
            return list(stage.get("roles") or ())
    return []


def _action_spec(
    rulebook: dict[str, Any], process: str, stage_id: str | None, action_id: str | None
) -> dict:
    for stage in rulebook["processes"][process]["stages"]:
        if stage["id"] == stage_id:
            return next((a for a in stage.get("actions") or () if a["id"] == action_id), {})
    return {}


def _stage_level(rulebook: dict[str, Any], process: str, stage_id: str) -> str:
    for stage in rulebook["processes"][process]["stages"]:
        if stage["id"] == stage_id:
            return stage.get("level", "own")
    return "own"


def stage_label(rulebook: dict[str, Any], process: str, stage_id: str) -> str:
    proc = rulebook["processes"][process]
    for stage in proc["stages"]:
        if stage["id"] == stage_id:
            return stage.get("label", stage_id)
    terminal = (proc.get("terminals") or {}).get(stage_id)
    return (terminal or {}).get("label", stage_id)


def _apply_decision(
    coop: Cooperation,
    decision: Decision,
    now: datetime,
    *,
    user: User | None,
    actor_level_: str,
) -> None:
    rulebook = rulebook_of(coop)
    from_stage = coop.stage
    landing = decision.to_stage
    landing_level = (
        decision.hop.to_level if decision.hop else _stage_level(rulebook, coop.process, landing)
    )
    note = (decision.inputs or {}).get("catatan") or (decision.inputs or {}).get("alasan")

    _record_event(coop, decision, rulebook, now, user, from_stage)

    # deadlines: close those of the stage left, open those of the stage entered
    if decision.deadlines_to_close:
        for row in db.session.scalars(
            select(Deadline).where(
                Deadline.cooperation_id == coop.id,
                Deadline.status == "open",
                Deadline.stage.in_(decision.deadlines_to_close),
            )
        ):
            row.status = "closed"
            row.closed_at = now
    opened = _open_deadlines(coop, decision.deadlines_to_open, now)

    # routing hop: close the current holder's hop, open the next one
    if decision.hop is not None:
        current = db.session.scalar(
            select(RoutingHop)
            .where(RoutingHop.cooperation_id == coop.id, RoutingHop.acted_at.is_(None))
            .order_by(RoutingHop.received_at.desc())
            .limit(1)
        )
        if current is not None:
            current.acted_at = now
            current.outcome = decision.hop.outcome
            current.note = note
            current.basis = cite(rulebook, decision.hop.basis or decision.basis)
        holder = holder_tenant(landing_level, coop.tenant)
        due = min((d.due_at for d in opened), default=None)
        if not decision.terminal:
            _open_hop(coop, rulebook, landing, landing_level, holder, now, due)
        if landing_level == "kemlu":
            _grant(coop, holder, "kemlu", now)
        coop.holder_level = landing_level
        coop.holder_tenant = holder  # the relationship, so a loaded object does not go stale
    elif opened:
        hop = db.session.scalar(
            select(RoutingHop)
            .where(RoutingHop.cooperation_id == coop.id, RoutingHop.acted_at.is_(None))
            .order_by(RoutingHop.received_at.desc())
            .limit(1)
        )
        if hop is not None and hop.due_at is None:
            hop.due_at = min(d.due_at for d in opened)

    # decisions with their letters (tanggapan, pertimbangan, surat konfirmasi, persetujuan,
    # salinan): the letter is the document the action requires, its number and date its fields
    for letter in _action_letters(coop, rulebook, from_stage, decision.action):
        db.session.add(
            CooperationDecision(
                tenant_id=coop.tenant_id,
                cooperation_id=coop.id,
                stage=from_stage,
                action=decision.action or decision.kind,
                decided_by_tenant_id=user.tenant_id if user else coop.holder_tenant_id,
                nomor_surat=letter.get("nomor_surat"),
                tanggal_surat=_as_date(letter.get("tanggal_surat")),
                note=note,
                at=now,
            )
        )
    _record_term(coop)

    if landing != from_stage:
        coop.stage_entered_at = now
    coop.stage = landing
    coop.version = decision.new_version
    coop.flags = sorted(set(coop.flags or ()) | set(decision.flags_added))
    coop.updated_at = now
    if decision.terminal:
        coop.status = "ditolak" if decision.kind == "refuse" else "selesai"

    _notify(coop, decision, landing_level, now)
    audit.record(
        tenant_id=coop.tenant_id,
        action=f"cooperation.{decision.kind}",
        object_type="cooperation",
        object_id=coop.id,
        summary=_summary(coop, decision, rulebook, from_stage),
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
            "actor_level": actor_level_,
            "version": decision.new_version,
        },
    )
    db.session.flush()


def _record_term(coop: Cooperation) -> None:
    """The term (jangka waktu, ≤ 5 tahun: Perwal 57/2023 Pasal 78(1)) as the naskah states it."""
    from sikd.documents.models import Document, DocumentVersion

    fields = db.session.scalar(
        select(DocumentVersion.fields)
        .join(Document, Document.current_version_id == DocumentVersion.id)
        .where(
            Document.cooperation_id == coop.id,
            Document.tenant_id == coop.tenant_id,
            Document.kind.in_(("naskah", "perjanjian_kerja_sama", "kesepakatan_bersama")),
            Document.superseded.is_(False),
        )
        .order_by(DocumentVersion.uploaded_at.desc())
        .limit(1)
    )
    if fields:
        coop.term_start = _as_date(fields.get("tanggal_mulai_berlaku")) or coop.term_start
        coop.term_end = _as_date(fields.get("tanggal_berakhir")) or coop.term_end


def _action_letters(
    coop: Cooperation, rulebook: dict[str, Any], stage_id: str, action_id: str | None
) -> list[dict[str, Any]]:
    """Fields of the letters (documents with a nomor surat) the action required."""
    if action_id is None:
        return []
    stage = next(
        (st for st in rulebook["processes"][coop.process]["stages"] if st["id"] == stage_id), None
    )
    action = next((a for a in (stage or {}).get("actions") or () if a["id"] == action_id), None)
    if action is None:
        return []
    kinds = rulebook.get("document_kinds") or {}
    letter_kinds = [
        k
        for k in action.get("requires_documents") or ()
        if any(f["name"] == "nomor_surat" for f in (kinds.get(k) or {}).get("fields") or ())
    ]
    if not letter_kinds:
        return []
    from sikd.documents.models import Document, DocumentVersion

    rows = db.session.scalars(
        select(DocumentVersion.fields)
        .join(Document, Document.current_version_id == DocumentVersion.id)
        .where(
            Document.cooperation_id == coop.id,
            Document.tenant_id == coop.tenant_id,
            Document.kind.in_(letter_kinds),
            Document.superseded.is_(False),
        )
    )
    return [dict(fields or {}) for fields in rows]


def _record_event(
    coop: Cooperation,
    decision: Decision,
    rulebook: dict[str, Any],
    now: datetime,
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
            actor_label=_label(user),
            inputs=_jsonable(decision.inputs),
            skipped=[asdict(s) for s in decision.skipped_stages],
            basis=cite(rulebook, decision.basis),
            expiry=decision.expiry,
        )
    )


def _open_hop(
    coop: Cooperation,
    rulebook: dict[str, Any],
    stage: str,
    level: str,
    holder: Tenant,
    now: datetime,
    due: datetime | None = None,
) -> None:
    db.session.add(
        RoutingHop(
            tenant_id=coop.tenant_id,
            cooperation_id=coop.id,
            stage=stage,
            level=level,
            holder_tenant_id=holder.id,
            holder_roles=_stage_roles(rulebook, coop.process, stage),
            received_at=now,
            due_at=due,
        )
    )


def _summary(
    coop: Cooperation, decision: Decision, rulebook: dict[str, Any], from_stage: str
) -> str:
    to_label = stage_label(rulebook, coop.process, decision.to_stage)
    from_label = stage_label(rulebook, coop.process, from_stage)
    if decision.expiry == "route_direct":
        return f"{coop.number}: tidak diteruskan Gubernur dalam tenggat; diajukan langsung ke {to_label}"
    if decision.expiry == "deemed_approved":
        return f"{coop.number}: dianggap disetujui karena tenggat habis; lanjut ke {to_label}"
    if decision.expiry == "expire":
        return f"{coop.number}: tenggat di tahap {from_label} lewat; ditandai {', '.join(decision.flags_added)}"
    return f"{coop.number}: {decision.action} di tahap {from_label}, kini {to_label}"


def _as_date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _jsonable(data: dict[str, Any] | None) -> dict[str, Any]:
    out = {}
    for key, value in (data or {}).items():
        out[key] = value.isoformat() if isinstance(value, date | datetime) else value
    return out


def _deadline_start(coop: Cooperation, spec: DeadlineSpec, now: datetime) -> datetime | None:
    from zoneinfo import ZoneInfo

    from sikd.tenancy.models import TIMEZONES

    zone = ZoneInfo(TIMEZONES[coop.tenant.timezone])
    if spec.starts in ("entered", "", None):
        return now
    if spec.starts == "awal_tahun_berikutnya":
        # 1 January of the year after the stage was entered: "+6 hari" ends 7 January
        return datetime(now.astimezone(zone).year + 1, 1, 1, 12, tzinfo=zone)
    kind, _, field_name = spec.starts.partition(".")
    from sikd.documents.models import Document, DocumentVersion

    fields = db.session.scalar(
        select(DocumentVersion.fields)
        .join(Document, Document.current_version_id == DocumentVersion.id)
        .where(
            Document.cooperation_id == coop.id,
            Document.tenant_id == coop.tenant_id,
            Document.kind == kind,
            Document.superseded.is_(False),
        )
        .limit(1)
    )
    value = _as_date((fields or {}).get(field_name))
    if value is None:
        return None
    # a date field starts at noon local time on that date, so the local date is unambiguous
    return datetime(value.year, value.month, value.day, 12, tzinfo=zone)


def _open_deadlines(
    coop: Cooperation, specs: tuple[DeadlineSpec, ...] | list, now: datetime
) -> list[Deadline]:
    if not specs:
        return []
    cal = calendar()
    opened = []
    for spec in specs:
        start = _deadline_start(coop, spec, now)
        if start is None:
            continue  # the date it counts from is not recorded yet; nothing to chase
        due = cal.due_instant(
            start.astimezone(now.tzinfo), spec.amount, spec.unit, coop.tenant.timezone
        )
        row = Deadline(
            tenant_id=coop.tenant_id,
            cooperation_id=coop.id,
            stage=spec.stage,
            spec=_jsonable(asdict(spec)),
            starts_at=start,
            due_at=due,
            calendar_version=cal.version,
            status="open",
            reminders_sent=[],
        )
        db.session.add(row)
        opened.append(row)
    db.session.flush()
    return opened


def _spec(row: Deadline) -> DeadlineSpec:
    from sikd.workflow.types import Reminder

    data = dict(row.spec)
    data["reminders"] = tuple(Reminder(**r) for r in data.get("reminders") or ())
    return DeadlineSpec(**data)


# --- notifications ------------------------------------------------------------------------


def _notify(coop: Cooperation, decision: Decision, landing_level: str, now: datetime) -> None:
    rulebook = rulebook_of(coop)
    to_label = stage_label(rulebook, coop.process, decision.to_stage)
    levels = set(decision.notify_levels)
    levels |= set(
        _action_spec(rulebook, coop.process, decision.from_stage, decision.action).get("tembusan")
        or ()
    )
    if decision.expiry == "route_direct":
        levels |= {"own", "provinsi", "kemendagri"}
    for level in sorted(levels):
        tenant = holder_tenant(level, coop.tenant)
        if tenant is None or (level == "provinsi" and not coop.tenant.is_kabkota):
            continue
        roles = (
            _stage_roles(rulebook, coop.process, decision.to_stage)
            if level == landing_level
            else []
        )
        if decision.expiry == "route_direct":
            title = f"{coop.number} diajukan langsung ke Kemendagri"
            body = (
                f"Kerja sama '{coop.title}' ({coop.tenant.name}) tidak diteruskan Gubernur dalam tenggat "
                f"dan diajukan langsung ke Kementerian Dalam Negeri ({decision.basis}). Tahap kini: {to_label}."
            )
        elif decision.expiry == "deemed_approved":
            title = f"{coop.number} dianggap disetujui"
            body = f"Tenggat habis tanpa jawaban; '{coop.title}' dianggap disetujui ({decision.basis}). Tahap kini: {to_label}."
        else:
            title = f"{coop.number}: {to_label}"
            body = f"Kerja sama '{coop.title}' ({coop.tenant.name}) kini di tahap {to_label}."
        add_notification(tenant.id, coop, "stage_changed", title, body, roles, now)


def add_notification(
    tenant_id: int,
    coop: Cooperation | None,
    kind: str,
    title: str,
    body: str,
    roles: list[str],
    now: datetime,
    dedupe_key: str | None = None,
) -> Notification:
    with tenant_scope(tenant_id):
        note = Notification(
            tenant_id=tenant_id,
            cooperation_id=coop.id if coop else None,
            cooperation_tenant_id=coop.tenant_id if coop else None,
            recipient_roles=list(roles),
            kind=kind,
            title=title,
            body=body,
            created_at=now,
            read_by=[],
            email_status="pending",
            dedupe_key=dedupe_key,
        )
        db.session.add(note)
        db.session.flush()
    from sikd_workers.queues import enqueue_after_commit

    enqueue_after_commit(
        "notifications", "sikd_workers.notifications.send_notification_email", tenant_id, note.id
    )
    return note


# --- the deadline sweep -------------------------------------------------------------------


@dataclass
class SweepResult:
    fired: list[str] = field(default_factory=list)
    obsolete: int = 0
    reminders: int = 0


def sweep_deadlines(now: datetime | None = None, batch: int = 100) -> SweepResult:
    """Act on every due deadline as of ``now``; idempotent, safe to run from several workers.

    Due rows are taken with ``FOR UPDATE SKIP LOCKED``; each is re-checked against the
    cooperation (locked too) before the expiry action, so a stage that moved on only closes
    the deadline. A run that finds nothing changes nothing."""
    now = now or clock.now()
    result = SweepResult()
    with system_scope():
        while True:
            rows = db.session.scalars(
                select(Deadline)
                .where(Deadline.status == "open", Deadline.due_at < now)
                .order_by(Deadline.due_at)
                .limit(batch)
                .with_for_update(skip_locked=True)
            ).all()
            if not rows:
                db.session.commit()
                break
            for row in rows:
                _fire(row, now, result)
            db.session.commit()
        _send_reminders(now, result)
        db.session.commit()
    return result


def _fire(row: Deadline, now: datetime, result: SweepResult) -> None:
    coop = db.session.scalar(
        select(Cooperation)
        .where(Cooperation.id == row.cooperation_id)
        .with_for_update(of=Cooperation)
    )
    spec = _spec(row)
    if coop is None or coop.stage != row.stage or coop.status != "berjalan":
        row.status, row.closed_at = "obsolete", now
        result.obsolete += 1
        return
    decision = engine.on_deadline_expired(rulebook_of(coop), engine_state(coop), spec)
    row.status, row.fired_at = "fired", now
    if decision is None:
        return
    with tenant_scope(coop.tenant_id), system_scope():
        _apply_decision(coop, decision, now, user=None, actor_level_="system")
    result.fired.append(f"{coop.number}:{row.stage}:{spec.on_expiry}")


# Every deadline reminds its holder one working day before and on the day; the rulebook's
# own reminders come on top.
DEFAULT_REMINDERS = ({"before": 1, "unit": "hari_kerja"}, {"before": 0, "unit": "hari_kerja"})


def _reminder_instants(row: Deadline, cal: WorkingCalendar, tz: str) -> list[tuple[str, datetime]]:
    from zoneinfo import ZoneInfo

    from sikd.tenancy.models import TIMEZONES

    zone = ZoneInfo(TIMEZONES[tz])
    due_local = row.due_at.astimezone(zone).date()
    out = []
    wanted = [*DEFAULT_REMINDERS, *(row.spec.get("reminders") or ())]
    seen: set[tuple[int, str]] = set()
    for r in wanted:
        key = (int(r.get("before", 0)), r.get("unit", "hari_kerja"))
        if key in seen:
            continue
        seen.add(key)
        before, unit = int(r.get("before", 0)), r.get("unit", "hari_kerja")
        day = due_local
        if before:
            if unit in ("bulan", "tahun"):
                months = before * (12 if unit == "tahun" else 1)
                y, m = divmod(day.year * 12 + day.month - 1 - months, 12)
                last = (date(y + (m + 1) // 12, (m + 1) % 12 + 1, 1) - date(y, m + 1, 1)).days
                day = date(y, m + 1, min(day.day, last))
            elif unit == "hari_kerja":
                left = before
                while left:
                    day = date.fromordinal(day.toordinal() - 1)
                    if cal.is_working_day(day):
                        left -= 1
            else:
                day = date.fromordinal(day.toordinal() - before)
        label = f"{before}{unit}"
        out.append((label, datetime(day.year, day.month, day.day, 7, tzinfo=zone)))
    return out


def _send_reminders(now: datetime, result: SweepResult) -> None:
    cal = calendar()
    rows = db.session.scalars(
        select(Deadline)
        .where(Deadline.status == "open", Deadline.due_at >= now)
        .with_for_update(skip_locked=True)
    ).all()
    for row in rows:
        coop = db.session.get(Cooperation, row.cooperation_id)
        if coop is None or coop.stage != row.stage:
            continue
        for label, instant in _reminder_instants(row, cal, coop.tenant.timezone):
            if label in (row.reminders_sent or []) or now < instant:
                continue
            row.reminders_sent = [*(row.reminders_sent or []), label]
            rulebook = rulebook_of(coop)
            level = _stage_level(rulebook, coop.process, row.stage)
            holder = holder_tenant(level, coop.tenant)
            days = "hari ini" if label.startswith("0") else "besok (1 hari kerja lagi)"
            with tenant_scope(coop.tenant_id):
                add_notification(
                    holder.id,
                    coop,
                    "reminder",
                    f"Pengingat: tenggat {coop.number} {days}",
                    (
                        f"Tahap {stage_label(rulebook, coop.process, row.stage)} untuk '{coop.title}' "
                        f"berakhir {_fmt(row.due_at)} ({row.spec.get('basis', '')})."
                    ),
                    _stage_roles(rulebook, coop.process, row.stage),
                    now,
                    dedupe_key=f"reminder:{row.id}:{label}",
                )
            result.reminders += 1


# --- inbox ----------------------------------------------------------------------------------


def inbox(user: User) -> list[dict[str, Any]]:
    """What waits for this user now: cooperations held by the user's tenant at a stage one of
    the user's roles may act on; overdue first, then by due date."""
    rows = db.session.scalars(
        select(Cooperation).where(
            Cooperation.holder_tenant_id == user.tenant_id, Cooperation.status == "berjalan"
        )
    ).all()
    items = []
    for coop in rows:
        roles = set(_stage_roles(rulebook_of(coop), coop.process, coop.stage))
        if not roles & set(user.roles):
            continue
        due = db.session.scalar(
            select(Deadline.due_at)
            .where(
                Deadline.cooperation_id == coop.id,
                Deadline.status == "open",
                Deadline.stage == coop.stage,
            )
            .order_by(Deadline.due_at)
            .limit(1)
        )
        items.append({"cooperation": coop, "due_at": due})
    now = clock.now()
    items.sort(key=lambda i: (i["due_at"] is None, i["due_at"] or now))
    return items


def timeline(coop: Cooperation) -> dict[str, Any]:
    events = db.session.scalars(
        select(StageEvent)
        .where(StageEvent.cooperation_id == coop.id)
        .order_by(StageEvent.at, StageEvent.id)
    ).all()
    hops = db.session.scalars(
        select(RoutingHop)
        .where(RoutingHop.cooperation_id == coop.id)
        .order_by(RoutingHop.received_at, RoutingHop.id)
    ).all()
    deadlines = db.session.scalars(
        select(Deadline).where(Deadline.cooperation_id == coop.id).order_by(Deadline.due_at)
    ).all()
    decisions = db.session.scalars(
        select(CooperationDecision)
        .where(CooperationDecision.cooperation_id == coop.id)
        .order_by(CooperationDecision.at)
    ).all()
    return {"events": events, "hops": hops, "deadlines": deadlines, "decisions": decisions}


def mark_notifications_read(user: User, ids: list[int] | None = None) -> int:
    """Mark the user's notifications (these ids, or all) as read by this user."""
    rows = [n for n in notifications_for(user, limit=500) if ids is None or n.id in ids]
    count = 0
    for note in rows:
        if user.id not in (note.read_by or []):
            note.read_by = [*(note.read_by or []), user.id]
            count += 1
    db.session.commit()
    return count


def notifications_for(user: User, limit: int = 50) -> list[Notification]:
    return list(
        db.session.scalars(
            select(Notification)
            .where(
                Notification.tenant_id == user.tenant_id,
                or_(
                    Notification.recipient_roles == [],
                    Notification.recipient_roles.overlap(user.roles),
                ),
            )
            .order_by(Notification.created_at.desc())
            .limit(limit)
        )
    )
