"""viewer_rollup: the dashboard's and the map's figures for the national viewers (Kemendagri,
Kemlu), per figure and value, over what each of them sees; rebuilt with ``national_rollup`` by
the periodic sweep instead of aggregating 100,000 cooperations per request.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from sikd.tenancy.rls import enable_viewer_rls

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "viewer_rollup",
        sa.Column("viewer_tenant_id", sa.Integer(), nullable=False),
        sa.Column("dim", sa.String(16), nullable=False),
        sa.Column("key", sa.String(300), nullable=False),
        sa.Column("label", sa.String(300), nullable=True),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("running", sa.Integer(), nullable=False),
        sa.Column("overdue", sa.Integer(), nullable=False),
        sa.Column("due_month", sa.Integer(), nullable=False),
        sa.Column("dormant", sa.Integer(), nullable=False),
        sa.Column("cost", sa.BigInteger(), nullable=False),
        sa.Column("refreshed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["viewer_tenant_id"],
            ["tenants.id"],
            name="fk_viewer_rollup_viewer_tenant_id_tenants",
        ),
        sa.PrimaryKeyConstraint("viewer_tenant_id", "dim", "key", name="pk_viewer_rollup"),
    )
    # Each viewer reads only its own figures (the sweep rebuilds them in system scope).
    enable_viewer_rls(op, "viewer_rollup")


def downgrade():
    op.drop_table("viewer_rollup")
