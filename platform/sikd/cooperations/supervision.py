"""Pembinaan dan pengawasan of domestic cooperation (Permendagri 23/2009).

The Gubernur supervises the KSDD/KSDPK of the kab/kota in its provinsi (Pasal 3), Kemendagri
those of the provinsi (Pasal 2), at the phases of Pasal 4: penjajakan, negosiasi,
penandatanganan, pelaksanaan and pengakhiran. The supervisor sees them in a queue by phase,
records pembinaan notes, findings and requests for information (the supervised daerah is told and
reads them), and compiles its periodic report (Gubernur → Menteri Dalam Negeri, Pasal 13).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import aliased

from sikd.accounts.models import User
from sikd.audit import services as audit
from sikd.cooperations.access import get_visible, visible_query
from sikd.cooperations.domestic_models import SupervisionNote, SupervisionReport
from sikd.cooperations.history import record_on_cooperation
from sikd.cooperations.models import Cooperation, CooperationStatus
from sikd.cooperations.state import rules_of
from sikd.core import clock
from sikd.core.errors import AppError, NotFound
from sikd.core.extensions import db
from sikd.notifications.services import add_notification
from sikd.tenancy.models import KEMENDAGRI, Tenant
from sikd.tenancy.scope import tenant_scope

DOMESTIC_TYPES = ("KSDD", "KSDPK")
BASIS = "Permendagri 23/2009 Pasal 2-4, 9-13"
PHASES = {
    "penjajakan": "Penjajakan",
    "negosiasi": "Negosiasi",
    "penandatanganan": "Penandatanganan",
    "pelaksanaan": "Pelaksanaan",
    "pengakhiran": "Pengakhiran",
}
NOTE_KINDS = {
    "pembinaan": "Catatan pembinaan",
    "temuan": "Temuan pengawasan",
    "permintaan_keterangan": "Permintaan keterangan",
}
SUPERVISOR_ROLES = ("gubernur_verifier", "sekjen_verifier", "sekjen_leader")


def phase_of(coop: Cooperation) -> str | None:
    """The phase of Pasal 4 the current stage names in its rulebook (``pengawasan_tahap``, so
    a variant's own stages carry theirs); a cooperation whose term ran out is at pengakhiran,
    one that ended at a terminal too (``selesai``), a refused one is no longer supervised."""
    if coop.status == CooperationStatus.BERAKHIR:
        return "pengakhiran"
    if coop.status == CooperationStatus.DITOLAK:
        return None
    rules = rules_of(coop)
    if coop.stage in rules.terminals(coop.process):
        return "pengakhiran"
    return (rules.stage(coop.process, coop.stage) or {}).get("pengawasan_tahap")


def _supervisor(user: User) -> Tenant:
    tenant = user.tenant
    is_supervisor = tenant.kind == "provinsi" or tenant.code == KEMENDAGRI
    if not is_supervisor or not user.has_role(*SUPERVISOR_ROLES):
        raise AppError(
            "forbidden",
            "Antrean pembinaan dan pengawasan untuk Gubernur (verifikator) dan Kemendagri "
            f"({BASIS}).",
            status=403,
        )
    return tenant


require_supervisor = _supervisor  # for the exports of what the supervision pages show


def _supervised_query(tenant: Tenant):
    """Domestic cooperation the tenant supervises: of (or partnered by) its kab/kota for a
    provinsi; of a provinsi for Kemendagri."""
    owner, partner = aliased(Tenant), aliased(Tenant)
    query = (
        visible_query()
        .join(owner, owner.id == Cooperation.tenant_id)
        .outerjoin(partner, partner.id == Cooperation.partner_tenant_id)
        .where(Cooperation.type.in_(DOMESTIC_TYPES))
    )
    if tenant.code == KEMENDAGRI:
        return query.where(or_(owner.kind == "provinsi", partner.kind == "provinsi"))
    return query.where(or_(owner.parent_id == tenant.id, partner.parent_id == tenant.id))


def queue(user: User, phase: str | None = None, year: int | None = None) -> list[dict[str, Any]]:
    tenant = _supervisor(user)
    if phase is not None and phase not in PHASES:
        raise AppError(
            "invalid_input",
            f"Tahap pengawasan harus salah satu dari: {', '.join(PHASES)}.",
            field_errors={"phase": ["Tahap tidak dikenal."]},
        )
    query = _supervised_query(tenant)
    if year:
        query = query.where(Cooperation.year == year)
    rows = db.session.scalars(query.order_by(Cooperation.updated_at.desc())).all()
    notes = _notes_by_coop(tenant, [c.id for c in rows])
    out = []
    for coop in rows:
        coop_phase = phase_of(coop)
        if coop_phase is None or (phase is not None and coop_phase != phase):
            continue
        out.append({"cooperation": coop, "phase": coop_phase, "notes": notes.get(coop.id, [])})
    return out


def _notes_by_coop(tenant: Tenant, ids: list[int]) -> dict[int, list[SupervisionNote]]:
    if not ids:
        return {}
    out: dict[int, list[SupervisionNote]] = {}
    for note in db.session.scalars(
        select(SupervisionNote)
        .where(SupervisionNote.tenant_id == tenant.id, SupervisionNote.cooperation_id.in_(ids))
        .order_by(SupervisionNote.at)
    ):
        out.setdefault(note.cooperation_id, []).append(note)
    return out


def add_note(user: User, coop_id: int, kind: str, text: str) -> SupervisionNote:
    """A pembinaan note, finding or request for information; audited on the supervisor's chain
    and the cooperation's, and told to the supervised daerah (Pasal 9-11)."""
    tenant = _supervisor(user)
    coop = get_visible(coop_id)
    supervised = db.session.scalar(_supervised_query(tenant).where(Cooperation.id == coop.id))
    if supervised is None:
        raise NotFound("not_found", "Kerja sama tidak ditemukan dalam pengawasan Anda.")
    if kind not in NOTE_KINDS:
        raise AppError(
            "invalid_input",
            f"Jenis catatan harus salah satu dari: {', '.join(NOTE_KINDS)}.",
            field_errors={"kind": ["Jenis catatan tidak dikenal."]},
        )
    if not (text or "").strip():
        raise AppError("invalid_input", "Isi catatan.", field_errors={"text": ["Wajib diisi."]})
    now = clock.now()
    phase = phase_of(coop) or "penjajakan"
    with tenant_scope(tenant.id):
        note = SupervisionNote(
            tenant_id=tenant.id,
            cooperation_id=coop.id,
            owner_tenant_id=coop.tenant_id,
            kind=kind,
            phase=phase,
            text=text.strip(),
            created_by=user.id,
            at=now,
        )
        db.session.add(note)
        db.session.flush()
    summary = f"{NOTE_KINDS[kind]} {tenant.name} (tahap {PHASES[phase]}): {text.strip()[:200]}"
    record_on_cooperation(coop, user, f"supervision.{kind}", "supervision_note", note.id, summary)
    add_notification(
        coop.tenant_id,
        coop,
        "pengawasan",
        f"{NOTE_KINDS[kind]} atas {coop.number} dari {tenant.name}",
        f"{text.strip()} ({BASIS}).",
        ["tkksd", "kepala_daerah"],
        now,
    )
    db.session.commit()
    return note


def notes_of(coop: Cooperation) -> list[SupervisionNote]:
    """Notes on a cooperation the caller may read (its supervisors' own, or the owner's)."""
    return list(
        db.session.scalars(
            select(SupervisionNote)
            .where(SupervisionNote.cooperation_id == coop.id)
            .order_by(SupervisionNote.at)
        )
    )


def report_items(user: User, year: int) -> list[dict[str, Any]]:
    """The content of the periodic report: each supervised cooperation with its phase and the
    notes and findings recorded on it."""
    return [
        {
            "cooperation_id": i["cooperation"].id,
            "number": i["cooperation"].number,
            "title": i["cooperation"].title,
            "type": i["cooperation"].type,
            "daerah": i["cooperation"].tenant.name,
            "partner": i["cooperation"].partner_name,
            "phase": i["phase"],
            "stage": i["cooperation"].stage,
            "status": i["cooperation"].status,
            "notes": [{"kind": n.kind, "phase": n.phase, "text": n.text} for n in i["notes"]],
        }
        for i in queue(user, year=year)
    ]


def submit_report(user: User, year: int, period: str, summary: str) -> SupervisionReport:
    """Send the report to the Menteri Dalam Negeri (Pasal 13): stored with its items as they
    are now, audited, and in Kemendagri's notifications."""
    tenant = _supervisor(user)
    if tenant.code == KEMENDAGRI:
        raise AppError("forbidden", "Laporan ini disampaikan Gubernur kepada Menteri.", status=403)
    if not (summary or "").strip():
        raise AppError(
            "invalid_input",
            "Isi ringkasan hasil pembinaan dan pengawasan.",
            field_errors={"summary": ["Wajib diisi."]},
        )
    recipient = db.session.scalar(select(Tenant).where(Tenant.code == KEMENDAGRI))
    now = clock.now()
    items = report_items(user, year)
    with tenant_scope(tenant.id):
        report = SupervisionReport(
            tenant_id=tenant.id,
            year=year,
            period=(period or f"Tahun {year}").strip()[:40],
            recipient_tenant_id=recipient.id,
            items=items,
            summary=summary.strip(),
            submitted_by=user.id,
            at=now,
        )
        db.session.add(report)
        db.session.flush()
        audit.record(
            tenant_id=tenant.id,
            action="supervision.report_submitted",
            object_type="supervision_report",
            object_id=report.id,
            summary=f"Laporan pembinaan dan pengawasan {report.period} ({len(items)} kerja sama) "
            "disampaikan kepada Menteri Dalam Negeri",
            at=now,
            actor=user,
            data={"year": year, "count": len(items)},
        )
    add_notification(
        recipient.id,
        None,
        "laporan_pengawasan",
        f"Laporan pembinaan dan pengawasan {tenant.name} {report.period}",
        f"{summary.strip()} ({len(items)} kerja sama; Permendagri 23/2009 Pasal 13).",
        ["sekjen_verifier", "sekjen_leader"],
        now,
    )
    db.session.commit()
    return report


def reports_for(user: User) -> list[SupervisionReport]:
    """Reports the caller's tenant sent or received."""
    return list(
        db.session.scalars(
            select(SupervisionReport)
            .where(
                or_(
                    SupervisionReport.tenant_id == user.tenant_id,
                    SupervisionReport.recipient_tenant_id == user.tenant_id,
                )
            )
            .order_by(SupervisionReport.at.desc())
        )
    )
