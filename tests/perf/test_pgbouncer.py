"""Tenant isolation through PgBouncer in transaction mode (how a national deployment pools
connections): the tenant is set per transaction (``set_config(..., true)``,
``sikd.tenancy.scope``), so a server connection handed from one tenant's transaction to another's
carries nothing over. Skipped only when the ``pgbouncer`` binary is not installed
(``infra/ensure-test-deps.sh`` installs Debian's)."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from sikd.testing.journeys import SISTER_CITY

PGBOUNCER = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def bouncer(settings):
    """PgBouncer on a free port, transaction pooling, ONE server connection per database/user:
    every client's transactions run on the same PostgreSQL backend, one after another."""
    if not os.path.exists(PGBOUNCER):
        pytest.skip("pgbouncer tidak terpasang (apt-get install -y pgbouncer)")
    target = make_url(settings.database_url)
    if not target.host:
        pytest.skip("PostgreSQL uji tidak melalui TCP; PgBouncer di sini butuh host:port")
    port = _free_port()
    work = Path(tempfile.mkdtemp(prefix="sikd-pgbouncer-"))
    (work / "userlist.txt").write_text('"sikd_app" ""\n')
    (work / "pgbouncer.ini").write_text(
        f"""[databases]
* = host={target.host} port={target.port or 5432}
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = trust
auth_file = {work / "userlist.txt"}
pool_mode = transaction
default_pool_size = 1
max_client_conn = 20
ignore_startup_parameters = extra_float_digits,options
logfile = {work / "pgbouncer.log"}
"""
    )
    command = [PGBOUNCER, str(work / "pgbouncer.ini")]
    if os.geteuid() == 0:  # PgBouncer refuses to run as root: as nobody, in a dir it owns
        nobody = pwd.getpwnam("nobody")
        for path in (work, *work.iterdir()):
            os.chown(path, nobody.pw_uid, nobody.pw_gid)
        command[1:1] = ["-u", "nobody"]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 15
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                log = (
                    (work / "pgbouncer.log").read_text()
                    if (work / "pgbouncer.log").exists()
                    else ""
                )
                pytest.fail(f"pgbouncer tidak mau jalan: {log[-2000:]}")
            time.sleep(0.1)
    yield target.set(host="127.0.0.1", port=port).render_as_string(hide_password=False)
    proc.terminate()
    proc.wait(timeout=10)
    shutil.rmtree(work, ignore_errors=True)


def _owned_rows(make_user, tenant_ids: dict[str, int]) -> None:
    """One cooperation for each of two tenants, made the normal way (direct connection)."""
    from sikd.cooperations.create import NewCooperation, create_cooperation

    for code in tenant_ids:
        body = {**SISTER_CITY, "title": f"Kota Kembar {code}"}
        coop = create_cooperation(make_user(code, ["opd"]), NewCooperation(**body))
        tenant_ids[code] = coop.tenant_id


def test_tenant_scope_keeps_isolation_through_pgbouncer_transaction_pooling(
    app, settings, bouncer, make_user
):
    from sikd import create_app
    from sikd.core.extensions import db
    from sikd.tenancy.scope import tenant_scope

    owners = {"32.75": 0, "33.72": 0}
    _owned_rows(make_user, owners)
    pooled = create_app(replace(settings, database_url=bouncer, database_pgbouncer=True))
    seen: dict[str, set] = {code: set() for code in owners}
    backends: dict[str, set] = {code: set() for code in owners}
    errors: list[BaseException] = []
    start = threading.Barrier(len(owners))

    def tenant_work(code: str) -> None:
        try:
            with pooled.app_context():
                start.wait()
                for _ in range(40):  # > psycopg's prepare threshold: no prepared statements
                    with tenant_scope(owners[code]):
                        # row-level security alone (no application filter in this statement)
                        rows = db.session.execute(
                            text("select distinct tenant_id from cooperations")
                        ).scalars()
                        seen[code].update(rows)
                        backends[code].add(
                            db.session.execute(text("select pg_backend_pid()")).scalar()
                        )
                        db.session.commit()
                db.session.remove()
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=tenant_work, args=(code,)) for code in owners]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors, errors
    # both tenants' transactions ran on PgBouncer's single server connection...
    assert backends["32.75"] == backends["33.72"] and len(backends["32.75"]) == 1
    # ...and each saw only its own cooperation
    assert seen == {code: {tid} for code, tid in owners.items()}


def test_a_session_wide_setting_would_leak_through_pgbouncer(app, bouncer):
    """Why the scope must be transaction-local: a session-wide ``set_config(..., false)`` stays
    on the server connection, and the next client's transaction inherits it."""
    dsn = make_url(bouncer).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True, prepare_threshold=None) as first:
        first.execute("select set_config('sikd.tenant_id', '4242', false)")
        with psycopg.connect(dsn, autocommit=True, prepare_threshold=None) as second:
            leaked = second.execute("select current_setting('sikd.tenant_id', true)").fetchone()[0]
        first.execute("select set_config('sikd.tenant_id', '', false)")  # tidy the backend
    assert leaked == "4242"
    with psycopg.connect(dsn, autocommit=True, prepare_threshold=None) as third:
        third.execute("begin")
        third.execute("select set_config('sikd.tenant_id', '7', true)")
        third.execute("commit")
        with psycopg.connect(dsn, autocommit=True, prepare_threshold=None) as fourth:
            after = fourth.execute("select current_setting('sikd.tenant_id', true)").fetchone()[0]
    assert after != "7"
