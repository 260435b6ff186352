"""Reading a legacy spreadsheet (XLSX or CSV) and checking each row against the rulebook, with
the reason for every refusal in Indonesian. Nothing is written here: the preview and the import
job both call :func:`check_rows`."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from openpyxl import load_workbook

from sikd.cooperations.create import country_problem
from sikd.cooperations.models import FOREIGN_TYPES, TYPES, CooperationStatus
from sikd.core.errors import AppError
from sikd.register.columns import COLUMNS, IMPORT_FIELDS, REQUIRED, parse_tanggal
from sikd.web.filters import PARTNER_KINDS
from sikd.workflow.rulebook import Rulebook

MAX_ROWS = 20_000


def read_table(content: bytes, filename: str) -> tuple[list[str], list[list[Any]]]:
    """The header row and the data rows (empty rows dropped) of an XLSX or CSV file."""
    if content[:4] == b"PK\x03\x04":
        rows = _xlsx_rows(content)
    elif filename.lower().endswith((".csv", ".txt")):
        rows = _csv_rows(content)
    else:
        raise AppError(
            "invalid_input",
            "Berkas harus berformat XLSX (Excel) atau CSV. Simpan ulang berkas Anda dalam salah "
            "satu format itu lalu unggah kembali.",
            field_errors={"berkas": ["Format berkas tidak dikenal."]},
        )
    while rows and not _filled(rows[-1]):
        rows.pop()
    if not rows:
        raise AppError(
            "invalid_input",
            "Berkas kosong: baris pertama harus berisi judul kolom, baris berikutnya data kerja sama.",
            field_errors={"berkas": ["Berkas tidak berisi baris."]},
        )
    if len(rows) - 1 > MAX_ROWS:
        raise AppError(
            "invalid_input",
            f"Berkas berisi {len(rows) - 1} baris; paling banyak {MAX_ROWS} baris sekali impor. "
            "Bagi berkas menjadi beberapa bagian.",
            field_errors={"berkas": ["Terlalu banyak baris."]},
        )
    headers = [str(h).strip() if h is not None else "" for h in rows[0]]
    return headers, rows[1:]


def _filled(values: list[Any]) -> bool:
    return any(v not in (None, "") for v in values)


def _xlsx_rows(content: bytes) -> list[list[Any]]:
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:
        raise AppError(
            "invalid_input",
            "Berkas XLSX tidak dapat dibaca. Buka di Excel/LibreOffice, simpan ulang sebagai XLSX, "
            "lalu unggah kembali.",
            field_errors={"berkas": [str(exc)[:200]]},
        ) from exc
    try:
        sheet = book.worksheets[0]
        return [list(r) for r in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def _csv_rows(content: bytes) -> list[list[Any]]:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    return [list(r) for r in csv.reader(io.StringIO(text), delimiter=delimiter)]


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def guess_mapping(headers: list[str], remembered: dict[str, str] | None) -> dict[str, str]:
    """field → header: the tenant's remembered choice where that header is in the file, else the
    header that reads like the field (``Judul Kerja Sama``, ``judul``)."""
    present = set(headers)
    mapping = {f: h for f, h in (remembered or {}).items() if h in present and f in IMPORT_FIELDS}
    by_norm = {_norm(h): h for h in headers if h}
    for key, header in IMPORT_FIELDS.items():
        if key in mapping:
            continue
        for candidate in (header, key):
            if _norm(candidate) in by_norm:
                mapping[key] = by_norm[_norm(candidate)]
                break
    return mapping


@dataclass
class Row:
    """One checked row, ready to be written."""

    number: int  # the row's line in the file (header = 1)
    key: str
    source_number: str | None
    type: str
    subtype: str
    title: str
    partner_name: str
    partner_kind: str
    partner_country: str | None
    objek: list[str]
    process: str
    stage: str
    status: str
    term_start: date | None
    term_end: date | None
    year: int


def _cell(values: list[Any], index: dict[str, int], key: str) -> Any:
    i = index.get(key)
    if i is None or i >= len(values):
        return None
    value = values[i]
    return value.strip() if isinstance(value, str) else value


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def row_key(title: str, partner: str, type_: str, start: date | None, end: date | None) -> str:
    parts = [" ".join(title.lower().split()), " ".join(partner.lower().split()), type_]
    parts += [start.isoformat() if start else "", end.isoformat() if end else ""]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


class Checker:
    """Checks rows against one rulebook (the tenant's current one)."""

    def __init__(self, rules: Rulebook, this_year: int) -> None:
        self.rules = rules
        self.this_year = this_year
        self.objek = {o["code"] for o in rules.objek()}

    def default_subtype(self, type_: str) -> str | None:
        for pid in self.rules.processes:
            for entry in self.rules.applies_to(pid):
                if entry.get("type") == type_ and entry.get("subtypes"):
                    return entry["subtypes"][0]
        return None

    def _stage(self, pid: str, stage: str, errors: list[str]) -> str:
        """The status a stage means, or '' with a reason added to ``errors``."""
        if self.rules.is_terminal(pid, stage):
            return CooperationStatus.DITOLAK if stage == "ditolak" else CooperationStatus.SELESAI
        if stage not in self.rules.stage_ids(pid):
            errors.append(
                f"Kode tahapan '{stage}' tidak dikenal untuk proses ini; gunakan mis. "
                f"'{self.rules.start_of(pid)}' atau 'pelaksanaan'."
            )
            return ""
        if self.rules.level_of(pid, stage) != "own":
            errors.append(
                f"Tahapan '{stage}' dipegang provinsi atau kementerian; kerja sama lama hanya dapat "
                "diimpor pada tahapan di daerah sendiri (mis. pelaksanaan) atau yang sudah berakhir."
            )
            return ""
        return CooperationStatus.BERJALAN

    def _needs_term(self, pid: str, stage: str) -> bool:
        ids = self.rules.stage_ids(pid)
        if "pelaksanaan" not in ids:
            return False
        if self.rules.is_terminal(pid, stage):
            return stage == "selesai"
        return stage in ids and ids.index(stage) >= ids.index("pelaksanaan")

    def check(
        self, line: int, values: list[Any], index: dict[str, int]
    ) -> tuple[Row | None, list[str]]:
        errors: list[str] = []
        get = lambda key: _text(_cell(values, index, key))  # noqa: E731
        for key in REQUIRED:
            if not get(key):
                errors.append(f"Kolom {IMPORT_FIELDS[key]} kosong.")
        type_ = get("jenis").upper()
        if type_ and type_ not in TYPES:
            errors.append(f"Jenis '{type_}' tidak dikenal; isi salah satu dari {', '.join(TYPES)}.")
        if errors:
            return None, errors
        subtype = get("subjenis") or self.default_subtype(type_) or ""
        pid = self.rules.process_for(type_, subtype)
        if pid is None:
            return None, [f"Subjenis '{subtype}' tidak berlaku untuk jenis {type_}."]
        kinds = [k for k, _ in PARTNER_KINDS.get(type_, [])]
        partner_kind = get("jenis_mitra") or (kinds[0] if kinds else "")
        if kinds and partner_kind not in kinds:
            errors.append(
                f"Jenis mitra '{partner_kind}' tidak berlaku untuk {type_}; pilih {', '.join(kinds)}."
            )
        country = get("negara").upper() or None
        if type_ in FOREIGN_TYPES and (problem := country_problem(country)):
            errors.append(problem)
        objek = [o.strip() for o in re.split(r"[,;]", get("objek")) if o.strip()]
        if unknown := [o for o in objek if o not in self.objek]:
            errors.append(f"Objek tidak dikenal: {', '.join(unknown)}.")
        stage = get("tahapan") or self.rules.start_of(pid)
        status = self._stage(pid, stage, errors)
        start = end = None
        for key in ("mulai", "berakhir"):
            try:
                parsed = parse_tanggal(_cell(values, index, key))
            except ValueError:
                errors.append(
                    f"{IMPORT_FIELDS[key]} '{get(key)}' bukan tanggal; tulis mis. 31/12/2026."
                )
                continue
            start, end = (parsed, end) if key == "mulai" else (start, parsed)
        if status and self._needs_term(pid, stage) and not (start and end):
            errors.append(
                f"Kerja sama pada tahapan '{stage}' perlu Tanggal Mulai dan Tanggal Berakhir "
                "(jangka waktu dalam naskah)."
            )
        if start and end and end < start:
            errors.append("Tanggal Berakhir lebih awal dari Tanggal Mulai.")
        year_text = get("tahun")
        year = start.year if start else self.this_year
        if year_text:
            if year_text.isdigit() and 1945 <= int(year_text) <= self.this_year + 1:
                year = int(year_text)
            else:
                errors.append(f"Tahun '{year_text}' tidak valid; tulis empat angka, mis. 2024.")
        if errors:
            return None, errors
        title, partner = get("judul"), get("mitra")
        return Row(
            number=line,
            key=row_key(title, partner, type_, start, end),
            source_number=get("nomor")[:80] or None,
            type=type_,
            subtype=subtype,
            title=title[:300],
            partner_name=partner[:300],
            partner_kind=partner_kind,
            partner_country=country if type_ in FOREIGN_TYPES else None,
            objek=objek,
            process=pid,
            stage=stage,
            status=status,
            term_start=start,
            term_end=end,
            year=year,
        ), []


def column_index(headers: list[str], mapping: dict[str, str]) -> dict[str, int]:
    position = {h: i for i, h in enumerate(headers)}
    return {key: position[h] for key, h in mapping.items() if h in position}


def check_rows(
    checker: Checker, headers: list[str], rows: list[list[Any]], mapping: dict[str, str]
) -> Iterator[tuple[Row | None, int, list[str]]]:
    """(row or None, line number, errors) for every data row."""
    missing = [IMPORT_FIELDS[k] for k in REQUIRED if k not in mapping]
    if missing:
        raise AppError(
            "invalid_input",
            "Pemetaan kolom belum lengkap: pilih kolom berkas untuk " + ", ".join(missing) + ".",
            field_errors={"pemetaan": missing},
        )
    index = column_index(headers, mapping)
    for n, values in enumerate(rows, start=2):
        if not _filled(values):
            continue
        row, errors = checker.check(n, values, index)
        yield row, n, errors


__all__ = ["COLUMNS", "Checker", "Row", "check_rows", "guess_mapping", "read_table"]
