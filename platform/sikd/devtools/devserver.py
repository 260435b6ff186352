"""``sikd serve`` (behind ``make run``): the whole product on one machine, until Ctrl-C.

A small supervisor keeps web, worker and scheduler running: a child that dies is restarted
after a growing pause (1 s, 2 s, 4 s ... at most 30 s) while the others keep serving. Each child
runs in a process group of its own, so stopping it (or cleaning up after its crash) also ends
what it forked: gunicorn's workers, RQ's scheduler and job processes. Ctrl-C or SIGTERM stops
every child, then the embedded Redis/PostgreSQL this process started.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import click

from sikd.devtools.services_boot import embedded_database_in_use, ensure_services, stop_services

BACKOFF_START = 1.0  # seconds before the first restart of a crashed child
BACKOFF_MAX = 30.0
STABLE_AFTER = 60.0  # a child that ran this long before dying restarts after BACKOFF_START again
STOP_GRACE = 10.0  # seconds a child gets to finish after SIGTERM before its group is killed


def _accounts_file() -> Path:
    from sikd.core.config import load_settings

    return load_settings().var_dir / "demo_accounts.txt"


def _prepare(seed: bool) -> None:
    from flask_migrate import upgrade

    from sikd import create_app
    from sikd.core.config import load_settings

    settings = load_settings()
    app = create_app(settings)
    with app.app_context():
        t0 = time.monotonic()
        upgrade()
        from sikd.tenancy.services import sync_tenants

        result = sync_tenants()
        click.echo(
            f"Migrasi selesai; instansi: {result.created} dibuat, {result.updated} diperbarui."
        )
        from sikd.demo import database_has_users, seed_demo_accounts

        if seed and embedded_database_in_use() and not database_has_users():
            from sikd.demo import seed_demo_cooperations

            accounts, password = seed_demo_accounts()
            click.echo("Mengisi data demo kerja sama (sekali saja, kira-kira satu menit)...")
            summary = seed_demo_cooperations(password=password)  # Kab. Bogor shares the password
            lines = [
                f"{a.email}\t{a.role}\t{a.tenant_name}" for a in [*accounts, *summary.accounts]
            ]
            _accounts_file().write_text(
                "\n".join(lines) + f"\nKata sandi semua akun demo: {password}\n"
            )
            if summary.error:
                click.echo(f"Data demo kerja sama tidak lengkap: {summary.error}")
        click.echo(f"Persiapan {time.monotonic() - t0:.1f} detik.")


def _log(message: str) -> None:
    click.echo(f"{time.strftime('%H:%M:%S')} [sikd serve] {message}", err=True)


def _describe_exit(code: int) -> str:
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"sinyal {-code}"
        return f"kode {code} ({name})"
    return f"kode {code}"


def _die_with_parent_hook() -> Callable[[], None] | None:
    """Linux: a hook that makes the child get SIGTERM if the supervisor itself is killed.

    Resolved here, in the parent, so that the hook run between fork and exec only makes one
    system call (no import, no lock).
    """
    if sys.platform != "linux":
        return None
    try:
        import ctypes

        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):  # pragma: no cover - an unusual libc
        return None
    pr_set_pdeathsig, sigterm = 1, int(signal.SIGTERM)
    return lambda: prctl(pr_set_pdeathsig, sigterm)


def _signal_group(pgid: int, sig: int) -> bool:
    """Send ``sig`` to a whole process group; False when no process of it is left."""
    try:
        os.killpg(pgid, sig)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:  # pragma: no cover - the group id was reused by someone else
        return False


@dataclass
class Child:
    """One supervised process: ``label`` is how the log names it."""

    label: str
    argv: list[str]
    env: dict[str, str] | None = None
    proc: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    restarts: int = 0
    backoff: float = BACKOFF_START
    restart_at: float | None = None

    def start(self) -> None:
        if self.proc is not None:  # whatever the previous run left in its group goes now
            _signal_group(self.proc.pid, signal.SIGKILL)
        self.proc = subprocess.Popen(
            self.argv,
            env=self.env,
            start_new_session=True,  # own session and process group: Ctrl-C reaches only us
            preexec_fn=_die_with_parent_hook(),
        )
        self.started_at = time.monotonic()
        self.restart_at = None

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def end_group(self, sig: int) -> None:
        """Signal what the child left in its process group (e.g. RQ's forked scheduler)."""
        if self.proc is not None:
            _signal_group(self.proc.pid, sig)


class Supervisor:
    def __init__(self, children: list[Child]) -> None:
        self.children = children
        self.stopping = False

    def request_stop(self, *_args: object) -> None:
        self.stopping = True

    def run(self) -> None:
        for child in self.children:
            child.start()
            _log(f"{child.label} berjalan (pid {child.pid}).")
        try:
            while not self.stopping:
                self.tick()
                time.sleep(0.2)
        finally:
            self.stop_all()

    def tick(self) -> None:
        now = time.monotonic()
        for child in self.children:
            if child.restart_at is not None:
                if now >= child.restart_at and not self.stopping:
                    child.restarts += 1
                    child.start()
                    _log(
                        f"{child.label} dijalankan ulang (pid {child.pid}, "
                        f"percobaan ke-{child.restarts})."
                    )
                continue
            if child.proc is None or child.running():
                continue
            code = child.proc.returncode
            child.end_group(signal.SIGTERM)  # leftovers may clean up; SIGKILL at the restart
            if now - child.started_at >= STABLE_AFTER:
                child.backoff = BACKOFF_START
            delay = child.backoff
            child.backoff = min(child.backoff * 2, BACKOFF_MAX)
            child.restart_at = now + delay
            _log(
                f"{child.label} (pid {child.proc.pid}) berhenti dengan {_describe_exit(code)}; "
                f"dijalankan ulang dalam {delay:g} detik. Proses lain tetap berjalan."
            )

    def stop_all(self) -> None:
        """SIGTERM each child, give it STOP_GRACE seconds, then SIGKILL its whole group."""
        for child in self.children:
            if child.running():
                with contextlib.suppress(ProcessLookupError):
                    child.proc.terminate()  # type: ignore[union-attr]
        deadline = time.monotonic() + STOP_GRACE
        for child in self.children:
            if child.proc is None:
                continue
            try:
                child.proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _log(f"{child.label} (pid {child.pid}) tidak berhenti; dipaksa berhenti.")
                child.proc.kill()
                child.proc.wait()
        # Grandchildren outlive their parent when it dies first: end each child's whole group.
        for child in self.children:
            child.end_group(signal.SIGKILL)


def _children(host: str, port: int) -> list[Child]:
    env = dict(os.environ)
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    web = [
        gunicorn,
        "--bind",
        f"{host}:{port}",
        "--workers",
        "2",
        "--threads",
        "4",
        "--access-logfile",
        "-",
        "sikd.wsgi:app",
    ]
    return [
        Child("web", web, env),
        Child("pekerja", [sys.executable, "-m", "sikd_workers", "worker"], env),
        Child("pemicu berkala", [sys.executable, "-m", "sikd_workers", "scheduler"], env),
    ]


def _stop_on_sigterm(*_args: object) -> None:
    raise SystemExit(0)  # unwinds through the finally blocks that stop children and services


def serve(host: str, port: int, seed: bool) -> None:
    previous_term = signal.signal(signal.SIGTERM, _stop_on_sigterm)
    try:
        ensure_services()
        _prepare(seed)
        supervisor = Supervisor(_children(host, port))
        signal.signal(signal.SIGINT, supervisor.request_stop)
        signal.signal(signal.SIGTERM, supervisor.request_stop)
        accounts = _accounts_file()
        click.echo("")
        click.echo("=" * 72)
        click.echo(f"SIKD berjalan di http://{host}:{port}/   (hentikan dengan Ctrl-C)")
        if accounts.exists():
            click.echo("Akun demo (surel, peran, instansi):")
            click.echo(accounts.read_text())
        click.echo("=" * 72)
        supervisor.run()
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the cleanup
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        stop_services()
        signal.signal(signal.SIGTERM, previous_term)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        click.echo("SIKD berhenti.")
