"""Structured contents of a document, checked against its rulebook document kind.

A document kind (``tenants/rules/FORMAT.md``) lists ``fields`` (what the law requires the
document to say) and ``checks`` (cross-field rules with their legal basis, e.g. an LoI is
valid at most one year from signing). :func:`build_contents_schema` turns one kind into a
marshmallow schema; :func:`validate_contents` loads data through it and refuses with one
Indonesian sentence that names the missing items by their labels.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

FIELD_TYPES = ("text", "longtext", "date", "integer", "money", "choice", "list")
CHECK_KINDS = ("max_span", "min_span")
SPAN_UNITS = {"hari": "hari", "bulan": "bulan", "tahun": "tahun"}


class ContentsRefused(ValueError):
    """The contents do not satisfy the document kind; ``errors`` maps field name → messages."""

    def __init__(self, message: str, errors: dict[str, list[str]]) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors


def add_span(start: date, amount: int, unit: str) -> date:
    """``start`` + ``amount`` days/months/years; a day past the month's end is clamped."""
    if unit == "hari":
        return start + timedelta(days=amount)
    months = amount * 12 if unit == "tahun" else amount
    if unit not in {"bulan", "tahun"}:
        raise ValueError(f"unknown span unit {unit!r}")
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def _not_blank(message: str) -> Any:
    def check(value: str) -> None:
        if not value.strip():
            raise ValidationError(message)

    return check


def _field(spec: dict[str, Any]) -> fields.Field:
    label = spec.get("label", spec["name"])
    ftype = spec.get("type", "text")
    required = bool(spec.get("required", False))
    messages = {
        "required": f"{label} wajib diisi.",
        "null": f"{label} wajib diisi.",
        "invalid": f"{label} tidak sah.",
    }
    common: dict[str, Any] = {
        "required": required,
        "allow_none": not required,
        "metadata": {"label": label, "basis": spec.get("basis")},
    }
    if ftype in {"text", "longtext"}:
        max_len = 500 if ftype == "text" else 20000
        checks: list[Any] = [
            validate.Length(max=max_len, error=f"{label} paling banyak {max_len} karakter.")
        ]
        if required:
            checks.insert(0, _not_blank(f"{label} wajib diisi."))
        return fields.String(validate=checks, error_messages=messages, **common)
    if ftype == "date":
        messages["invalid"] = f"{label} harus berupa tanggal (TTTT-BB-HH)."
        return fields.Date(error_messages=messages, **common)
    if ftype == "integer":
        messages["invalid"] = f"{label} harus berupa bilangan bulat."
        return fields.Integer(strict=False, error_messages=messages, **common)
    if ftype == "money":
        messages["invalid"] = f"{label} harus berupa jumlah uang (angka)."
        return fields.Decimal(
            places=2,
            as_string=True,
            validate=validate.Range(min=0, error=f"{label} tidak boleh negatif."),
            error_messages=messages,
            **common,
        )
    if ftype == "choice":
        choices = list(spec.get("choices") or [])
        return fields.String(
            validate=validate.OneOf(
                choices, error=f"{label} harus salah satu dari: {', '.join(map(str, choices))}."
            ),
            error_messages=messages,
            **common,
        )
    if ftype == "list":
        return fields.List(
            fields.String(validate=validate.Length(min=1, max=2000)),
            validate=validate.Length(min=1 if required else 0, error=f"{label} wajib diisi."),
            error_messages=messages,
            **common,
        )
    raise ValueError(f"unknown field type {ftype!r} for {spec['name']!r}")


def _basis_text(basis: str | None, regulations: dict[str, str] | None) -> str:
    if not basis:
        return ""
    for key, full in (regulations or {}).items():
        if basis.startswith(key):
            return f"{full}{basis[len(key) :]}"
    return basis


def build_contents_schema(
    document_kind: dict[str, Any], regulations: dict[str, str] | None = None
) -> Schema:
    """A marshmallow schema instance for one rulebook document kind (fields and checks)."""
    specs = list(document_kind.get("fields") or [])
    checks = list(document_kind.get("checks") or [])
    labels = {s["name"]: s.get("label", s["name"]) for s in specs}
    declared: dict[str, Any] = {s["name"]: _field(s) for s in specs}
    for check in checks:
        if check.get("check") not in CHECK_KINDS:
            raise ValueError(f"unknown check {check.get('check')!r}")
        if check.get("unit") not in SPAN_UNITS:
            raise ValueError(f"span unit must be one of {sorted(SPAN_UNITS)}")
        for end in (check["from"], check["to"]):
            if end not in labels:
                raise ValueError(f"check refers to unknown field {end!r}")

    def _run_checks(self: Schema, data: dict[str, Any], **_: Any) -> None:
        errors: dict[str, list[str]] = {}
        for check in checks:
            start, end = data.get(check["from"]), data.get(check["to"])
            if start is None or end is None:
                continue
            amount, unit = int(check["amount"]), check["unit"]
            basis = _basis_text(check.get("basis"), regulations)
            where = f" ({basis})" if basis else ""
            from_label, to_label = labels[check["from"]], labels[check["to"]]
            if check["check"] == "min_span":
                latest_start = add_span(end, -amount, unit)
                if start > latest_start:
                    errors.setdefault(check["from"], []).append(
                        f"{from_label} paling lambat {amount} {SPAN_UNITS[unit]} sebelum "
                        f"{to_label}{where}, yaitu paling lambat {_tanggal(latest_start)}."
                    )
                continue
            if end < start:
                errors.setdefault(check["to"], []).append(
                    f"{to_label} tidak boleh sebelum {from_label}."
                )
            elif end > add_span(start, amount, unit):
                errors.setdefault(check["to"], []).append(
                    f"{to_label} paling lama {amount} {SPAN_UNITS[unit]} sejak {from_label}"
                    f"{where}; ubah {to_label.lower()} menjadi paling lambat "
                    f"{_tanggal(add_span(start, amount, unit))}."
                )
        if errors:
            raise ValidationError(errors)

    class _Base(Schema):
        class Meta:
            unknown = RAISE

        error_messages = {
            "unknown": "Isian ini tidak dikenal untuk jenis dokumen ini; hapus isian tersebut.",
            "type": "Isi dokumen harus berupa objek isian.",
        }

    _Base.run_checks = validates_schema(skip_on_field_errors=True)(_run_checks)  # type: ignore[attr-defined]
    schema_cls = _Base.from_dict(declared, name=f"Contents_{document_kind.get('label', 'dokumen')}")
    schema = schema_cls()
    schema.context_labels = labels  # type: ignore[attr-defined]
    return schema


def _tanggal(d: date) -> str:
    from sikd.core.i18n import format_tanggal

    return format_tanggal(d)


def validate_contents(
    document_kind: dict[str, Any],
    data: dict[str, Any] | None,
    regulations: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Load ``data`` and return it JSON-ready (dates as ISO strings), or raise ContentsRefused."""
    schema = build_contents_schema(document_kind, regulations)
    labels: dict[str, str] = schema.context_labels  # type: ignore[attr-defined]
    try:
        loaded = schema.load(data or {})
    except ValidationError as exc:
        errors = _flatten(exc.messages)
        raise ContentsRefused(_summary(errors, labels, schema), errors) from exc
    return schema.dump(loaded)


def _flatten(messages: Any) -> dict[str, list[str]]:
    if isinstance(messages, dict):
        out: dict[str, list[str]] = {}
        for key, value in messages.items():
            if isinstance(value, dict):
                for sub, msgs in _flatten(value).items():
                    out[f"{key}.{sub}"] = msgs
            else:
                out[str(key)] = [str(m) for m in (value if isinstance(value, list) else [value])]
        return out
    return {"_schema": [str(m) for m in (messages if isinstance(messages, list) else [messages])]}


def _summary(errors: dict[str, list[str]], labels: dict[str, str], schema: Schema) -> str:
    missing = [
        labels[name]
        for name, msgs in errors.items()
        if name in labels and any(m.endswith("wajib diisi.") for m in msgs)
    ]
    parts: list[str] = []
    if missing:
        parts.append(f"Isian wajib belum diisi: {', '.join(missing)}. Lengkapi lalu simpan lagi.")
    for name, msgs in errors.items():
        for msg in msgs:
            if name in labels and msg.endswith("wajib diisi."):
                continue
            parts.append(msg if name in labels or name == "_schema" else f"{name}: {msg}")
    return " ".join(parts)
