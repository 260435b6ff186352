"""Document tests' fixtures: the document tables (with RLS) and Kota Bekasi's scope."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import inspect, text

DOCUMENT_TABLES = ("documents", "document_versions", "letter_sequences", "letters")


@pytest.fixture(scope="session")
def document_tables(app, owner_engine):
    """Until the migrations carry these tables: create them as the owner, with the same RLS."""
    from sikd.core.extensions import db
    from sikd.tenancy.rls import enable_tenant_rls

    with owner_engine.begin() as conn:
        existing = set(inspect(conn).get_table_names())
        missing = [db.metadata.tables[t] for t in DOCUMENT_TABLES if t not in existing]
        if missing:
            db.metadata.create_all(conn, tables=missing)
            op = SimpleNamespace(execute=lambda sql: conn.execute(text(sql)))
            for table in missing:
                enable_tenant_rls(op, table.name)
    return True


@pytest.fixture
def bekasi(app_ctx, document_tables, tenant):
    """Kota Bekasi, set as the current tenant, the document tables in place (a module's own
    ``bekasi`` fixture takes precedence, as pytest's do)."""
    from sikd.tenancy.scope import set_tenant

    t = tenant("32.75")
    set_tenant(t.id)
    return t
