"""Row-level security DDL, called from migrations for every tenant-owned table."""

from __future__ import annotations

from typing import Any

FUNCTIONS_SQL = """
create or replace function sikd_current_tenant() returns integer
  language sql stable as $$ select nullif(current_setting('sikd.tenant_id', true), '')::integer $$;
create or replace function sikd_is_system() returns boolean
  language sql stable as $$ select coalesce(current_setting('sikd.scope', true), '') = 'system' $$;
"""


def enable_tenant_rls(op: Any, table: str, extra_using: str | None = None) -> None:
    """ENABLE + FORCE RLS with the tenant policy; ``extra_using`` adds explicit grants."""
    visible = "sikd_is_system() or tenant_id = sikd_current_tenant()"
    using = f"{visible} or ({extra_using})" if extra_using else visible
    op.execute(f"alter table {table} enable row level security")
    op.execute(f"alter table {table} force row level security")
    op.execute(f"drop policy if exists tenant_isolation on {table}")
    op.execute(
        f"create policy tenant_isolation on {table} using ({using}) "
        f"with check (sikd_is_system() or tenant_id = sikd_current_tenant())"
    )


def enable_viewer_rls(op: Any, table: str, column: str = "viewer_tenant_id") -> None:
    """ENABLE + FORCE RLS on a table the sweep writes for one viewer per row (a rollup): each
    tenant reads only its own rows (``column``), and only the system scope writes."""
    op.execute(f"alter table {table} enable row level security")
    op.execute(f"alter table {table} force row level security")
    op.execute(
        f"create policy tenant_isolation on {table} "
        f"using (sikd_is_system() or {column} = sikd_current_tenant()) "
        "with check (sikd_is_system())"
    )


def make_append_only(op: Any, table: str, app_role: str = "sikd_app") -> None:
    op.execute(f"revoke update, delete, truncate on {table} from {app_role}")
