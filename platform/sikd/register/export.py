"""The register as CSV or XLSX, with the page's filters, streamed: rows are read a batch at a
time through :func:`sikd.cooperations.queries.filtered_cooperations` (the same visibility and
filters as the page), CSV is yielded line by line, XLSX is written row by row by openpyxl's
write-only workbook into a spooled temporary file and streamed from there."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterator
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
        writer.writerow([tanggal_angka(v) if isinstance(v, date) else v for v in _cells(coop)])
        yield buffer.getvalue()


def write_xlsx(
    rows: Iterator[list[Any]], headers: list[str], title: str
) -> tempfile.SpooledTemporaryFile:
    """A one-sheet workbook (bold headers, dates as ``dd/mm/yyyy``) in a spooled file."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    bold = Font(bold=True)
    head = []
    for name in headers:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        head.append(cell)
    sheet.append(head)
    for values in rows:
        out = []
        for value in values:
            if isinstance(value, date):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "DD/MM/YYYY"
                out.append(cell)
            else:
                out.append(value)
        sheet.append(out)
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - returned
    book.save(spool)
    spool.seek(0)
    return spool


def register_xlsx(coops: Iterator[Cooperation]) -> tempfile.SpooledTemporaryFile:
    return write_xlsx((_cells(c) for c in coops), HEADERS, "Daftar Kerja Sama")


def chunks(spool, size: int = 64 * 1024) -> Iterator[bytes]:
    try:
        while block := spool.read(size):
            yield block
    finally:
        spool.close()
