"""Whole numbers from a page's query string (``?halaman=``, ``?year=``), kept within what
PostgreSQL's integer columns and ``OFFSET`` hold, so a number typed into the address bar is never
a database error (``bigint out of range`` was a 500)."""

from __future__ import annotations

from flask import request

INT_MAX = 2**31 - 1  # PostgreSQL ``integer``


def whole_number(name: str, default: int | None = None, *, low: int = -INT_MAX - 1) -> int | None:
    """``?name=`` as a whole number from ``low`` to :data:`INT_MAX`; absent or not a number:
    ``default``. A number beyond a bound is that bound: a year no cooperation has is still a year
    no cooperation has, and a page far past the last is a page past the last (each list
    answers it as it answers any page past its last)."""
    value = request.args.get(name, type=int)
    if value is None:
        return default
    return min(max(value, low), INT_MAX)


def page_number(name: str = "halaman") -> int:
    """The page asked for, from 1 (absent, not a number, zero or below: the first)."""
    return whole_number(name, 1, low=1) or 1
