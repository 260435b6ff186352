"""the dashboard of a daerah and a provinsi: its cooperations' figures from the index; the
menu's unread count newest first

The dashboard and the map of a daerah or a provinsi count what it sees now (one GROUPING SETS
statement over its own cooperations, a few thousand at national scale). Fetching those rows
from the table reads one heap page per cooperation (the rows are wide: a Kota's 2,000
cooperations are on 1,800 pages); this index holds the few columns the figures read, so the
count is an index-only scan of a few dozen pages.

The menu on every page counts the user's unread notifications up to a cap. A ministry has over
100,000 notifications: counted by a bitmap scan the statement reads every index entry of the
tenant before the limit applies (11 ms); walking the ``(tenant_id, created_at)`` index newest
first stops at the cap (0.3 ms). The planner misjudges how many rows match (the row-level
security filter and the rare roles of a ministry), so with ``ORDER BY … LIMIT`` it sorts all of
them instead for a tenant of some ten thousand notifications (20 ms); the function plans its
one statement without bitmap scans. It runs as the caller (row-level security applies).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07
"""

from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

FIGURE_COLUMNS = [
    "id", "type", "status", "partner_country", "year", "stage", "stage_label", "created_by",
    "next_due_at", "flags", "estimated_cost",
]  # fmt: skip


UNREAD_SQL = """
create or replace function sikd_unread_notifications(
  p_tenant integer, p_roles varchar[], p_user integer, p_cap integer
) returns bigint language sql stable
set enable_bitmapscan = off
as $$
  select count(*) from (
    select 1 from notifications n
    where n.tenant_id = p_tenant
      and (n.recipient_roles = '{}' or n.recipient_roles && p_roles)
      and not (n.read_by @> array[p_user])
    order by n.created_at desc
    limit p_cap + 1
  ) s
$$
"""


def upgrade():
    op.create_index(
        "ix_cooperations_tenant_figures",
        "cooperations",
        ["tenant_id"],
        postgresql_include=FIGURE_COLUMNS,
    )
    op.execute(UNREAD_SQL)


def downgrade():
    op.execute("drop function sikd_unread_notifications(integer, varchar[], integer, integer)")
    op.drop_index("ix_cooperations_tenant_figures", table_name="cooperations")
