"""The audit chain is anchored to a per-tenant head (DOMAIN: every state change is audited).

A hash chain shows an edited or a missing middle entry, but deleting its newest entries leaves a
valid, shorter chain. The head (``audit_heads``), moved only by a trigger owned by the table owner,
remembers how many entries there were and which was last, so ``sikd audit verify`` reports the
truncation: which instansi, how many entries are gone.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, select, text

from sikd.audit import services as audit
from sikd.audit.models import AuditEntry
from sikd.core.extensions import db
from sikd.tenancy.scope import system_scope, tenant_scope


def _entries(tenant_id: int) -> list[AuditEntry]:
    with system_scope():
        return list(
            db.session.scalars(
                select(AuditEntry)
                .where(AuditEntry.tenant_id == tenant_id)
                .order_by(AuditEntry.seq)
                .execution_options(populate_existing=True)
            )
        )


def _as_owner(owner_engine, sql: str, **params) -> int:
    """What someone with the table owner's rights does directly in the database."""
    with owner_engine.begin() as conn:
        conn.execute(text("select set_config('sikd.scope', 'system', true)"))
        return conn.execute(text(sql), params).rowcount


def _three_entries_in_bekasi(make_user, tenant) -> int:
    for roles in (["tkksd"], ["opd"], ["kepala_daerah"]):
        make_user("32.75", roles)  # each creation writes one audit entry
    return tenant("32.75").id


def test_an_untouched_chain_verifies_clean_and_matches_its_head(make_user, tenant, cli):
    bekasi = _three_entries_in_bekasi(make_user, tenant)
    with system_scope():
        report = audit.verify_chain(bekasi)
        head = audit.head_of(bekasi)
    assert report.ok and report.entries == 3 and report.missing == 0, report
    last = _entries(bekasi)[-1]
    assert (head.entries, head.last_seq, head.last_hash) == (3, 3, last.hash)
    result = cli("audit", "verify")
    assert result.exit_code == 0, result.output
    assert "32.75: 3 entri, rantai utuh" in result.output


def test_the_app_role_can_neither_delete_entries_nor_move_the_head(make_user, tenant, db_session):
    bekasi = _three_entries_in_bekasi(make_user, tenant)
    assert db_session.execute(text("select current_user")).scalar() == "sikd_app"
    attempts = [
        "delete from audit_entries where tenant_id = :t",
        "truncate audit_entries",
        "update audit_heads set entries = 2, last_seq = 2 where tenant_id = :t",
        "delete from audit_heads where tenant_id = :t",
        "insert into audit_heads (tenant_id, entries, last_seq, last_hash, updated_at) "
        "values (:t, 0, 0, 'x', now())",
        "truncate audit_heads",
    ]
    for sql in attempts:
        with system_scope(), pytest.raises(Exception, match="permission denied"):
            db_session.execute(text(sql), {"t": bekasi})
        db_session.rollback()
    assert [e.seq for e in _entries(bekasi)] == [1, 2, 3]
    with system_scope():
        assert audit.head_of(bekasi).entries == 3


def test_deleting_the_newest_entry_is_reported_as_truncation(make_user, tenant, owner_engine, cli):
    bekasi = _three_entries_in_bekasi(make_user, tenant)
    make_user("32.01", ["tkksd"])  # Kabupaten Bogor's chain stays untouched
    deleted = _as_owner(
        owner_engine, "delete from audit_entries where tenant_id = :t and seq = 3", t=bekasi
    )
    assert deleted == 1
    # what is left is still a valid chain: only the head shows the tail is gone
    assert [e.seq for e in _entries(bekasi)] == [1, 2]
    with system_scope():
        report = audit.verify_chain(bekasi)
        bogor = audit.verify_chain(tenant("32.01").id)
    assert not report.ok
    assert report.broken_at_seq == 3 and report.missing == 1
    assert "rantai terpotong" in report.reason and "Kota Bekasi" in report.reason
    assert bogor.ok, bogor

    result = cli("audit", "verify")
    assert result.exit_code == 1
    assert (
        "32.75: RUSAK pada entri #3: rantai terpotong: 1 entri terakhir jejak audit Kota Bekasi "
        "hilang (kepala rantai mencatat 3 entri sampai #3, tersisa 2 entri sampai #2)"
    ) in result.output
    assert "Pulihkan entri yang hilang dari cadangan" in result.output
    assert "32.01: 1 entri, rantai utuh" in result.output
    single = cli("audit", "verify", "--tenant", "32.75")
    assert single.exit_code == 1 and "rantai terpotong" in single.output


def test_truncation_still_shows_after_the_app_appends_again(make_user, tenant, owner_engine):
    bekasi = _three_entries_in_bekasi(make_user, tenant)
    _as_owner(owner_engine, "delete from audit_entries where tenant_id = :t and seq >= 2", t=bekasi)
    make_user("32.75", ["tkksd"])  # the app carries on from the shortened chain: a new #2
    assert [e.seq for e in _entries(bekasi)] == [1, 2]
    with system_scope():
        report = audit.verify_chain(bekasi)
    assert not report.ok and report.missing == 2, report
    assert "2 entri jejak audit Kota Bekasi hilang" in report.reason


def test_deleting_every_entry_of_a_tenant_is_still_reported(make_user, tenant, owner_engine, cli):
    bekasi = _three_entries_in_bekasi(make_user, tenant)
    assert _as_owner(owner_engine, "delete from audit_entries where tenant_id = :t", t=bekasi) == 3
    result = cli("audit", "verify")
    assert result.exit_code == 1
    assert "32.75: RUSAK pada entri #1: rantai terpotong: 3 entri terakhir" in result.output


def test_deleting_a_middle_entry_is_detected(make_user, tenant, owner_engine, cli):
    bekasi = _three_entries_in_bekasi(make_user, tenant)
    _as_owner(owner_engine, "delete from audit_entries where tenant_id = :t and seq = 2", t=bekasi)
    with system_scope():
        report = audit.verify_chain(bekasi)
    assert not report.ok and report.broken_at_seq == 3 and report.missing == 1, report
    result = cli("audit", "verify", "--tenant", "32.75")
    assert result.exit_code == 1
    assert "RUSAK pada entri #3: nomor urut terputus: 1 entri (#2) hilang" in result.output


def test_a_rewritten_newest_entry_with_a_recomputed_hash_is_detected(
    make_user, tenant, owner_engine, db_session, cli
):
    """The chain has no secret: anyone can recompute a hash. The head still holds the old one."""
    bekasi = _three_entries_in_bekasi(make_user, tenant)
    last = _entries(bekasi)[-1]
    db_session.expunge(last)
    last.summary = "Tidak terjadi apa-apa."
    forged = audit._digest(last.prev_hash, last)
    _as_owner(
        owner_engine,
        "update audit_entries set summary = :s, hash = :h where tenant_id = :t and seq = 3",
        s=last.summary,
        h=forged,
        t=bekasi,
    )
    with system_scope():
        report = audit.verify_chain(bekasi)
    assert not report.ok and report.broken_at_seq == 3, report
    assert "diganti atau diubah" in report.reason
    assert cli("audit", "verify", "--tenant", "32.75").exit_code == 1


def test_an_edited_middle_entry_is_still_detected(make_user, tenant, owner_engine, cli):
    bekasi = _three_entries_in_bekasi(make_user, tenant)
    _as_owner(
        owner_engine,
        "update audit_entries set summary = 'diubah' where tenant_id = :t and seq = 2",
        t=bekasi,
    )
    result = cli("audit", "verify", "--tenant", "32.75")
    assert result.exit_code == 1
    assert "RUSAK pada entri #2: isi entri telah diubah" in result.output


def _wait_until_blocked(owner_engine, sql: str, params: dict) -> None:
    """Poll pg_locks until a session waits for the lock described by ``sql``."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with owner_engine.connect() as conn:
            if conn.execute(text(sql), params).scalar():
                return
        time.sleep(0.05)
    raise AssertionError("the second session never waited for the first one")


def _append_in_thread(app, tenant_id: int, name: str, results: dict, flushed=None, go=None):
    with app.app_context():
        try:
            with tenant_scope(tenant_id):
                entry = audit.record(
                    tenant_id=tenant_id,
                    action="uji.serentak",
                    object_type="uji",
                    object_id=name,
                    summary=f"Entri serentak {name}",
                    at=datetime.now(UTC),
                )
                results[name] = entry.seq
                if flushed is not None:
                    flushed.set()
                if go is not None and not go.wait(60):
                    raise RuntimeError("never told to commit")
                db.session.commit()
        except Exception as exc:  # noqa: BLE001 - reported to the test below
            results[name] = exc
            db.session.rollback()
        finally:
            db.session.remove()


def test_two_sessions_appending_for_one_tenant_keep_chain_and_head_consistent(
    app, make_user, tenant, owner_engine
):
    bekasi = tenant("32.75").id
    make_user("32.75", ["tkksd"])  # entry #1
    results: dict = {}
    flushed, go = threading.Event(), threading.Event()
    first = threading.Thread(
        target=_append_in_thread, args=(app, bekasi, "a", results, flushed, go)
    )
    first.start()
    assert flushed.wait(60), results
    # "a" holds its uncommitted entry #2; "b" must wait for it, then append #3
    second = threading.Thread(target=_append_in_thread, args=(app, bekasi, "b", results))
    second.start()
    _wait_until_blocked(
        owner_engine,
        "select count(*) from pg_locks where locktype = 'advisory' and not granted "
        "and database = (select oid from pg_database where datname = current_database()) "
        "and classid = :ns and objid = :t",
        {"ns": audit._LOCK_NAMESPACE, "t": bekasi},
    )
    go.set()
    first.join(60)
    second.join(60)
    assert results == {"a": 2, "b": 3}
    with system_scope():
        report = audit.verify_chain(bekasi)
        head = audit.head_of(bekasi)
    assert report.ok and report.entries == 3, report
    assert (head.entries, head.last_seq, head.last_hash) == (3, 3, _entries(bekasi)[-1].hash)


def test_the_head_counts_every_insert_even_from_a_writer_that_skips_the_app_lock(
    app, settings, make_user, tenant, owner_engine
):
    """The head row is locked while it moves: two inserts never leave it counting one."""
    bekasi = tenant("32.75").id
    make_user("32.75", ["tkksd"])  # entry #1
    results: dict = {}
    flushed, go = threading.Event(), threading.Event()
    first = threading.Thread(
        target=_append_in_thread, args=(app, bekasi, "a", results, flushed, go)
    )
    first.start()
    assert flushed.wait(60), results

    raw = create_engine(settings.database_url)  # the app role, outside the service

    direct_pid: list[int] = []

    def insert_directly():
        try:
            with raw.begin() as conn:
                direct_pid.append(conn.execute(text("select pg_backend_pid()")).scalar())
                conn.execute(
                    text("select set_config('sikd.tenant_id', :t, true)"), {"t": str(bekasi)}
                )
                conn.execute(
                    text(
                        "insert into audit_entries (tenant_id, seq, at, actor_label, action, "
                        "object_type, summary, data, prev_hash, hash) values "
                        "(:t, 99, now(), 'sistem', 'uji.langsung', 'uji', 'langsung', '{}', :z, :z)"
                    ),
                    {"t": bekasi, "z": "f" * 64},
                )
            results["direct"] = "ok"
        except Exception as exc:  # noqa: BLE001 - reported to the test below
            results["direct"] = exc

    second = threading.Thread(target=insert_directly)
    second.start()
    try:
        # the direct insert waits for the first transaction's lock on the head row
        deadline = time.monotonic() + 30
        while not direct_pid and time.monotonic() < deadline:
            time.sleep(0.05)
        _wait_until_blocked(
            owner_engine,
            "select count(*) from pg_locks where pid = :pid and not granted",
            {"pid": direct_pid[0] if direct_pid else -1},
        )
        go.set()
        first.join(60)
        second.join(60)
    finally:
        go.set()
        raw.dispose()
    assert results == {"a": 2, "direct": "ok"}
    with system_scope():
        head = audit.head_of(bekasi)
        report = audit.verify_chain(bekasi)
    assert (head.entries, head.last_seq) == (3, 99)
    assert len(_entries(bekasi)) == 3
    assert not report.ok and report.broken_at_seq == 99  # the stray entry breaks the chain


def test_the_migration_anchors_chains_that_already_exist(app, make_user, tenant):
    from flask_migrate import downgrade, upgrade

    bekasi = _three_entries_in_bekasi(make_user, tenant)
    db.session.remove()
    downgrade(revision="0003-1")  # as before the anchor existed, entries kept
    assert db.session.execute(text("select to_regclass('audit_heads')")).scalar() is None
    assert len(_entries(bekasi)) == 3
    db.session.remove()
    upgrade()
    with system_scope():
        head = audit.head_of(bekasi)
        report = audit.verify_chain(bekasi)
    assert (head.entries, head.last_seq, head.last_hash) == (3, 3, _entries(bekasi)[-1].hash)
    assert report.ok, report
