"""Garbage collection in a long-running web process.

A web process holds a few hundred thousand long-lived objects (the app, SQLAlchemy's mappers
and statement cache, compiled templates, the rulebooks decoded once per process). CPython's
full collection walks all of them whenever the objects that survived younger collections
reach a quarter of that number; a page that leaves a few thousand cyclic objects behind (ORM
rows, template contexts) makes that happen every few dozen requests, and that request then
waits ~100 ms (the Gubernur queue's p95 at national scale). :func:`freeze_long_lived` moves
what exists at start-up, and once more what the first 20 requests cached, into the permanent
generation (:func:`gc.freeze`): a full collection then walks only what was made since, ~1 ms.
Frozen objects are never collected; each freeze collects first, so only live objects are
frozen. Used by ``sikd.wsgi`` (gunicorn), not by the tests' apps.
"""

from __future__ import annotations

import gc
import threading

from flask import Flask

# Requests after which what the process cached on the way (statements, templates, rulebooks)
# is frozen too.
WARM_UP_REQUESTS = 20


def freeze_long_lived(app: Flask, warm_up_requests: int = WARM_UP_REQUESTS) -> None:
    """Freeze now, and once more after ``warm_up_requests`` requests of this process."""
    gc.collect()
    gc.freeze()
    lock = threading.Lock()
    left = [warm_up_requests]

    @app.teardown_request
    def _freeze_after_warm_up(_exc: BaseException | None) -> None:
        if left[0] <= 0:
            return
        with lock:
            left[0] -= 1
            if left[0] == 0:
                gc.collect()
                gc.freeze()
