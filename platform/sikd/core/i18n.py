"""Indonesian dates and numbers as they are written in naskah dinas."""

from __future__ import annotations

from datetime import date, datetime
from functools import cache, lru_cache

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal

LOCALE = "id"

_SATUAN = (
    "", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan",
    "sepuluh", "sebelas",
)  # fmt: skip


@cache
def nama_bulan(month: int) -> str:
    return format_date(date(2000, month, 1), "MMMM", locale=LOCALE)


def nama_hari(d: date) -> str:
    return format_date(d, "EEEE", locale=LOCALE)


def format_tanggal(d: date | datetime) -> str:
    """``22 November 2026`` (babel's ``d MMMM y``, the month's name looked up once: a page
    writes a hundred dates)."""
    return f"{d.day} {nama_bulan(d.month)} {d.year}"


def format_hari_tanggal(d: date | datetime) -> str:
    """``Minggu, 22 November 2026``."""
    return f"{nama_hari(d)}, {format_tanggal(d)}"


def format_angka(n: int | float) -> str:
    """``1.250.000`` (Indonesian grouping)."""
    return format_decimal(n, locale=LOCALE)


def rupiah(value: int | float | None) -> str:
    """``Rp1.250.000``, as the budget documents write it."""
    return "-" if value in (None, "") else "Rp" + format_angka(int(value))


# --- countries ------------------------------------------------------------------------------
# Names from CLDR through babel; overrides only where Indonesian official usage differs.
_NAME_OVERRIDES = {"GB": "Britania Raya"}
# Codes CLDR knows that are not ISO 3166-1 countries (regions, exceptional reservations).
_NOT_ISO_3166 = {"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "ZZ"}
# A foreign partner must come from a country with which Indonesia has diplomatic relations
# (persyaratan "hubungan diplomatik", Permendagri 25/2020; Perwal Bekasi 57/2023 Pasal 51(1)a).
# Kept by hand, each with its reason; uninhabited territories have no government to cooperate with.
NO_COOPERATION = {
    "ID": "Indonesia sendiri: mitra kerja sama luar negeri harus dari negara lain.",
    "IL": "Indonesia tidak memiliki hubungan diplomatik dengan Israel.",
    "TW": "Indonesia menganut kebijakan Satu Tiongkok; tidak ada hubungan diplomatik dengan Taiwan.",
    "XK": "Indonesia tidak mengakui Kosovo sebagai negara.",
    "AQ": "Wilayah tak berpenghuni tanpa pemerintahan.",
    "BV": "Wilayah tak berpenghuni tanpa pemerintahan.",
    "HM": "Wilayah tak berpenghuni tanpa pemerintahan.",
    "GS": "Wilayah tak berpenghuni tanpa pemerintahan.",
    "UM": "Wilayah tak berpenghuni tanpa pemerintahan.",
    "TF": "Wilayah tak berpenghuni tanpa pemerintahan.",
    "IO": "Wilayah tak berpenghuni tanpa pemerintahan.",
}


@lru_cache(maxsize=1)
def country_names() -> dict[str, str]:
    """Every ISO 3166-1 alpha-2 code with its Indonesian name, sorted by name."""
    names = {
        code: _NAME_OVERRIDES.get(code, name)
        for code, name in Locale.parse(LOCALE).territories.items()
        if len(code) == 2 and code.isalpha() and code not in _NOT_ISO_3166
    }
    return dict(sorted(names.items(), key=lambda kv: kv[1]))


def partner_countries() -> dict[str, str]:
    """The countries a daerah may cooperate with: ISO 3166-1, minus :data:`NO_COOPERATION`."""
    return {c: n for c, n in country_names().items() if c not in NO_COOPERATION}


def country_name(code: str | None) -> str | None:
    return country_names().get((code or "").upper())


def find_countries(text: str) -> list[tuple[str, str]]:
    """Partner countries whose code or Indonesian name matches ``text`` ("Jepang" → JP)."""
    needle = (text or "").strip().lower()
    if not needle:
        return []
    return [
        (code, name)
        for code, name in partner_countries().items()
        if needle == code.lower() or needle in name.lower()
    ]


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
