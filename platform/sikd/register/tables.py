"""The dashboards' tables and the supervision reports as export sections ``(title, headers,
rows)`` for :mod:`sikd.register.export`: the same figures the page shows (so the same
visibility: what the caller may see), and the reports the caller may read (its own, or those
sent to it), found through the caller's tenant (404 otherwise)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select

from sikd.accounts.models import User
from sikd.cooperations import supervision
from sikd.cooperations.domestic_models import SupervisionReport
from sikd.core.errors import AppError, NotFound
from sikd.core.extensions import db
from sikd.tenancy.models import Tenant
from sikd.web.filters import STATUS_LABELS

Section = tuple[str, list[str], list[list[Any]]]

TILES = (
    ("total", "Kerja sama"),
    ("berjalan", "Berjalan"),
    ("overdue", "Lewat tenggat"),
    ("due_month", "Jatuh tempo bulan ini"),
    ("dormant", "Tidak aktif"),
    ("cost", "Perkiraan biaya awal (Rp)"),
    ("spent", "Biaya tercatat (Rp)"),
    ("beneficiaries", "Penerima manfaat"),
)
ITEM_HEADERS = [
    "Nomor",
    "Judul Kerja Sama",
    "Jenis",
    "Daerah",
    "Mitra",
    "Tahap Pengawasan",
    "Tahapan",
    "Status",
    "Catatan Pembinaan dan Pengawasan",
]


def dashboard_sections(user: User, key: str | None) -> list[Section]:
    """The caller's dashboard (``ringkasan`` = the number tiles, then each figure's table), or
    the one table ``key``."""
    from sikd.register.dashboard import dashboard

    data = dashboard(user)
    sections: list[Section] = [
        ("Ringkasan", ["Angka", "Jumlah"], [[label, data["tiles"][k]] for k, label in TILES])
    ]
    for f in data["figures"]:
        sections.append((f.title, list(f.headers), [list(r) for r in f.rows]))
    if not key:
        return sections
    keys = ["ringkasan", *(f.key for f in data["figures"])]
    if key not in keys:
        raise AppError(
            "invalid_input",
            f"Tabel «{key}» tidak ada di dasbor Anda. Pilih salah satu dari: {', '.join(keys)}.",
            field_errors={"tabel": ["Tabel tidak dikenal."]},
        )
    return [sections[keys.index(key)]]


def dashboard_table_keys(user: User) -> list[str]:
    from sikd.register.dashboard import dashboard

    return ["ringkasan", *(f.key for f in dashboard(user)["figures"])]


def _item_row(item: dict[str, Any]) -> list[Any]:
    notes = "; ".join(
        f"{supervision.NOTE_KINDS.get(n['kind'], n['kind'])}: {n['text']}"
        for n in item.get("notes", [])
    )
    return [
        item["number"],
        item["title"],
        item["type"],
        item["daerah"],
        item["partner"],
        supervision.PHASES.get(item["phase"], item["phase"]),
        item["stage"],
        STATUS_LABELS.get(item["status"], item["status"]),
        notes,
    ]


def draft_sections(user: User, year: int, phase: str | None) -> list[Section]:
    """The periodic report as it would be sent now (Permendagri 23/2009 Pasal 12-13): the
    supervised cooperation of ``year`` (and ``phase``) with their notes; supervisors only."""
    items = supervision.report_items(user, year)
    if phase:
        if phase not in supervision.PHASES:
            raise AppError(
                "invalid_input",
                f"Tahap pengawasan harus salah satu dari: {', '.join(supervision.PHASES)}.",
                field_errors={"tahap": ["Tahap tidak dikenal."]},
            )
        items = [i for i in items if i["phase"] == phase]
    title = f"Laporan pembinaan dan pengawasan {year} (rancangan)"
    return [(title, ITEM_HEADERS, [_item_row(i) for i in items])]


def report_of(user: User, report_id: int) -> SupervisionReport:
    """A report the caller's tenant sent or received, for the supervising roles that the
    supervision page is for (403 for other roles); any other report: 404."""
    report = db.session.scalar(
        select(SupervisionReport).where(
            SupervisionReport.id == report_id,
            or_(
                SupervisionReport.tenant_id == user.tenant_id,
                SupervisionReport.recipient_tenant_id == user.tenant_id,
            ),
        )
    )
    if report is None:
        raise NotFound("not_found", "Laporan tidak ditemukan. Buka daftar laporan pengawasan.")
    supervision.require_supervisor(user)
    return report


def report_sections(report: SupervisionReport) -> list[Section]:
    names = dict(
        db.session.execute(
            select(Tenant.id, Tenant.name).where(
                Tenant.id.in_([report.tenant_id, report.recipient_tenant_id])
            )
        ).all()
    )
    summary = [
        ["Periode", report.period],
        ["Tahun", report.year],
        ["Disampaikan oleh", names.get(report.tenant_id, "")],
        ["Kepada", names.get(report.recipient_tenant_id, "")],
        ["Tanggal disampaikan", report.at.date()],
        ["Ringkasan", report.summary],
        ["Jumlah kerja sama", len(report.items or [])],
    ]
    return [
        ("Ringkasan laporan", ["Keterangan", "Isi"], summary),
        ("Kerja sama yang diawasi", ITEM_HEADERS, [_item_row(i) for i in report.items or []]),
    ]
