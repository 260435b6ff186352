"""A request that only read commits its transaction, so the connection keeps the statements
psycopg prepared on it (``sikd.core.read_only``); anything that wrote, locked or still holds a
change is left to the rollback, as before: nothing half-written is ever committed by it."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from sikd.core.extensions import db
from sikd.core.jobs import PENDING_JOBS
from sikd.core.read_only import commit_if_read_only
from sikd.tenancy.models import Tenant
from sikd.tenancy.scope import system_scope

CODE = "32.75"


def _name() -> str:
    with system_scope():
        name = db.session.scalar(select(Tenant.name).where(Tenant.code == CODE))
    db.session.rollback()
    return name


def _prepared(like: str = "%") -> int:
    return db.session.scalar(
        text("select count(*) from pg_prepared_statements where statement like :s"), {"s": like}
    )


def _pid() -> int:
    return db.session.scalar(text("select pg_backend_pid()"))


@contextmanager
def _name_kept():
    """The shared tenant row as it was, whatever the code under test did to it."""
    before = _name()
    try:
        yield before
    finally:
        db.session.rollback()
        with system_scope():
            tenant = db.session.scalar(select(Tenant).where(Tenant.code == CODE))
            if tenant.name != before:
                tenant.name = before
                db.session.commit()
        db.session.rollback()


def test_a_transaction_that_only_read_is_committed_and_keeps_its_prepared_statements(app_ctx):
    db.engine.dispose()  # one connection from here on: this test's
    query = select(Tenant.name).where(Tenant.code == CODE)
    pid = _pid()
    for _ in range(8):  # psycopg prepares a statement from its 6th run on a connection
        with system_scope():
            assert db.session.scalar(query)
        assert commit_if_read_only(db.session()) is True
        assert not db.session().in_transaction()
    assert _pid() == pid
    assert _prepared("%FROM tenants%") > 0
    db.session.rollback()  # as the request's session.remove() would after a write
    assert _pid() == pid
    assert _prepared() == 0  # what the commit spares every page that only reads


def test_pages_that_only_read_leave_their_connection_prepared(app, web):
    """The wiring: the request's teardown commits (a rollback would deallocate them)."""
    tkksd = web(CODE, ["tkksd"])
    with app.app_context():
        db.engine.dispose()  # the requests below share one connection, read here after them
    for _ in range(7):
        assert tkksd.get("/beranda").status_code == 200
    with app.app_context():
        assert _prepared("%FROM cooperations%") > 0


def test_a_write_never_committed_is_rolled_back(app_ctx):
    with _name_kept() as before:
        with system_scope():
            db.session.execute(
                text("update tenants set name = name || ' (uji)' where code = :c"), {"c": CODE}
            )
        assert commit_if_read_only(db.session()) is False
        db.session.rollback()
        assert _name() == before


def test_a_flushed_change_is_rolled_back(app_ctx):
    with _name_kept() as before:
        with system_scope():
            tenant = db.session.scalar(select(Tenant).where(Tenant.code == CODE))
            tenant.name = "Diubah tanpa disimpan"
            db.session.flush()
        assert commit_if_read_only(db.session()) is False
        db.session.rollback()
        assert _name() == before


def test_a_pending_change_is_neither_flushed_nor_committed(app_ctx):
    with _name_kept() as before:
        with system_scope():
            tenant = db.session.scalar(select(Tenant).where(Tenant.code == CODE))
        tenant.name = "Belum di-flush"
        assert commit_if_read_only(db.session()) is False
        db.session.rollback()
        assert _name() == before


def test_a_row_lock_or_a_job_waiting_for_the_commit_is_left_to_the_rollback(app_ctx):
    with system_scope():
        db.session.scalar(select(Tenant.id).where(Tenant.code == CODE).with_for_update())
    assert commit_if_read_only(db.session()) is False
    db.session.rollback()
    with system_scope():
        db.session.scalar(select(Tenant.id).where(Tenant.code == CODE))
    db.session.info[PENDING_JOBS] = [("email", "sikd.notifications.jobs.send", (), {})]
    assert commit_if_read_only(db.session()) is False
    db.session.rollback()
    db.session.info.pop(PENDING_JOBS, None)


def test_a_failed_transaction_is_left_to_the_rollback(app_ctx):
    with system_scope(), pytest.raises(DBAPIError):
        db.session.execute(text("select 1 / 0"))  # aborts the transaction
    assert commit_if_read_only(db.session()) is False
    db.session.rollback()
