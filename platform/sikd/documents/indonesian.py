"""Indonesian dates and numbers as they are written in naskah dinas."""

from __future__ import annotations

from datetime import date, datetime

BULAN = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)  # fmt: skip
HARI = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")  # date.weekday() order

_SATUAN = (
    "", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan",
    "sepuluh", "sebelas",
)  # fmt: skip


def nama_bulan(month: int) -> str:
    return BULAN[month - 1]


def nama_hari(d: date) -> str:
    return HARI[d.weekday()]


def format_tanggal(d: date | datetime) -> str:
    """``22 November 2026``."""
    return f"{d.day} {BULAN[d.month - 1]} {d.year}"


def format_hari_tanggal(d: date | datetime) -> str:
    """``Minggu, 22 November 2026``."""
    return f"{nama_hari(d)}, {format_tanggal(d)}"


def terbilang(n: int) -> str:
    """Whole number in Indonesian words: ``45`` → ``empat puluh lima``."""
    if n < 0:
        return "minus " + terbilang(-n)
    if n == 0:
        return "nol"
    return _terbilang(n).strip()


def _terbilang(n: int) -> str:
    if n < 12:
        return _SATUAN[n]
    if n < 20:
        return f"{_SATUAN[n - 10]} belas"
    if n < 100:
        return f"{_SATUAN[n // 10]} puluh {_terbilang(n % 10)}".strip()
    if n < 200:
        return f"seratus {_terbilang(n - 100)}".strip()
    if n < 1000:
        return f"{_SATUAN[n // 100]} ratus {_terbilang(n % 100)}".strip()
    if n < 2000:
        return f"seribu {_terbilang(n - 1000)}".strip()
    for size, word in ((10**12, "triliun"), (10**9, "miliar"), (10**6, "juta"), (10**3, "ribu")):
        if n >= size:
            return f"{_terbilang(n // size)} {word} {_terbilang(n % size)}".strip()
    raise AssertionError("unreachable")


def jumlah_dengan_terbilang(n: int, satuan: str) -> str:
    """``45 (empat puluh lima) hari`` — the way a naskah writes a term."""
    return f"{n} ({terbilang(n)}) {satuan}"
