"""the inbox, the Gubernur's queue and Dipantau counted and sorted from their indexes

A tenant's turn (held by it) and its Dipantau (owned by it) were found by index and then read
from the table, one heap page per row: Kota Bekasi's ~1,500 active cooperations lie on ~1,300
of the national table's 13,500 pages (5–8 ms per list, two lists per inbox page). Each list is
now a UNION of branches selecting ``(id, next_due_at)`` (``cooperations.turns``), and these two
indexes hold every column those branches and the row-level policy read, so the rows are
filtered, counted and sorted by an index-only scan of a few dozen pages; only the page's 50
rows are read from the table. Same names and keys as before, with the columns included.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07
"""

from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

ACTIVE = "status in ('berjalan', 'berakhir')"
TURN_COLUMNS = [
    "id", "tenant_id", "holder_tenant_id", "partner_tenant_id", "status", "holder_level",
    "holder_roles", "waiting_sides", "next_due_at",
]  # fmt: skip


def _recreate(name: str, key: str, include: list[str] | None) -> None:
    op.drop_index(name, table_name="cooperations")
    op.create_index(
        name,
        "cooperations",
        [key],
        postgresql_where=ACTIVE,
        postgresql_include=[c for c in include if c != key] if include else None,
    )


def upgrade():
    _recreate("ix_cooperations_active_holder", "holder_tenant_id", TURN_COLUMNS)
    _recreate("ix_cooperations_active_tenant", "tenant_id", TURN_COLUMNS)


def downgrade():
    _recreate("ix_cooperations_active_holder", "holder_tenant_id", None)
    _recreate("ix_cooperations_active_tenant", "tenant_id", None)
