"""The API's base marshmallow schema: every validation message in Indonesian, naming the field
by its label (``metadata={"label": "Judul"}``; the field's name when no label is given).

marshmallow's own messages are English (``Length must be between 3 and 300.``); a user of the
API, or of a page built on it, must read what to fix. Each field bound to a :class:`Schema`
gets Indonesian messages, and so do the validators it carries (``Length``, ``OneOf``,
``Range``); a message a developer wrote on purpose (``error=...``) is kept.
"""

from __future__ import annotations

import copy

import marshmallow
from marshmallow import fields, validate

_KINDS: list[tuple[type[fields.Field], str]] = [
    (fields.Email, "alamat surel yang sah"),
    (fields.Integer, "bilangan bulat"),
    (fields.Number, "angka"),
    (fields.Boolean, "nilai benar/salah (true atau false)"),
    (fields.DateTime, "tanggal dan jam ISO 8601 (mis. 2026-03-16T08:00:00+07:00)"),
    (fields.Date, "tanggal dengan format TTTT-BB-HH"),
    (fields.String, "teks"),
    (fields.List, "daftar (array JSON)"),
    (fields.Mapping, "objek JSON"),
    (fields.Nested, "objek JSON"),
]


def label_of(name: str, field: fields.Field) -> str:
    return str(field.metadata.get("label") or name)


def _kind(field: fields.Field) -> str:
    for cls, kind in _KINDS:
        if isinstance(field, cls):
            return kind
    return "nilai yang sah"


def _field_messages(label: str, field: fields.Field) -> dict[str, str]:
    kind = _kind(field)
    return {
        "required": f"{label} wajib diisi.",
        "null": f"{label} tidak boleh kosong (null).",
        "validator_failed": f"Isian {label} tidak sah.",
        "invalid": f"{label} harus berupa {kind}.",
        "type": f"{label} harus berupa {kind}.",
        "too_large": f"{label} terlalu besar.",
        "special": f"{label} harus berupa angka biasa (bukan NaN atau tak hingga).",
        "invalid_utf8": f"{label} bukan teks UTF-8 yang sah.",
        "invalid_awareness": f"{label} harus berupa {kind}.",
        "format": f"{label} tidak dapat ditulis sebagai {kind}.",
    }


def _localised_validator(label: str, unit: str, v: validate.Validator) -> validate.Validator:
    if getattr(v, "error", None) not in (None, getattr(type(v), "default_message", None)):
        return v  # a message written on purpose
    v = copy.copy(v)
    if isinstance(v, validate.Length):
        v.message_min = f"{label} paling sedikit {{min}} {unit}."
        v.message_max = f"{label} paling banyak {{max}} {unit}."
        v.message_all = f"{label} harus {{min}}–{{max}} {unit}."
        v.message_equal = f"{label} harus tepat {{equal}} {unit}."
    elif isinstance(v, validate.Range):
        low = "paling kecil" if v.min_inclusive else "lebih dari"
        high = "paling besar" if v.max_inclusive else "kurang dari"
        v.message_min = f"{label} {low} {{min}}."
        v.message_max = f"{label} {high} {{max}}."
        v.message_all = f"{label} {low} {{min}} dan {high} {{max}}."
    elif isinstance(v, validate.OneOf):
        v.error = f"{label} harus salah satu dari: {{choices}}."
    elif isinstance(v, validate.Email):
        v.error = f"{label} harus berupa alamat surel yang sah."
    elif isinstance(v, validate.Regexp):
        v.error = f"Format {label} tidak sah."
    else:
        v.error = f"Isian {label} tidak sah."
    return v


class NoNul(validate.Validator):
    """PostgreSQL text cannot hold the NUL character; refuse it here rather than fail there."""

    def __init__(self, label: str) -> None:
        self.error = f"{label} memuat karakter NUL (\\u0000) yang tidak diizinkan."

    def __call__(self, value):
        if _has_nul(value):
            raise marshmallow.ValidationError(self.error)
        return value


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    return False


def localise(field: fields.Field, label: str) -> None:
    """Give one field (and the fields inside it) Indonesian messages naming ``label``."""
    field.error_messages = {**field.error_messages, **_field_messages(label, field)}
    unit = "butir" if isinstance(field, fields.List) else "karakter"
    field.validators = [_localised_validator(label, unit, v) for v in field.validators]
    if isinstance(field, fields.String | fields.Mapping | fields.Raw):
        field.validators.append(NoNul(label))
    if isinstance(field, fields.List):
        field.inner = copy.copy(field.inner)
        localise(field.inner, f"Setiap butir {label}")
    elif isinstance(field, fields.Mapping) and field.value_field is not None:
        field.value_field = copy.copy(field.value_field)
        localise(field.value_field, f"Setiap nilai {label}")


class Schema(marshmallow.Schema):
    """Base of every API schema (request and response)."""

    error_messages = {
        "type": "Isi permintaan harus berupa objek JSON ({...}) dengan kolom yang disebutkan "
        "dokumentasi API.",
        "unknown": "Kolom ini tidak dikenal. Hapus dari permintaan; lihat /api/v1/docs.",
    }

    def on_bind_field(self, field_name: str, field_obj: fields.Field) -> None:
        localise(field_obj, label_of(field_name, field_obj))
