"""The register's columns as a spreadsheet has them: Indonesian headers, one cell per field,
dates as Indonesians write them (``31/12/2026``); the same columns are read back on import."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sikd.cooperations.models import Cooperation

MONTHS = [
    "januari",
    "februari",
    "maret",
    "april",
    "mei",
    "juni",
    "juli",
    "agustus",
    "september",
    "oktober",
    "november",
    "desember",
]


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    importable: bool = True


COLUMNS: tuple[Column, ...] = (
    Column("nomor", "Nomor"),
    Column("judul", "Judul Kerja Sama"),
    Column("jenis", "Jenis"),
    Column("subjenis", "Subjenis"),
    Column("mitra", "Mitra"),
    Column("jenis_mitra", "Jenis Mitra"),
    Column("negara", "Negara Mitra"),
    Column("objek", "Objek"),
    Column("tahapan", "Kode Tahapan"),
    Column("nama_tahapan", "Tahapan", importable=False),
    Column("status", "Status", importable=False),
    Column("mulai", "Tanggal Mulai"),
    Column("berakhir", "Tanggal Berakhir"),
    Column("tahun", "Tahun"),
    Column("daerah", "Daerah", importable=False),
)
HEADERS = [c.header for c in COLUMNS]
IMPORT_FIELDS = {c.key: c.header for c in COLUMNS if c.importable}
REQUIRED = ("judul", "jenis", "mitra")


def tanggal_angka(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def parse_tanggal(value: Any) -> date | None:
    """A date cell or text: ``31/12/2026``, ``31-12-2026``, ``2026-12-31``, ``31 Desember 2026``.
    Empty is None; anything else raises ValueError."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if not text:
        return None
    if m := re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text):
        return date(int(m[3]), int(m[2]), int(m[1]))
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?", text):
        return date(int(m[1]), int(m[2]), int(m[3]))
    if (m := re.fullmatch(r"(\d{1,2}) (\w+) (\d{4})", text)) and m[2].lower() in MONTHS:
        return date(int(m[3]), MONTHS.index(m[2].lower()) + 1, int(m[1]))
    raise ValueError(text)


def row_values(coop: Cooperation, status_labels: dict[str, str]) -> dict[str, Any]:
    """One cooperation as the spreadsheet's cells (dates as ``date``; the writer formats)."""
    return {
        "nomor": coop.number,
        "judul": coop.title,
        "jenis": coop.type,
        "subjenis": coop.subtype,
        "mitra": coop.partner_name,
        "jenis_mitra": coop.partner_kind,
        "negara": coop.partner_country or "",
        "objek": ", ".join(coop.objek or []),
        "tahapan": coop.stage,
        "nama_tahapan": coop.stage_label or coop.stage,
        "status": status_labels.get(coop.status, coop.status),
        "mulai": coop.term_start,
        "berakhir": coop.term_end,
        "tahun": coop.year,
        "daerah": coop.tenant.name,
    }
