"""The register as CSV or XLSX, with the page's filters, streamed: rows are read a batch at a
time through :func:`sikd.cooperations.queries.filtered_cooperations` (the same visibility and
filters as the page), CSV is yielded line by line, XLSX is written row by row by openpyxl's
write-only workbook into a spooled temporary file and streamed from there."""

from __future__ import annotations

import csv
import io
import re
import tempfile
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from sikd.cooperations.models import Cooperation
from sikd.cooperations.queries import filtered_cooperations
from sikd.core.extensions import db
from sikd.register.columns import COLUMNS, HEADERS, row_values, tanggal_angka

BATCH = 500
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STATUS_LABELS = {"berjalan": "Berjalan", "selesai": "Selesai", "ditolak": "Ditolak"}


def iter_register(args: dict[str, Any]) -> Iterator[Cooperation]:
    """Every cooperation the page would list with these filters, a batch at a time."""
    page = 1
    while True:
        rows, _ = filtered_cooperations({**args, "page": page, "per_page": BATCH})
        yield from rows
        if len(rows) < BATCH:
            return
        db.session.expunge_all()  # keep memory flat on a national export
        page += 1


def _cells(coop: Cooperation) -> list[Any]:
    values = row_values(coop, STATUS_LABELS)
    return [values[c.key] for c in COLUMNS]


def csv_lines(coops: Iterator[Cooperation]) -> Iterator[str]:
    """UTF-8 with BOM (so spreadsheet programs read the Indonesian text), ``;``-free: commas."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(HEADERS)
    yield buffer.getvalue()
    for coop in coops:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([_csv_cell(v) for v in _cells(coop)])
        yield buffer.getvalue()


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value: Any) -> Any:
    """A date as ``dd/mm/yyyy``; text a spreadsheet would run as a formula (titles and notes
    are typed by other tenants) gets a leading apostrophe (CSV injection)."""
    if isinstance(value, date):
        return tanggal_angka(value)
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _xlsx_row(sheet, values: list[Any]) -> list[Any]:
    out = []
    for value in values:
        if isinstance(value, date):
            cell = WriteOnlyCell(sheet, value=value)
            cell.number_format = "DD/MM/YYYY"
            out.append(cell)
        elif isinstance(value, str) and value.startswith("="):
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"  # text, never a formula
            out.append(cell)
        else:
            out.append(value)
    return out


def write_xlsx_sheets(
    sheets: Iterable[tuple[str, list[str], Iterable[list[Any]]]],
) -> tempfile.SpooledTemporaryFile:
    """A workbook of ``(title, headers, rows)`` sheets (bold headers, dates as ``dd/mm/yyyy``),
    written row by row into a spooled file."""
    book = Workbook(write_only=True)
    bold = Font(bold=True)
    used: set[str] = set()
    for title, headers, rows in sheets:
        name = re.sub(r"[\[\]:*?/\\]", " ", title)[:31] or "Tabel"
        while name.lower() in used:  # Excel refuses two sheets of one name
            name = f"{name[:28]} {len(used)}"
        used.add(name.lower())
        sheet = book.create_sheet(name)
        head = []
        for header in headers:
            cell = WriteOnlyCell(sheet, value=header)
            cell.font = bold
            head.append(cell)
        sheet.append(head)
        for values in rows:
            sheet.append(_xlsx_row(sheet, list(values)))
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - returned
    book.save(spool)
    spool.seek(0)
    return spool


def write_xlsx(
    rows: Iterator[list[Any]], headers: list[str], title: str
) -> tempfile.SpooledTemporaryFile:
    """A one-sheet workbook (bold headers, dates as ``dd/mm/yyyy``) in a spooled file."""
    return write_xlsx_sheets([(title, headers, rows)])


def table_csv_lines(
    sections: list[tuple[str, list[str], Iterable[list[Any]]]],
) -> Iterator[str]:
    """One table as plain CSV (header, rows); several one after another, each under a line with
    its title and separated by an empty line. UTF-8 with BOM, dates ``dd/mm/yyyy``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    for i, (title, headers, rows) in enumerate(sections):
        if len(sections) > 1:
            if i:
                writer.writerow([])
            writer.writerow([title])
        writer.writerow(headers)
        for values in rows:
            writer.writerow([_csv_cell(v) for v in values])
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def register_xlsx(coops: Iterator[Cooperation]) -> tempfile.SpooledTemporaryFile:
    return write_xlsx((_cells(c) for c in coops), HEADERS, "Daftar Kerja Sama")


def chunks(spool, size: int = 64 * 1024) -> Iterator[bytes]:
    try:
        while block := spool.read(size):
            yield block
    finally:
        spool.close()
