"""A round of pemantauan or evaluasi of one cooperation (Perwal Bekasi 57/2023 Pasal 85, 88).

The schedule (rulebook ``jadwal`` with ``on_expiry: pengawasan``) is a deadline row; when it falls
due the sweep opens a round here: the tim pembinaan dan pengawasan's work item, with its own
deadline row (``spec.round_id``) for the report. The report, its attachments, the evaluation's
recommendation and the follow-up it opens are kept on the round.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, Date, DateTime, ForeignKey, Index, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from sikd.core.extensions import db
from sikd.tenancy.models import TenantOwnedMixin


class MonitoringRound(TenantOwnedMixin, db.Model):
    __tablename__ = "monitoring_rounds"
    __table_args__ = (
        Index("ix_monitoring_rounds_tenant_id_cooperation", "tenant_id", "cooperation_id"),
        Index("ix_monitoring_rounds_tenant_id_status", "tenant_id", "status"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    cooperation_id: Mapped[int] = mapped_column(ForeignKey("cooperations.id"), nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)  # pemantauan | evaluasi
    reason: Mapped[str] = mapped_column(String(20), nullable=False)  # terjadwal | diperlukan
    scheduled_on: Mapped[date] = mapped_column(Date, nullable=False)
    due_on: Mapped[date] = mapped_column(Date, nullable=False)
    status: Mapped[str] = mapped_column(String(12), nullable=False)  # open late reported obsolete
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    reported_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reported_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # {"catatan": ..., "lampiran": {kind: version id}, "alasan": ...}
    report: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False, default=dict)
    rekomendasi: Mapped[str | None] = mapped_column(String(40))
    # {"label", "actions", "documents", "status": open|done, "done_at", "done_by"}
    tindak_lanjut: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
