"""The web process freezes its long-lived objects at start-up and once more after its first
requests, so that a full collection does not walk them again (``sikd.core.gc_freeze``)."""

from __future__ import annotations

import gc

from flask import Flask

from sikd.core.gc_freeze import freeze_long_lived


def test_long_lived_objects_are_frozen_at_start_and_after_the_warm_up_requests():
    app = Flask(__name__)
    kept: list[object] = []

    @app.get("/")
    def index():
        kept.append([[] for _ in range(100)])  # what a process caches on the way
        return "ok"

    try:
        freeze_long_lived(app, warm_up_requests=3)
        at_start = gc.get_freeze_count()
        assert at_start > 0
        client = app.test_client()
        client.get("/")
        client.get("/")
        assert gc.get_freeze_count() < at_start + 100  # not yet: still warming up
        client.get("/")
        after_warm_up = gc.get_freeze_count()
        assert after_warm_up > at_start + 300  # the third request froze what was cached
        client.get("/")
        assert gc.get_freeze_count() < after_warm_up + 100  # once only
    finally:
        gc.unfreeze()
