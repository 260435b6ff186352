"""the register's search from the index alone; the Pantauan Nasional's waiting list kept by the
rollup

A search of the register (``?q=air minum``) reads the title, number, partner and partner country
of every cooperation the tenant owns, and the order (``updated_at``, ``id``) of those matching.
Fetched from the table, a Kota's 2,000 cooperations are on 1,800 heap pages (the rows are wide);
``ix_cooperations_tenant_search`` holds those few columns, so the tenant's own rows are an
index-only scan of a few dozen pages (the register reads the granted rows in a branch of their
own, ``queries._register_keys``).

The Pantauan Nasional lists the first 50 cooperations waiting for the national viewer and how
many wait. Read live, that sorts and counts all of them (Kemendagri's 5,000), each probed for
visibility twice. The rollup rebuild keeps, per national viewer, the first ids in the inbox's
order (``viewer_inbox``) and how many wait per set of acting roles (``viewer_inbox_count``);
the page re-reads those rows and the ones received since the rebuild (``holder_since``, by
``ix_cooperations_active_holder_since``) live (``sikd.cooperations.inbox_list``).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from sikd.tenancy.rls import enable_viewer_rls

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

SEARCH_COLUMNS = ["updated_at", "id", "title", "number", "partner_name", "partner_country"]


def upgrade():
    op.create_index(
        "ix_cooperations_tenant_search",
        "cooperations",
        ["tenant_id"],
        postgresql_include=SEARCH_COLUMNS,
    )
    op.create_index(
        "ix_cooperations_active_holder_since",
        "cooperations",
        ["holder_since"],
        postgresql_where=sa.text("status in ('berjalan', 'berakhir')"),
    )
    op.create_table(
        "viewer_inbox",
        sa.Column("viewer_tenant_id", sa.Integer(), nullable=False),
        sa.Column("cooperation_id", sa.Integer(), nullable=False),
        sa.Column("refreshed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["viewer_tenant_id"], ["tenants.id"], name="fk_viewer_inbox_viewer_tenant_id_tenants"
        ),
        sa.PrimaryKeyConstraint("viewer_tenant_id", "cooperation_id", name="pk_viewer_inbox"),
    )
    op.create_table(
        "viewer_inbox_count",
        sa.Column("viewer_tenant_id", sa.Integer(), nullable=False),
        sa.Column("holder_roles", sa.ARRAY(sa.String(32)), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("refreshed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["viewer_tenant_id"],
            ["tenants.id"],
            name="fk_viewer_inbox_count_viewer_tenant_id_tenants",
        ),
        sa.PrimaryKeyConstraint("viewer_tenant_id", "holder_roles", name="pk_viewer_inbox_count"),
    )
    # Each viewer reads only its own rows (the sweep rebuilds them in system scope).
    enable_viewer_rls(op, "viewer_inbox")
    enable_viewer_rls(op, "viewer_inbox_count")
    # The kept rows exist only from the next rebuild on: emptying the rollup makes the next
    # page or sweep rebuild them all at once.
    op.execute("delete from national_rollup")


def downgrade():
    op.drop_table("viewer_inbox_count")
    op.drop_table("viewer_inbox")
    op.drop_index("ix_cooperations_active_holder_since", table_name="cooperations")
    op.drop_index("ix_cooperations_tenant_search", table_name="cooperations")
