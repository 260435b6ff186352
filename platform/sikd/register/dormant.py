"""Dormant cooperation found and explained (the field study: LoIs and sister-city MoUs were
signed and then nothing happened). Each case carries its reasons, each reason the rule it comes
from and what would revive it:

* an LoI past its term with no Rencana Kerja Sama: the rulebook's ``expire`` deadline on
  ``loi.masa_berlaku_sampai`` flags the cooperation ``dormant`` (PMDN25 tahap 3; PERWAL57
  Pasal 62(3));
* a yearly or half-yearly report not made: the rulebook's ``jadwal`` (laporan tahunan,
  laporan mitra) marked late by the sweep (flag ``terlambat_<jadwal>``);
* a running cooperation with no activity, report or evaluation for ``N`` months
  (``SIKD_DORMANT_MONTHS``, default 12): no step in its history and no document filed since,
  counted from its term start at the earliest (an import is not activity).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from dateutil.relativedelta import relativedelta
from flask import current_app
from sqlalchemy import String, and_, column, func, literal, or_, select, table
from sqlalchemy.dialects.postgresql import ARRAY

from sikd.cooperations.access import visible_query
from sikd.cooperations.models import Cooperation, CooperationStatus, StageEvent
from sikd.cooperations.state import rules_of
from sikd.core import clock
from sikd.core.extensions import db
from sikd.core.i18n import format_tanggal

RUNNING_STAGES = ("pelaksanaan",)
LATE_FLAGS = {
    "terlambat_laporan_tahunan": "laporan_tahunan",
    "terlambat_laporan_mitra": "laporan_mitra",
}

# The documents tables belong to ``documents`` (a sibling package): read by name, two columns.
_documents = table("documents", column("id"), column("cooperation_id"), column("tenant_id"))
_versions = table(
    "document_versions", column("document_id"), column("uploaded_at"), column("tenant_id")
)


@dataclass(frozen=True)
class Reason:
    code: str
    text: str
    basis: str
    revive: str  # what would revive it, said as an instruction
    anchor: str  # where on the cooperation's page to do it


@dataclass(frozen=True)
class DormantCase:
    coop: Cooperation
    reasons: list[Reason]
    last_activity: date | None


def months() -> int:
    settings = current_app.config["SIKD_SETTINGS"]
    return int(current_app.config.get("SIKD_DORMANT_MONTHS", settings.dormant_months))


def _last_activity():
    events = (
        select(func.max(StageEvent.at))
        .where(
            StageEvent.tenant_id == Cooperation.tenant_id,
            StageEvent.cooperation_id == Cooperation.id,
            StageEvent.kind != "import",
        )
        .scalar_subquery()
    )
    uploads = (
        select(func.max(_versions.c.uploaded_at))
        .select_from(  # a version is kept under its document's tenant: the tenant-led index
            _versions.join(
                _documents,
                and_(
                    _documents.c.id == _versions.c.document_id,
                    _documents.c.tenant_id == _versions.c.tenant_id,
                ),
            )
        )
        .where(
            _documents.c.tenant_id == Cooperation.tenant_id,
            _documents.c.cooperation_id == Cooperation.id,
        )
        .scalar_subquery()
    )
    term = func.cast(Cooperation.term_start, db.DateTime(timezone=True))
    return func.greatest(events, uploads, term)


def _query(cutoff: datetime):
    activity = _last_activity().label("activity")
    flagged = Cooperation.flags.overlap(literal(["dormant", *LATE_FLAGS], ARRAY(String(40))))
    quiet = and_(Cooperation.stage.in_(RUNNING_STAGES), activity < cutoff)
    return (
        visible_query()
        .add_columns(activity)
        .where(Cooperation.status == CooperationStatus.BERJALAN, or_(flagged, quiet))
        .order_by(Cooperation.tenant_id, activity.asc().nulls_first(), Cooperation.id)
    )


def _loi_basis(rules, coop: Cooperation) -> str:
    for d in rules.deadlines_of(coop.process, coop.stage):
        if d.get("on_expiry") == "expire":
            return rules.cite(d.get("basis", ""))
    return ""


def reasons_of(coop: Cooperation, activity: datetime | None, cutoff: datetime) -> list[Reason]:
    rules = rules_of(coop)
    out: list[Reason] = []
    flags = set(coop.flags or ())
    if "dormant" in flags:
        out.append(
            Reason(
                "loi_tanpa_rencana",
                f"Tenggat tahap «{coop.stage_label}» lewat tanpa tindak lanjut: Pernyataan "
                "Kehendak (LoI) sudah lewat masa berlakunya dan Rencana Kerja Sama belum disusun.",
                _loi_basis(rules, coop) or "PMDN25 tahap 3; PERWAL57 Pasal 62(3)",
                "Susun dan ajukan Rencana Kerja Sama, atau hentikan kerja sama ini.",
                "tindakan",
            )
        )
    jadwal = rules.data.get("jadwal") or {}
    for flag, jid in LATE_FLAGS.items():
        if flag in flags:
            spec = jadwal.get(jid, {})
            out.append(
                Reason(
                    jid,
                    f"{spec.get('label', jid)}: belum disampaikan.",
                    rules.cite(spec.get("basis", "")),
                    "Unggah laporannya pada kerja sama ini.",
                    "dokumen",
                )
            )
    if coop.stage in RUNNING_STAGES and activity is not None and activity < cutoff:
        out.append(
            Reason(
                "tanpa_kegiatan",
                f"Tidak ada kegiatan, laporan, atau evaluasi sejak "
                f"{format_tanggal(activity.date())} (lebih dari {months()} bulan).",
                "Permendagri 23/2009 (pembinaan dan pengawasan); PERWAL57 Pasal 80, 85",
                "Unggah laporan pelaksanaan atau laporan evaluasi, atau akhiri kerja sama.",
                "dokumen",
            )
        )
    return out


def dormant_cases(limit: int = 1000) -> list[DormantCase]:
    """The caller's dormant cooperation (its own, or all it may see), each with its reasons."""
    now = clock.now()
    cutoff = now - relativedelta(months=months())
    cases = []
    for coop, activity in db.session.execute(_query(cutoff).limit(limit)).all():
        if isinstance(activity, date) and not isinstance(activity, datetime):
            activity = datetime.combine(activity, time(), now.tzinfo)
        reasons = reasons_of(coop, activity, cutoff)
        if reasons:
            cases.append(DormantCase(coop, reasons, activity.date() if activity else None))
    return cases


def by_daerah(cases: list[DormantCase]) -> list[tuple[Any, list[DormantCase]]]:
    groups: dict[int, tuple[Any, list[DormantCase]]] = {}
    for case in cases:
        groups.setdefault(case.coop.tenant_id, (case.coop.tenant, []))[1].append(case)
    return sorted(groups.values(), key=lambda g: g[0].name)


__all__ = ["DormantCase", "Reason", "by_daerah", "dormant_cases"]
