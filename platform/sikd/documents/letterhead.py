"""A tenant's letterhead (kop surat) and nomor surat pattern, set by its administrator.

Every tenant (daerah, Kemendagri, Kemlu) has its own: full name, office, address, phone, e-mail,
website, logo and the pattern its letters are numbered with, built from parts::

    {klasifikasi}/{seq}/{unit}/{year}        e.g. 000.5/{seq}/Bag.KS/{year} -> 000.5/12/Bag.KS/2026

Placeholders: ``{klasifikasi}`` (kode klasifikasi arsip), ``{seq}`` (the ordinal; ``{seq:03d}``
pads it to 3 digits), ``{unit}`` (kode unit pengolah), ``{year}`` and ``{bulan}`` (the month in
Roman numerals). ``{seq}`` and ``{year}`` are required: the ordinal is gap-free per tenant and
year (:func:`sikd.tenancy.sequences.next_number`), so the year keeps numbers unique.
A tenant without settings keeps the documented default (:func:`format_default`).
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any

from sqlalchemy import DateTime, ForeignKey, Integer, LargeBinary, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from sikd.core.extensions import db
from sikd.tenancy.models import KEMENDAGRI, KEMLU, TenantOwnedMixin

LOGO_MAX_BYTES = 512 * 1024
LOGO_TYPES = {"image/png", "image/jpeg"}
KLASIFIKASI_KERJA_SAMA = "000.7"
DEFAULT_PATTERN = "{klasifikasi}/{seq:03d}/{unit}/{year}"
_TOKEN = re.compile(r"\{(klasifikasi|unit|year|bulan|seq)(?::0([1-6])d)?\}")
_LITERAL = re.compile(r"^[A-Za-z0-9./\-_ ]*$")
_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


class Letterhead(TenantOwnedMixin, db.Model):
    """One row per tenant (primary key = tenant); RLS like every tenant-owned table."""

    __tablename__ = "letterheads"

    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    pemerintah: Mapped[str] = mapped_column(String(160), nullable=False)  # PEMERINTAH KOTA BEKASI
    instansi: Mapped[str | None] = mapped_column(String(160))  # SEKRETARIAT DAERAH
    nama_pemerintah: Mapped[str | None] = mapped_column(String(160))  # Pemerintah Kota Bekasi
    alamat: Mapped[str] = mapped_column(Text, nullable=False)
    telepon: Mapped[str | None] = mapped_column(String(64))
    email: Mapped[str | None] = mapped_column(String(160))
    website: Mapped[str | None] = mapped_column(String(160))
    tempat: Mapped[str | None] = mapped_column(String(80))  # the dateline's place
    klasifikasi: Mapped[str] = mapped_column(String(32), nullable=False)
    unit: Mapped[str] = mapped_column(String(48), nullable=False)
    pola_nomor: Mapped[str] = mapped_column(String(96), nullable=False)
    logo: Mapped[bytes | None] = mapped_column(LargeBinary)
    logo_content_type: Mapped[str | None] = mapped_column(String(32))
    logo_sha256: Mapped[str | None] = mapped_column(String(64))
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now(), onupdate=func.now()
    )
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)


class PatternError(ValueError):
    """The nomor pattern is not usable; ``message`` is Indonesian."""


@dataclass(frozen=True)
class NumberParts:
    klasifikasi: str
    unit: str
    pattern: str


def check_pattern(pattern: str, klasifikasi: str = "000", unit: str = "X") -> str:
    """Return the pattern stripped, or raise :class:`PatternError` saying what to fix."""
    pattern = (pattern or "").strip()
    if not pattern:
        raise PatternError(
            "Pola nomor surat wajib diisi, misalnya {klasifikasi}/{seq}/{unit}/{year}."
        )
    names = [m.group(1) for m in _TOKEN.finditer(pattern)]
    rest = _TOKEN.sub("", pattern)
    if "{" in rest or "}" in rest:
        raise PatternError(
            "Pola nomor surat memuat bagian yang tidak dikenal. Gunakan hanya {klasifikasi}, "
            "{seq}, {seq:03d}, {unit}, {year} dan {bulan}."
        )
    if not _LITERAL.match(rest):
        raise PatternError(
            "Di luar bagian {…}, pola nomor surat hanya boleh memuat huruf, angka, titik, "
            "garis miring, tanda hubung dan garis bawah."
        )
    if names.count("seq") != 1 or names.count("year") != 1:
        raise PatternError(
            "Pola nomor surat harus memuat {seq} (nomor urut) dan {year} (tahun) tepat satu kali, "
            "agar nomor tidak berulang."
        )
    sample = format_number(NumberParts(klasifikasi, unit, pattern), 999999, date(2026, 12, 1))
    if len(sample) > 96:
        raise PatternError(
            "Nomor surat yang dihasilkan pola ini terlalu panjang (maks. 96 karakter)."
        )
    return pattern


def format_number(parts: NumberParts, number: int, tanggal: date) -> str:
    values = {
        "klasifikasi": parts.klasifikasi,
        "unit": parts.unit,
        "year": str(tanggal.year),
        "bulan": _ROMAN[tanggal.month - 1],
    }

    def one(match: re.Match[str]) -> str:
        name, width = match.group(1), match.group(2)
        if name == "seq":
            return str(number).zfill(int(width)) if width else str(number)
        return values[name]

    return _TOKEN.sub(one, parts.pattern)


def default_parts(tenant: Any) -> NumberParts:
    """The documented default (see :mod:`sikd.documents.services`): 000.7/007/Kerma-32.75/2026."""
    unit = {KEMENDAGRI: "SJ", KEMLU: "HPI"}.get(tenant.code, f"Kerma-{tenant.code}")
    return NumberParts(KLASIFIKASI_KERJA_SAMA, unit, DEFAULT_PATTERN)


def letterhead_of(tenant_id: int) -> Letterhead | None:
    return db.session.get(Letterhead, tenant_id)


def number_parts(tenant: Any) -> NumberParts:
    head = letterhead_of(tenant.id)
    if head is None:
        return default_parts(tenant)
    return NumberParts(head.klasifikasi, head.unit, head.pola_nomor)


def logo_data_uri(head: Letterhead | None) -> str | None:
    if head is None or not head.logo:
        return None
    return f"data:{head.logo_content_type};base64,{base64.b64encode(head.logo).decode()}"


def kop_of(tenant: Any) -> dict[str, str | None]:
    """The kop surat of a tenant: its own settings, else the placeholder from the tenant row."""
    from sikd.documents.letters import kop_for_tenant

    kop: dict[str, str | None] = dict(kop_for_tenant(tenant))
    head = letterhead_of(tenant.id)
    if head is None:
        return kop
    contacts = [
        f"Telepon {head.telepon}" if head.telepon else None,
        f"Pos-el {head.email}" if head.email else None,
        f"Laman {head.website}" if head.website else None,
    ]
    kop.update(
        pemerintah=head.pemerintah,
        instansi=head.instansi or "",
        alamat=head.alamat,
        kontak=" · ".join(c for c in contacts if c),
        nama_pemerintah=head.nama_pemerintah or kop.get("nama_pemerintah"),
        tempat=head.tempat or kop.get("tempat"),
        logo=logo_data_uri(head),
    )
    return kop


def check_logo(fileobj: IO[bytes], filename: str, max_bytes: int) -> tuple[bytes, str, str]:
    """The logo checked like any upload (typed by its bytes, size), and only PNG or JPEG."""
    from sikd.documents.validation import UploadRefused, validate_upload

    validated = validate_upload(fileobj, filename, max_bytes=min(max_bytes, LOGO_MAX_BYTES))
    try:
        if validated.content_type not in LOGO_TYPES:
            raise UploadRefused(
                "logo_type", "Logo harus berupa gambar PNG atau JPEG. Pilih berkas gambar logo."
            )
        data = validated.file.read()
    finally:
        validated.close()
    return data, validated.content_type, hashlib.sha256(data).hexdigest()


# --- saving (tenant administrator, audited) -------------------------------------------------

TEXT_FIELDS = (
    "pemerintah",
    "instansi",
    "nama_pemerintah",
    "alamat",
    "telepon",
    "email",
    "website",
    "tempat",
    "klasifikasi",
    "unit",
    "pola_nomor",
)
REQUIRED = {
    "pemerintah": "Nama lengkap pemerintah/instansi",
    "alamat": "Alamat kantor",
    "klasifikasi": "Kode klasifikasi arsip",
    "unit": "Kode unit pengolah",
    "pola_nomor": "Pola nomor surat",
}
_LIMITS = {"pemerintah": 160, "instansi": 160, "nama_pemerintah": 160, "telepon": 64,
           "email": 160, "website": 160, "tempat": 80, "klasifikasi": 32, "unit": 48,
           "pola_nomor": 96, "alamat": 400}  # fmt: skip


class LetterheadRefused(ValueError):
    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("Pengaturan kop surat belum tersimpan. Perbaiki isian yang ditandai.")
        self.message = str(self)
        self.errors = errors


def clean_values(form: Any) -> dict[str, str | None]:
    """Form or JSON values, trimmed and checked; raises :class:`LetterheadRefused`."""
    values = {k: ((form.get(k) or "").strip() or None) for k in TEXT_FIELDS}
    errors: dict[str, list[str]] = {}
    for key, label in REQUIRED.items():
        if not values[key]:
            errors[key] = [f"{label} wajib diisi."]
    for key, limit in _LIMITS.items():
        if values[key] and len(values[key]) > limit:
            errors[key] = [f"Paling banyak {limit} karakter."]
    for key in ("klasifikasi", "unit"):
        if values[key] and not _LITERAL.match(values[key]):
            errors[key] = ["Hanya huruf, angka, titik, tanda hubung dan garis bawah."]
    if values["email"] and "@" not in values["email"]:
        errors["email"] = ["Alamat pos-el tidak sah."]
    if values["pola_nomor"] and "pola_nomor" not in errors:
        try:
            values["pola_nomor"] = check_pattern(
                values["pola_nomor"], values["klasifikasi"] or "", values["unit"] or ""
            )
        except PatternError as exc:
            errors["pola_nomor"] = [str(exc)]
    if errors:
        raise LetterheadRefused(errors)
    return values


def save_letterhead(
    user: Any, form: Any, logo: tuple[bytes, str, str] | None = None, *, remove_logo: bool = False
) -> Letterhead:
    """Store the tenant's letterhead (the caller checked the role); audited in the same commit."""
    from sikd.audit import services as audit
    from sikd.core import clock
    from sikd.tenancy.scope import tenant_scope

    values = clean_values(form)
    with tenant_scope(user.tenant_id):
        head = db.session.get(Letterhead, user.tenant_id, with_for_update=True)
        before = _snapshot(head)
        if head is None:
            head = Letterhead(tenant_id=user.tenant_id, version=0)
            db.session.add(head)
        for key, value in values.items():
            setattr(head, key, value)
        if logo is not None:
            head.logo, head.logo_content_type, head.logo_sha256 = logo
        elif remove_logo:
            head.logo = head.logo_content_type = head.logo_sha256 = None
        head.updated_by = user.id
        head.version = (head.version or 0) + 1
        db.session.flush()
        after = _snapshot(head)
        changed = sorted(k for k in after if after[k] != (before or {}).get(k))
        audit.record(
            tenant_id=user.tenant_id,
            action="letterhead.updated",
            object_type="letterhead",
            object_id=user.tenant_id,
            summary=f"Kop surat dan pola nomor surat diubah: {', '.join(changed) or 'tanpa perubahan'}",
            at=clock.now(),
            actor=user,
            data={"before": before, "after": after},
        )
        db.session.commit()
    return head


def _snapshot(head: Letterhead | None) -> dict[str, Any] | None:
    if head is None:
        return None
    out: dict[str, Any] = {k: getattr(head, k) for k in TEXT_FIELDS}
    out["logo_sha256"] = head.logo_sha256
    return out
