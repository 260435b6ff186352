"""What an action asks for (``inputs`` in FORMAT.md) and turning typed-in values into data.

``alasan`` (the reason) is required for ``return``/``refuse`` unless ``reason_required: false``,
for ``decide`` only when ``reason_required: true``; it is added as the first input when the
action does not name it itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from .types import InputSpec, RulebookError

REASON_INPUT = "alasan"
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_INT_RE = re.compile(r"^[+-]?\d+$")


def reason_required(action: Mapping[str, Any]) -> bool:
    default = action.get("kind") in ("return", "refuse")
    return bool(action.get("reason_required", default))


def input_specs(action: Mapping[str, Any]) -> tuple[InputSpec, ...]:
    specs = [
        InputSpec(
            name=i["name"],
            label=i.get("label") or i["name"],
            type=i.get("type", "text"),
            required=bool(i.get("required", False)),
            choices=tuple(i.get("choices") or ()),
            basis=i.get("basis", ""),
        )
        for i in action.get("inputs") or ()
    ]
    if reason_required(action) and not any(s.name == REASON_INPUT for s in specs):
        specs.insert(
            0,
            InputSpec(
                name=REASON_INPUT,
                label="Alasan",
                type="longtext",
                required=True,
                basis=action.get("basis", ""),
            ),
        )
    return tuple(specs)


def blank(value: Any) -> bool:
    if isinstance(value, list | tuple):
        return all(isinstance(v, str) and not v.strip() for v in value)
    return value is None or (isinstance(value, str) and not value.strip())


Coerced = tuple[Any, str | None]


def _text(spec: InputSpec, value: Any) -> Coerced:
    if not isinstance(value, str):
        return None, f"«{spec.label}» harus berupa teks"
    return value.strip(), None


def _date(spec: InputSpec, value: Any) -> Coerced:
    if isinstance(value, date):
        return value.isoformat(), None
    if isinstance(value, str) and _DATE_RE.match(value.strip()):
        try:
            return date.fromisoformat(value.strip()).isoformat(), None
        except ValueError:
            pass
    return None, f"«{spec.label}» harus berupa tanggal yang sah dengan format TTTT-BB-HH"


def _integer(spec: InputSpec, value: Any) -> Coerced:
    if isinstance(value, int) and not isinstance(value, bool):
        return value, None
    if isinstance(value, str) and _INT_RE.match(value.strip()):
        return int(value.strip()), None
    return None, f"«{spec.label}» harus berupa bilangan bulat"


def _money(spec: InputSpec, value: Any) -> Coerced:
    if isinstance(value, bool):
        return None, f"«{spec.label}» harus berupa jumlah uang"
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        return None, f"«{spec.label}» harus berupa jumlah uang, misalnya 1500000"
    if not amount.is_finite() or amount < 0:
        return None, f"«{spec.label}» harus berupa jumlah uang yang tidak negatif"
    return str(amount), None


def _choice(spec: InputSpec, value: Any) -> Coerced:
    if value in spec.choices:
        return value, None
    return None, f"«{spec.label}» harus salah satu dari: {', '.join(spec.choices)}"


def _list(spec: InputSpec, value: Any) -> Coerced:
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        items = [v.strip() for v in value if v.strip()]
        return items, None
    return None, f"«{spec.label}» harus berupa daftar teks"


_COERCERS: dict[str, Callable[[InputSpec, Any], Coerced]] = {
    "text": _text,
    "longtext": _text,
    "date": _date,
    "integer": _integer,
    "money": _money,
    "choice": _choice,
    "list": _list,
}


def coerce(spec: InputSpec, value: Any) -> Coerced:
    """(normalised value, None) or (None, Indonesian complaint)."""
    coercer = _COERCERS.get(spec.type)
    if coercer is None:
        raise RulebookError(f"jenis isian tidak dikenal: {spec.type!r} ({spec.name})")
    return coercer(spec, value)


def clean_inputs(
    specs: tuple[InputSpec, ...], inputs: Mapping[str, Any]
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The non-blank inputs normalised, and (name, complaint) for each one that is not valid."""
    cleaned: dict[str, Any] = {}
    invalid: list[tuple[str, str]] = []
    for s in specs:
        if blank(inputs.get(s.name)):
            continue
        value, complaint = coerce(s, inputs[s.name])
        if complaint:
            invalid.append((s.name, complaint))
        else:
            cleaned[s.name] = value
    return cleaned, invalid
