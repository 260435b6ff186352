"""What every page of the public register shares (no login): its rate limit and its cache.

Pages are cached in Redis for a short while under a *generation*; whatever changes what the
public sees (a tenant's hidden fields, a document marked public or private) moves the
generation, so the next request renders afresh. The register's pages (``sikd.register.public``)
and the public documents (``sikd.documents.publication``) both use it, and neither imports the
other.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Response, current_app, request

from sikd.core.jobs import get_redis

CACHE_SECONDS = 120
GENERATION_KEY = "sikd:publik:generasi"


def public_limit() -> str:
    settings = current_app.config["SIKD_SETTINGS"]
    return current_app.config.get("SIKD_PUBLIC_RATE_LIMIT", settings.public_rate_limit)


def generation() -> int:
    return int(get_redis().get(GENERATION_KEY) or 0)


def public_changed() -> None:
    """Something the public sees changed: cached pages are not served again."""
    get_redis().incr(GENERATION_KEY)


def cached_value(name: str, compute: Callable[[], bytes]) -> bytes:
    """``compute()`` once per generation and ``CACHE_SECONDS`` under ``name``."""
    redis = get_redis()
    key = f"sikd:publik:{generation()}:{name}"
    body = redis.get(key)
    if body is None:
        body = compute()
        redis.setex(key, CACHE_SECONDS, body)
    return body


def cached_page(render: Callable[[], str]) -> Response:
    """The page of this request (path and query) from the cache, else rendered and kept."""
    body = cached_value(request.full_path, lambda: render().encode())
    response = Response(body, mimetype="text/html")
    response.headers["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    return response
