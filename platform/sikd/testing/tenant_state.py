"""What a tenant owns, as one fingerprint: every row of every tenant-owned table (and the grants
it gave), read past row-level security as system work. Equal fingerprints = nothing changed."""

from __future__ import annotations

from sqlalchemy import text

_TABLES_SQL = text(
    "select table_name from information_schema.columns where table_schema = 'public' "
    "and column_name = 'tenant_id' and table_name <> 'tenants' order by table_name"
)


def tenant_tables(owner_engine) -> list[str]:
    with owner_engine.connect() as conn:
        return [r[0] for r in conn.execute(_TABLES_SQL)]


def fingerprint(owner_engine, tenant_id: int, tables: list[str]) -> dict[str, str]:
    """``{table: md5 of the tenant's rows}`` (plus ``cooperation_access`` rows it granted)."""
    parts = [
        f"select '{t}', md5(coalesce(string_agg(x::text, '|' order by x::text), '')) "
        f"from {t} x where x.tenant_id = :tid"
        for t in tables
    ]
    parts.append(
        "select 'cooperation_access(owner)', md5(coalesce(string_agg(x::text, '|' "
        "order by x::text), '')) from cooperation_access x where x.owner_tenant_id = :tid"
    )
    with owner_engine.begin() as conn:
        conn.execute(text("select set_config('sikd.scope', 'system', true)"))
        rows = conn.execute(text(" union all ".join(parts)), {"tid": tenant_id})
        return dict(rows.all())


def changed(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))


def audit_actions(owner_engine, tenant_id: int) -> list[tuple[str, str | None]]:
    """``(action, object_id)`` of the tenant's audit chain, in order."""
    with owner_engine.begin() as conn:
        conn.execute(text("select set_config('sikd.scope', 'system', true)"))
        rows = conn.execute(
            text("select action, object_id from audit_entries where tenant_id = :t order by seq"),
            {"t": tenant_id},
        )
        return [(a, o) for a, o in rows]
