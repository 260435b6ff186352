"""The rulebook vocabulary: the words a rulebook file may use, and the marshmallow building
blocks (with Indonesian messages) of its schemas in :mod:`sikd.rules.schemas`."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from marshmallow import RAISE, Schema, validate
from marshmallow import fields as mf

LEVELS = ("own", "provinsi", "kemendagri", "kemlu", "partner")
ACTION_KINDS = ("advance", "return", "refuse", "decide")
HOP_OUTCOMES = ("forwarded", "returned", "routed_directly", "decided")
UNITS = ("hari", "hari_kerja", "bulan", "tahun")
EXPIRIES = ("deemed_approved", "route_direct", "remind", "expire")
SYSTEM_EXPIRIES = ("deemed_approved", "route_direct")
FIELD_TYPES = ("text", "longtext", "date", "integer", "money", "choice", "list")
CHECK_KINDS = ("max_span", "min_span")
SUBJECTS = ("kerja_sama", "pemetaan", "pengawasan")
# the phases at which the Gubernur and Kemendagri supervise domestic cooperation
# (Permendagri 23/2009 Pasal 4); a stage names its phase in ``pengawasan_tahap``
SUPERVISION_PHASES = ("penjajakan", "negosiasi", "penandatanganan", "pelaksanaan", "pengakhiran")
INITIATOR_KINDS = ("provinsi", "kabupaten", "kota")
STARTS_FIXED = ("entered", "awal_tahun_berikutnya")
COOPERATION_SUBTYPES: dict[str, tuple[str, ...]] = {
    "KSDD": ("wajib", "sukarela"),
    "KSDPK": ("pelayanan_publik", "pengelolaan_aset", "investasi", "lainnya"),
    "KSDPL": ("kota_kembar", "lainnya"),
    "KSDLL": ("penerusan", "lainnya"),
}
ALL_SUBTYPES = tuple(sorted({s for subs in COOPERATION_SUBTYPES.values() for s in subs}))

IDENT = re.compile(r"^[a-z][a-z0-9_]*$")


MESSAGES = {
    "Missing data for required field.": "Kunci ini wajib ada; tambahkan.",
    "Unknown field.": "Kunci tidak dikenal; hapus atau perbaiki ejaannya.",
    "Not a valid string.": "Harus berupa teks.",
    "Not a valid integer.": "Harus berupa bilangan bulat.",
    "Not a valid boolean.": "Harus bernilai true atau false.",
    "Not a valid list.": "Harus berupa daftar.",
    "Not a valid mapping type.": "Harus berupa pemetaan (kunci: nilai).",
    "Invalid input type.": "Harus berupa pemetaan (kunci: nilai).",
    "Field may not be null.": "Tidak boleh kosong (null); isi atau hapus kuncinya.",
}


def one_of(choices: Iterable[str]) -> validate.OneOf:
    choices = tuple(choices)
    return validate.OneOf(
        choices, error="Nilai {input!r} tidak dikenal; pilih salah satu: {choices}."
    )


NONEMPTY = validate.Length(min=1, error="Tidak boleh kosong.")
NONNEG = validate.Range(min=0, error="Tidak boleh negatif.")
IDENT_CHECK = validate.Regexp(
    IDENT, error="Gunakan huruf kecil, angka dan garis bawah (mis. persetujuan_dprd)."
)


def text(required: bool = False, *vals: Any) -> mf.String:
    return mf.String(required=required, validate=list(vals) or None)


def ident(required: bool = True) -> mf.String:
    return mf.String(required=required, validate=IDENT_CHECK)


def idents(required: bool = False) -> mf.List:
    return mf.List(mf.String(validate=IDENT_CHECK), required=required)


class Base(Schema):
    class Meta:
        unknown = RAISE
