"""Counting the SQL statements a request sends (the hook ``make bench`` uses too)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.engine import Engine


@contextmanager
def counting() -> Iterator[dict[str, int]]:
    """``with counting() as seen: …`` — ``seen["n"]`` is the statements sent inside."""
    seen = {"n": 0}

    def _count(*_args, **_kwargs):
        seen["n"] += 1

    event.listen(Engine, "before_cursor_execute", _count)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", _count)


def page_statements(client, path: str) -> int:
    """The statements of one ``GET path`` by ``client``, after a first request that warms it
    (the first request of a client loads its session and tenant); the page must answer 200."""
    client.get(path)
    with counting() as seen:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return seen["n"]
