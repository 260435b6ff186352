"""``sikd serve`` (behind ``make run``): the whole product on one machine, until Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import click

from sikd.services_boot import embedded_database_in_use, ensure_services


def _accounts_file() -> Path:
    from sikd.config import load_settings

    return load_settings().var_dir / "demo_accounts.txt"


def _prepare(seed: bool) -> None:
    from flask_migrate import upgrade

    from sikd import create_app
    from sikd.config import load_settings

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


def serve(host: str, port: int, seed: bool) -> None:
    ensure_services()
    _prepare(seed)
    env = dict(os.environ)
    sikd_bin = str(Path(sys.executable).with_name("sikd"))
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    procs = [
        subprocess.Popen(
            [
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
            ],
            env=env,
        ),
        subprocess.Popen([sikd_bin, "worker"], env=env),
        subprocess.Popen([sikd_bin, "scheduler"], env=env),
    ]
    accounts = _accounts_file()
    click.echo("")
    click.echo("=" * 72)
    click.echo(f"SIKD berjalan di http://{host}:{port}/   (hentikan dengan Ctrl-C)")
    if accounts.exists():
        click.echo("Akun demo (surel, peran, instansi):")
        click.echo(accounts.read_text())
    click.echo("=" * 72)
    stopping = False

    def _stop(*_args: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    try:
        while not stopping and all(p.poll() is None for p in procs):
            time.sleep(0.5)
    finally:
        for p in procs:
            if p.poll() is None:
                p.terminate()
        for p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
        click.echo("SIKD berhenti.")
