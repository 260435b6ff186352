"""The tenant registry and tenant isolation (DOMAIN.md §1; design: tenancy enforced twice)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from sikd.accounts.models import User
from sikd.audit.models import AuditEntry
from sikd.tenancy.models import Tenant
from sikd.tenancy.scope import TenantScopeMissing, scoped, system_scope, tenant_scope
from sikd.tenancy.services import sync_tenants


def test_sync_twice_leaves_exactly_38_provinsi_514_kabkota_2_kementerian(db_session):
    sync_tenants()
    second = sync_tenants()
    assert second.created == 0 and second.updated == 0
    counts = dict(db_session.execute(select(Tenant.kind, func.count()).group_by(Tenant.kind)).all())
    assert counts["provinsi"] == 38
    assert counts["kabupaten"] + counts["kota"] == 514
    assert counts["kementerian"] == 2


def test_kota_bekasi_is_under_jawa_barat_in_wib(tenant):
    bekasi = tenant("32.75")
    assert bekasi.name == "Kota Bekasi"
    assert bekasi.kind == "kota"
    assert bekasi.parent.code == "32" and bekasi.parent.name == "Jawa Barat"
    assert bekasi.timezone == "WIB"


def test_every_kabkota_has_its_provinsi_timezone(db_session):
    rows = db_session.scalars(select(Tenant).where(Tenant.kind.in_(["kabupaten", "kota"]))).all()
    assert all(t.parent is not None and t.parent.kind == "provinsi" for t in rows)
    assert all(t.timezone == t.parent.timezone for t in rows)
    assert {t.timezone for t in rows} == {"WIB", "WITA", "WIT"}


def test_tenants_cli_show_names_parent_and_timezone(cli):
    result = cli("tenants", "show", "32.75")
    assert result.exit_code == 0, result.output
    assert (
        "Kota Bekasi" in result.output
        and "Jawa Barat (32)" in result.output
        and "WIB" in result.output
    )
    listed = cli("tenants", "list", "--kind", "provinsi")
    assert len(listed.output.strip().splitlines()) == 38
    missing = cli("tenants", "show", "99.99")
    assert missing.exit_code != 0 and "tidak ditemukan" in missing.output


def test_query_that_forgets_the_tenant_filter_sees_no_other_tenant_rows(
    make_user, tenant, db_session
):
    """Row-level security is the backstop: a bare select(User) returns only the scoped tenant's."""
    bekasi_user = make_user("32.75", ["tkksd"])
    bogor_user = make_user("32.01", ["tkksd"])
    with tenant_scope(tenant("32.75").id):
        seen = db_session.scalars(select(User)).all()  # no tenant filter on purpose
        assert [u.id for u in seen] == [bekasi_user.id]
        assert bogor_user.id not in {u.id for u in seen}
        audit_tenants = set(db_session.scalars(select(AuditEntry.tenant_id)))
        assert audit_tenants == {tenant("32.75").id}
    with tenant_scope(None):
        assert db_session.scalars(select(User)).all() == []


def test_rls_refuses_writing_a_row_into_another_tenant(make_user, tenant, db_session):
    make_user("32.75", ["tkksd"])
    with tenant_scope(tenant("32.75").id), pytest.raises(Exception, match="row-level security"):
        db_session.execute(
            text(
                "insert into users (tenant_id, email, full_name, password_hash, roles, active) "
                "values (:t, 'x@uji.sikd.id', 'x', 'x', '{tkksd}', true)"
            ),
            {"t": tenant("32.01").id},
        )
    db_session.rollback()


def test_app_role_owns_no_table_and_rls_is_forced(db_session):
    rows = db_session.execute(
        text(
            "select c.relname, pg_get_userbyid(c.relowner), c.relrowsecurity, c.relforcerowsecurity "
            "from pg_class c join pg_namespace n on n.oid = c.relnamespace "
            "where n.nspname = 'public' and c.relkind = 'r'"
        )
    ).all()
    assert rows
    assert all(owner != "sikd_app" for _, owner, _, _ in rows)
    assert db_session.execute(text("select current_user")).scalar() == "sikd_app"
    tenant_owned = {
        r[0]
        for r in db_session.execute(
            text(
                "select table_name from information_schema.columns where column_name='tenant_id' "
                "and table_schema='public'"
            )
        )
    }
    assert {"users", "audit_entries"} <= tenant_owned
    for name, _, enabled, forced in rows:
        if name in tenant_owned:
            assert enabled and forced, f"{name} lacks ENABLE+FORCE row level security"


def test_tenant_owned_tables_have_tenant_id_first_in_composite_indexes(db_session):
    rows = db_session.execute(
        text(
            "select t.relname, i.relname, array_agg(a.attname order by k.ord) "
            "from pg_index x join pg_class t on t.oid = x.indrelid join pg_class i on i.oid = x.indexrelid "
            "join lateral unnest(x.indkey) with ordinality k(attnum, ord) on true "
            "join pg_attribute a on a.attrelid = t.oid and a.attnum = k.attnum "
            "join pg_namespace n on n.oid = t.relnamespace where n.nspname='public' "
            # the key (an index's INCLUDE columns are carried, not searched or ordered by)
            "and k.ord <= x.indnkeyatts "
            "group by t.relname, i.relname"
        )
    ).all()
    tenant_tables = {
        r[0]
        for r in db_session.execute(
            text(
                "select table_name from information_schema.columns where column_name='tenant_id' "
                "and table_schema='public'"
            )
        )
    }
    for table, index, cols in rows:
        if table in tenant_tables and len(cols) > 1:
            assert cols[0] == "tenant_id", f"{index} on {table} starts with {cols[0]}"


def test_scoped_helper_filters_and_refuses_without_tenant(make_user, tenant, db_session):
    make_user("32.75", ["tkksd"])
    make_user("33.72", ["tkksd"])
    with system_scope():
        rows = db_session.scalars(scoped(User, tenant("33.72").id)).all()
        assert {u.tenant_id for u in rows} == {tenant("33.72").id}
    with pytest.raises(TenantScopeMissing):
        scoped(User)


def test_tenants_sync_cli_is_idempotent(cli):
    first = cli("tenants", "sync")
    assert first.exit_code == 0 and "dibuat 0" in first.output and "tetap 554" in first.output


def test_cli_has_the_commands_operators_need():
    from sikd.cli import main

    assert {"tenants", "users", "audit", "worker", "scheduler", "serve"} <= set(main.commands)
    assert {"sync", "list", "show"} <= set(main.commands["tenants"].commands)
