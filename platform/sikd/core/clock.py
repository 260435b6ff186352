"""One clock for the whole app, so tests and operators can act "as of" an instant."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app, has_app_context


class Clock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock(Clock):
    def __init__(self, instant: datetime) -> None:
        self.instant = instant

    def now(self) -> datetime:
        return self.instant


def now() -> datetime:
    if has_app_context():
        clock = current_app.extensions.get("sikd_clock")
        if clock is not None:
            return clock.now()
    return datetime.now(UTC)
