"""Count SQL statements per request, for the page benchmark (``make bench``).

Off unless ``SIKD_COUNT_QUERIES=1``: then every statement sent by any engine during a request
is counted and the response carries ``X-Query-Count``. The count includes the transaction's
``set_config`` scope statements, since they are round trips like any other; it cannot include
what is sent after the response: a request that only read asks one more statement then
(``sikd.core.read_only``).
"""

from __future__ import annotations

import os

from flask import Flask, Response, g, has_request_context
from sqlalchemy import event
from sqlalchemy.engine import Engine

HEADER = "X-Query-Count"


def _count(*_args: object, **_kwargs: object) -> None:
    if has_request_context():
        g._sikd_query_count = g.get("_sikd_query_count", 0) + 1


def init_app(app: Flask) -> None:
    if os.environ.get("SIKD_COUNT_QUERIES") != "1":
        return
    if not event.contains(Engine, "before_cursor_execute", _count):
        event.listen(Engine, "before_cursor_execute", _count)

    @app.after_request
    def _add_query_count(response: Response) -> Response:
        response.headers[HEADER] = str(g.get("_sikd_query_count", 0))
        return response
