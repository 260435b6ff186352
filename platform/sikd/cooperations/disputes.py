"""Disputes in a running KSDPL/KSDLL (Perwal Bekasi 57/2023 Pasal 82-83; the Naskah's own
"penyelesaian perselisihan", PMDN25 tahap 8 angka 8): settled by negotiation and consultation
first (82(1)), in which the daerah may consult the Menteri (82(2)); when that fails, the daerah
consults the Menteri for a solution (83). A small recorded sub-process on the cooperation: each
step is kept in ``langkah``, audited on the owner's chain and told to its TKKSD and kepala
daerah. Like the monitoring rounds, the rows are the owner's alone (tenant RLS)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, ForeignKey, Index, String, Text, select
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from sikd.audit import services as audit
from sikd.cooperations.models import Cooperation, CooperationStatus
from sikd.core.errors import AppError, NotFound
from sikd.core.extensions import db
from sikd.notifications.services import add_notification
from sikd.tenancy.models import TenantOwnedMixin

TYPES = ("KSDPL", "KSDLL")
ROLES = ("tkksd", "kepala_daerah")
BASIS = "Perwal Bekasi 57/2023 Pasal 82-83"
# status → (label, the steps that may follow, who acts next)
STEPS = {
    "negosiasi": (
        "Negosiasi dan konsultasi dengan mitra (Pasal 82(1))",
        ("konsultasi_menteri", "selesai"),
    ),
    "konsultasi_menteri": ("Konsultasi kepada Menteri (Pasal 82(2), 83)", ("selesai",)),
    "selesai": ("Perselisihan selesai", ()),
}
STEP_LABELS = {
    "negosiasi": "Perselisihan dicatat; negosiasi dan konsultasi dimulai",
    "konsultasi_menteri": "Negosiasi tidak mencapai penyelesaian; konsultasi kepada Menteri",
    "selesai": "Perselisihan diselesaikan",
}


class Dispute(TenantOwnedMixin, db.Model):
    __tablename__ = "disputes"
    __table_args__ = (Index("ix_disputes_tenant_id_cooperation", "tenant_id", "cooperation_id"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    cooperation_id: Mapped[int] = mapped_column(ForeignKey("cooperations.id"), nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    uraian: Mapped[str] = mapped_column(Text, nullable=False)
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    opened_by: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    # [{"langkah", "catatan", "at", "by"}]
    langkah: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, nullable=False, default=list)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


def _may_act(user, coop: Cooperation) -> None:
    if coop.tenant_id != user.tenant_id or not user.has_role(*ROLES):
        raise AppError(
            "role_not_allowed",
            f"Perselisihan dicatat oleh TKKSD atau kepala daerah pemilik kerja sama ({BASIS}).",
            status=403,
        )


def _record(coop: Cooperation, d: Dispute, step: str, user, now: datetime, catatan: str):
    audit.record(
        tenant_id=coop.tenant_id,
        action=f"perselisihan.{step}",
        object_type="cooperation",
        object_id=coop.id,
        summary=f"{coop.number}: {STEP_LABELS[step]}",
        at=now,
        actor=user,
        data={"dispute": d.id, "catatan": catatan},
    )
    add_notification(
        coop.tenant_id,
        coop,
        "perselisihan",
        f"Perselisihan {coop.number}: {STEPS[step][0]}",
        f"{STEP_LABELS[step]} pada '{coop.title}'. {next_actor(step)} ({BASIS}).",
        list(ROLES),
        now,
        dedupe_key=f"dispute:{d.id}:{len(d.langkah)}",
    )


def next_actor(status: str) -> str:
    if status == "negosiasi":
        return (
            "Berikutnya: TKKSD atau kepala daerah mencatat hasil negosiasi — selesai, atau "
            "konsultasi kepada Menteri bila tidak tercapai"
        )
    if status == "konsultasi_menteri":
        return "Berikutnya: TKKSD atau kepala daerah mencatat solusi dari konsultasi dengan Menteri"
    return "Tidak ada langkah lagi"


def _text(value: str, what: str) -> str:
    value = (value or "").strip()
    if len(value) < 5:
        raise AppError(
            "invalid_input",
            f"Tuliskan {what} (paling sedikit 5 huruf).",
            field_errors={
                "catatan" if what != "uraian perselisihan" else "uraian": ["Wajib diisi."]
            },
        )
    return value[:4000]


def open_dispute(user, coop: Cooperation, uraian: str, now: datetime) -> Dispute:
    """A dispute on a running KSDPL/KSDLL starts with negotiation (Pasal 82(1))."""
    _may_act(user, coop)
    if coop.type not in TYPES:
        raise AppError(
            "perselisihan_tidak_berlaku",
            f"Penyelesaian perselisihan menurut {BASIS} berlaku untuk KSDPL dan KSDLL.",
            status=409,
        )
    if coop.status != CooperationStatus.BERJALAN:
        raise AppError("kerja_sama_tidak_berjalan", "Kerja sama ini tidak berjalan.", status=409)
    uraian = _text(uraian, "uraian perselisihan")
    if any(d.status != "selesai" for d in disputes_of(coop)):
        raise AppError(
            "perselisihan_berjalan",
            "Masih ada perselisihan yang belum selesai; catat langkahnya di sana.",
            status=409,
        )
    d = Dispute(
        tenant_id=coop.tenant_id,
        cooperation_id=coop.id,
        status="negosiasi",
        uraian=uraian,
        opened_at=now,
        opened_by=user.id,
        langkah=[{"langkah": "negosiasi", "catatan": uraian, "at": now.isoformat(), "by": user.id}],
    )
    db.session.add(d)
    db.session.flush()
    _record(coop, d, "negosiasi", user, now, uraian)
    return d


def step(user, coop: Cooperation, d: Dispute, langkah: str, catatan: str, now: datetime):
    """Negotiation → consultation with the Menteri (Pasal 83) → settled; or settled at once."""
    _may_act(user, coop)
    if langkah not in STEPS[d.status][1]:
        allowed = ", ".join(STEPS[d.status][1]) or "tidak ada"
        raise AppError(
            "langkah_perselisihan",
            f"Dari tahap «{STEPS[d.status][0]}» langkah berikutnya: {allowed} ({BASIS}).",
            status=409,
        )
    catatan = _text(catatan, "hasil atau alasan langkah ini")
    d.status = langkah
    d.langkah = [
        *d.langkah,
        {"langkah": langkah, "catatan": catatan, "at": now.isoformat(), "by": user.id},
    ]
    if langkah == "selesai":
        d.closed_at = now
    _record(coop, d, langkah, user, now, catatan)
    return d


def disputes_of(coop: Cooperation) -> list[Dispute]:
    """The cooperation's disputes, filtered by its owner in the app as well as by RLS."""
    return list(
        db.session.scalars(
            select(Dispute)
            .where(Dispute.tenant_id == coop.tenant_id, Dispute.cooperation_id == coop.id)
            .order_by(Dispute.id)
        )
    )


def get_dispute(coop: Cooperation, dispute_id: int) -> Dispute:
    d = db.session.get(Dispute, dispute_id)
    if d is None or d.cooperation_id != coop.id or d.tenant_id != coop.tenant_id:
        raise NotFound("not_found", "Perselisihan tidak ditemukan pada kerja sama ini.")
    return d


def describe(d: Dispute) -> dict[str, Any]:
    return {
        "id": d.id,
        "status": d.status,
        "tahap": STEPS[d.status][0],
        "uraian": d.uraian,
        "opened_at": d.opened_at.isoformat(),
        "closed_at": d.closed_at.isoformat() if d.closed_at else None,
        "langkah": [
            {**s, "label": STEP_LABELS.get(s["langkah"], s["langkah"])} for s in d.langkah or ()
        ],
        "berikutnya": list(STEPS[d.status][1]),
        "menunggu": next_actor(d.status),
        "basis": BASIS,
    }
