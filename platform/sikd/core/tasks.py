"""Small jobs of the platform itself."""

from __future__ import annotations

from sikd.core.jobs import app_context

HEARTBEAT_KEY = "sikd:heartbeat"


def heartbeat() -> str:
    """Written by the periodic trigger every minute; /healthz and tests read it."""
    from sikd.core import clock
    from sikd.core.jobs import get_redis

    with app_context():
        stamp = clock.now().isoformat()
        get_redis().set(HEARTBEAT_KEY, stamp)
        return stamp
