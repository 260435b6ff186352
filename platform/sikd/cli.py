"""The ``sikd`` command: tenants, users, database, workers, the dev server."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import FlaskGroup, with_appcontext

from sikd.devtools.services_boot import ensure_services
from sikd.rules.cli import EXTRA_CHECKS, calendar_cli, rules_cli


def _create_app():
    ensure_services()
    from sikd import create_app

    return create_app()


@click.group(
    cls=FlaskGroup, create_app=_create_app, add_default_commands=True, add_version_option=False
)
def main() -> None:
    """SIKD — Sistem Informasi Kerja Sama Daerah."""


# --- tenants -----------------------------------------------------------------------------


@main.group("tenants")
def tenants_cli() -> None:
    """Daftar instansi (provinsi, kabupaten/kota, kementerian)."""


@tenants_cli.command("sync")
@with_appcontext
def tenants_sync() -> None:
    """Muat atau perbarui semua instansi dari tenants/regions.csv (idempoten)."""
    from sikd.tenancy.services import sync_tenants

    result = sync_tenants()
    click.echo(f"dibuat {result.created}, diperbarui {result.updated}, tetap {result.unchanged}")


@tenants_cli.command("list")
@click.option("--kind", type=click.Choice(["provinsi", "kabupaten", "kota", "kementerian"]))
@with_appcontext
def tenants_list(kind: str | None) -> None:
    from sikd.tenancy.services import list_tenants

    for t in list_tenants(kind):
        click.echo(f"{t.code}\t{t.kind}\t{t.name}\t{t.timezone}")


@tenants_cli.command("show")
@click.argument("code")
@with_appcontext
def tenants_show(code: str) -> None:
    from sikd.tenancy.services import children_count, get_tenant

    t = get_tenant(code)
    if t is None:
        raise click.ClickException(
            f"Instansi dengan kode {code} tidak ditemukan. Jalankan `sikd tenants sync`?"
        )
    click.echo(f"Kode        : {t.code}")
    click.echo(f"Nama        : {t.name}")
    click.echo(f"Jenis       : {t.kind}")
    click.echo(f"Induk       : {f'{t.parent.name} ({t.parent.code})' if t.parent else '-'}")
    click.echo(f"Zona waktu  : {t.timezone} ({t.tz_name})")
    click.echo(f"Jumlah anak : {children_count(t)}")


# --- users -------------------------------------------------------------------------------


@main.group("users")
def users_cli() -> None:
    """Akun pengguna."""


@users_cli.command("create")
@click.option("--tenant", "tenant_code", required=True, help="Kode instansi, mis. 32.75")
@click.option("--role", "roles", multiple=True, required=True, help="Peran; boleh diulang")
@click.option("--email", required=True)
@click.option("--name", "full_name", default=None)
@click.option("--unit", default=None, help="Perangkat daerah (wajib untuk peran opd)")
@click.option("--password", default=None, help="Kosongkan untuk ditanya atau dibuatkan")
@click.option("--generate-password", is_flag=True, help="Buat kata sandi acak dan cetak")
@with_appcontext
def users_create(tenant_code, roles, email, full_name, unit, password, generate_password) -> None:
    from sikd.accounts.services import AccountError, create_user
    from sikd.accounts.services import generate_password as gen
    from sikd.tenancy.services import get_tenant

    tenant = get_tenant(tenant_code)
    if tenant is None:
        raise click.ClickException(f"Instansi {tenant_code} tidak ditemukan.")
    shown = None
    if password is None:
        if generate_password or not sys.stdin.isatty():
            password = shown = gen()
        else:
            password = click.prompt("Kata sandi", hide_input=True, confirmation_prompt=True)
    try:
        user = create_user(tenant, email, list(roles), password, full_name=full_name, unit=unit)
    except AccountError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(
        f"Pengguna {user.email} dibuat di {tenant.name} dengan peran {', '.join(user.roles)}."
    )
    if shown:
        click.echo(f"Kata sandi: {shown}")


# --- audit -------------------------------------------------------------------------------


@main.group("audit")
def audit_cli() -> None:
    """Jejak audit berantai."""


@audit_cli.command("verify")
@click.option("--tenant", "tenant_code", default=None)
@with_appcontext
def audit_verify(tenant_code: str | None) -> None:
    """Periksa rantai hash jejak audit; keluar dengan kode 1 bila ada yang rusak."""
    from sikd.audit.services import tenants_with_entries, verify_chain
    from sikd.core.extensions import db
    from sikd.tenancy.models import Tenant
    from sikd.tenancy.scope import system_scope
    from sikd.tenancy.services import get_tenant

    with system_scope():
        if tenant_code:
            t = get_tenant(tenant_code)
            if t is None:
                raise click.ClickException(f"Instansi {tenant_code} tidak ditemukan.")
            ids = [t.id]
        else:
            ids = tenants_with_entries()
        bad = 0
        for tid in ids:
            report = verify_chain(tid)
            code = db.session.get(Tenant, tid).code
            if report.ok:
                click.echo(f"{code}: {report.entries} entri, rantai utuh")
            else:
                bad += 1
                click.echo(f"{code}: RUSAK pada entri #{report.broken_at_seq}: {report.reason}")
    if bad:
        sys.exit(1)


# --- deadlines -----------------------------------------------------------------------------


@main.group("deadlines")
def deadlines_cli() -> None:
    """Tenggat: sapuan yang menjalankan akibat tenggat yang lewat."""


@deadlines_cli.command("run")
@click.option(
    "--now", "now_iso", default=None, help="Waktu acuan ISO 8601, mis. 2026-12-01T08:00:00+07:00"
)
@with_appcontext
def deadlines_run(now_iso: str | None) -> None:
    """Jalankan satu sapuan tenggat per waktu acuan (untuk mengejar setelah gangguan, dan uji)."""
    from datetime import UTC, datetime

    from sikd.cooperations.sweep import sweep_deadlines
    from sikd.core import clock

    if now_iso:
        try:
            now = datetime.fromisoformat(now_iso)
        except ValueError as exc:
            raise click.ClickException(f"Waktu {now_iso!r} bukan format ISO 8601.") from exc
        if now.tzinfo is None:
            raise click.ClickException(
                "Sertakan zona waktu, mis. +07:00 untuk WIB atau Z untuk UTC."
            )
        now = now.astimezone(UTC)
    else:
        now = clock.now()
    result = sweep_deadlines(now)
    for item in result.fired:
        click.echo(f"dijalankan: {item}")
    click.echo(
        f"{len(result.fired)} tenggat dijalankan, {result.obsolete} usang ditutup, {result.reminders} pengingat"
    )


# --- processes ---------------------------------------------------------------------------


@main.command("worker")
@click.option("--burst", is_flag=True, help="Kerjakan antrean sampai kosong lalu berhenti")
@click.option("--queue", "queues", multiple=True)
def worker_cmd(burst: bool, queues: tuple[str, ...]) -> None:
    """Jalankan pekerja RQ (default, notifications, deadlines, documents)."""
    args = ["worker", *(f"--queue={q}" for q in queues), *(["--burst"] if burst else [])]
    raise SystemExit(_run_workers_program(args))


@main.command("scheduler")
def scheduler_cmd() -> None:
    """Jalankan pemicu berkala (heartbeat, sapuan tenggat, pembersihan objek yatim)."""
    raise SystemExit(_run_workers_program(["scheduler"]))


def _run_workers_program(args: list[str]) -> int:
    """The worker program is its own package (``sikd_workers``), started as a child process with
    the services this process found or started; ``sikd`` itself never imports it. SIGTERM and
    SIGINT are passed on, so the child stops the way it would if started directly."""
    import signal
    import subprocess
    import sys

    ensure_services()
    child = subprocess.Popen([sys.executable, "-m", "sikd_workers", *args])

    def _forward(signum, _frame) -> None:
        child.send_signal(signum)

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, _forward)
    return child.wait()


@main.command("serve")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5000, type=int)
@click.option("--no-seed", is_flag=True)
def serve_cmd(host: str, port: int, no_seed: bool) -> None:
    """Jalankan semuanya untuk pengembangan: basis data tertanam, web, pekerja, pemicu berkala."""
    from sikd.devtools.devserver import serve

    serve(host=host, port=port, seed=not no_seed)


main.add_command(rules_cli)


def _demo_stories_fit(rules_dir: Path) -> list:
    from sikd.demo import validate_stories

    return validate_stories(rules_dir=rules_dir)


EXTRA_CHECKS.append(_demo_stories_fit)  # `sikd rules check` also walks the demo stories
main.add_command(calendar_cli)
