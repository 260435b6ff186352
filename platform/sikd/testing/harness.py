"""The test session's app on real services: PostgreSQL, Redis and moto's S3 server over HTTP.

The session gets a database and a Redis database of its own (``services`` and
``test_database``, provided by the repository's ``tests/conftest.py``, which finds or starts
PostgreSQL and Redis with :mod:`sikd.devtools`, a layer above this one). Everything here builds
on those two: moto's S3 server, the settings, the migrated app, and the clean-up after each test
that touched the app.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

REPO = Path(__file__).resolve().parents[3]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Services:
    admin_url: str
    redis_url: str


def claim_redis_db(base: str) -> int:
    """A Redis database of this test session's own, so parallel sessions never flush each other."""
    from redis import Redis

    r = Redis.from_url(f"{base}/0")
    for index in range(1, 16):
        if r.set(f"sikd:test-db:{index}", os.getpid(), nx=True, ex=3 * 3600):
            return index
    raise RuntimeError("Semua basis data Redis 1–15 sedang dipakai sesi uji lain.")


def release_redis_db(base: str, index: int) -> None:
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

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "test")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "test")
    yield MotoS3(server, f"http://127.0.0.1:{port}")
    server.stop()


def stop_moto(moto_s3: MotoS3) -> int:
    """Stop moto and close its socket so clients fail fast; returns the port to restart on."""
    server = moto_s3.server
    port = server.get_host_and_port()[1]
    server.stop()
    server._server.server_close()
    return port


def start_moto(moto_s3: MotoS3, port: int) -> None:
    moto_s3.server._port = port
    moto_s3.server.start()


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
        s3_secret_access_key="test",  # noqa: S106 - moto accepts any
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
