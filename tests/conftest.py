"""Test harness: the ``sikd.testing`` pytest plugin, on this machine's PostgreSQL and Redis.

PostgreSQL and Redis on 127.0.0.1 are reused when reachable (the CI machine and developers'
machines run them); otherwise the embedded ones from pip packages are started. Every session
gets a database of its own (created, migrated, dropped) and claims a Redis database of its own.
Finding or starting the services is :mod:`sikd.devtools`, and the ``sikd`` command (``cli``)
starts devtools too: both sit above ``sikd.testing`` in the layers, so these three fixtures live
here; every other fixture comes from the plugin.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from sikd.testing.harness import REPO, Services, claim_redis_db, release_redis_db

pytest_plugins = ["sikd.testing.plugin"]


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
            claimed = claim_redis_db("redis://127.0.0.1:6379")
            redis_url = f"redis://127.0.0.1:6379/{claimed}"
        else:
            server, redis_url = start_redis(REPO / "var" / "test-redis")
            keep.append(server)
    yield Services(admin, redis_url)
    if claimed is not None:
        release_redis_db("redis://127.0.0.1:6379", claimed)


@pytest.fixture(scope="session")
def test_database(services: Services):
    """A database of this test session's own, dropped at the end."""
    from sikd.devtools.dbsetup import drop_database, ensure_database

    name = f"sikd_test_{os.getpid()}"
    urls = ensure_database(services.admin_url, name, drop_first=True)
    yield urls
    drop_database(services.admin_url, name)


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
