"""Test harness: real PostgreSQL, real Redis, and moto's S3 server over HTTP.

PostgreSQL and Redis on 127.0.0.1 are reused when reachable (the CI machine and developers'
machines run them); otherwise the embedded ones from pip packages are started. A fresh
database ``sikd_test`` is created and migrated for every run.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

REPO = Path(__file__).resolve().parents[1]
TEST_PASSWORD = "kata-sandi-uji-123"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Services:
    admin_url: str
    redis_url: str


@pytest.fixture(scope="session")
def services() -> Iterator[Services]:
    from sikd.devtools.embedded import port_open, start_postgres, start_redis

    keep = []
    admin = os.environ.get("SIKD_TEST_ADMIN_DATABASE_URL")
    if not admin:
        if port_open("127.0.0.1", 5432):
            admin = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
        else:
            server, admin = start_postgres(REPO / "var" / "test-pgdata")
            keep.append(server)
    redis_url = os.environ.get("SIKD_TEST_REDIS_URL")
    claimed = None
    if not redis_url:
        if port_open("127.0.0.1", 6379):
            claimed = _claim_redis_db("redis://127.0.0.1:6379")
            redis_url = f"redis://127.0.0.1:6379/{claimed}"
        else:
            server, redis_url = start_redis(REPO / "var" / "test-redis")
            keep.append(server)
    yield Services(admin, redis_url)
    if claimed is not None:
        _release_redis_db("redis://127.0.0.1:6379", claimed)


def _claim_redis_db(base: str) -> int:
    """A Redis database of this test session's own, so parallel sessions never flush each other."""
    from redis import Redis

    r = Redis.from_url(f"{base}/0")
    for index in range(1, 16):
        if r.set(f"sikd:test-db:{index}", os.getpid(), nx=True, ex=3 * 3600):
            return index
    raise RuntimeError("Semua basis data Redis 1–15 sedang dipakai sesi uji lain.")


def _release_redis_db(base: str, index: int) -> None:
    from redis import Redis

    Redis.from_url(f"{base}/0").delete(f"sikd:test-db:{index}")


@dataclass
class MotoS3:
    server: object
    endpoint_url: str
    bucket: str = "sikd-test"


@pytest.fixture(scope="session")
def moto_s3() -> Iterator[MotoS3]:
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "test")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "test")
    yield MotoS3(server, f"http://127.0.0.1:{port}")
    server.stop()


@pytest.fixture(scope="session")
def test_database(services: Services):
    """A database of this test session's own, dropped at the end."""
    from sikd.devtools.dbsetup import drop_database, ensure_database

    name = f"sikd_test_{os.getpid()}"
    urls = ensure_database(services.admin_url, name, drop_first=True)
    yield urls
    drop_database(services.admin_url, name)


@pytest.fixture(scope="session")
def settings(test_database, services: Services, moto_s3: MotoS3, tmp_path_factory):
    from sikd.core.config import load_settings

    urls = test_database
    base = load_settings({"SIKD_ENV": "test"})
    return replace(
        base,
        secret_key="uji-" + "x" * 40,
        database_url=urls.app,
        database_owner_url=urls.owner,
        redis_url=services.redis_url,
        s3_endpoint_url=moto_s3.endpoint_url,
        s3_bucket=moto_s3.bucket,
        s3_access_key_id="test",
        s3_secret_access_key="test",
        var_dir=tmp_path_factory.mktemp("var"),
        storage_dir=tmp_path_factory.mktemp("objects"),
    )


@pytest.fixture(scope="session")
def app(settings):
    from flask_migrate import upgrade

    from sikd import create_app
    from sikd.tenancy.services import sync_tenants

    application = create_app(settings)
    with application.app_context():
        upgrade()
        sync_tenants()
    application.extensions["sikd_redis"].flushdb()
    return application


@pytest.fixture(scope="session")
def owner_engine(settings):
    engine = create_engine(settings.database_owner_url)
    yield engine
    engine.dispose()


def _data_tables(owner_engine) -> list[str]:
    with owner_engine.connect() as conn:
        rows = conn.execute(
            text(
                "select tablename from pg_tables where schemaname='public' "
                "and tablename not in ('tenants', 'alembic_version')"
            )
        )
        return [r[0] for r in rows]


@pytest.fixture(autouse=True)
def _clean_state(request):
    """After any test that touched the app, empty every data table and the Redis test db."""
    uses_app = "app" in request.fixturenames
    if uses_app:
        app = request.getfixturevalue("app")
        owner_engine = request.getfixturevalue("owner_engine")
    yield
    if not uses_app:
        return
    from sikd.core.extensions import db

    with app.app_context():
        db.session.remove()
    tables = _data_tables(owner_engine)
    if tables:
        with owner_engine.begin() as conn:
            conn.execute(
                text(
                    "truncate " + ", ".join(f'"{t}"' for t in tables) + " restart identity cascade"
                )
            )
    app.extensions["sikd_redis"].flushdb()
    app.extensions.pop("sikd_clock", None)


@pytest.fixture
def app_ctx(app):
    from sikd.tenancy.scope import set_tenant

    with app.app_context():
        set_tenant(None)
        yield app


@pytest.fixture
def db_session(app_ctx):
    from sikd.core.extensions import db

    yield db.session
    db.session.rollback()


@pytest.fixture
def tenant(app_ctx):
    from sikd.tenancy.services import get_tenant

    def _get(code: str):
        t = get_tenant(code)
        assert t is not None, f"tenant {code} not synced"
        return t

    return _get


@pytest.fixture
def make_user(app_ctx, tenant):
    from sikd.accounts.services import create_user

    counter = {"n": 0}

    def _make(
        tenant_code: str,
        roles: list[str] | tuple[str, ...] = ("tkksd",),
        email: str | None = None,
        unit: str | None = None,
    ):
        counter["n"] += 1
        t = tenant(tenant_code)
        roles = list(roles)
        addr = (
            email
            or f"{roles[0].replace('_', '-')}.{counter['n']}.{tenant_code.replace('.', '')}@uji.sikd.id"
        )
        return create_user(
            t,
            addr,
            roles,
            TEST_PASSWORD,
            full_name=f"Uji {roles[0]} {t.name}",
            unit=unit or ("Dinas Uji" if "opd" in roles else None),
        )

    return _make


@pytest.fixture
def client(app):
    return app.test_client()


def login(client, email: str, password: str = TEST_PASSWORD):
    """Log in through the real form, CSRF token included."""
    import re

    page = client.get("/masuk")
    token = re.search(
        r'name="csrf_token" type="hidden" value="([^"]+)"', page.get_data(as_text=True)
    )
    assert token, "login form has no CSRF token"
    return client.post(
        "/masuk", data={"email": email, "password": password, "csrf_token": token.group(1)}
    )


@pytest.fixture
def cli(app):
    """Invoke the real ``sikd`` command group against the test app."""
    from click.testing import CliRunner
    from flask.cli import ScriptInfo

    from sikd.cli import main

    runner = CliRunner()

    def run(*args: str, input: str | None = None):
        return runner.invoke(main, list(args), obj=ScriptInfo(create_app=lambda: app), input=input)

    return run
