"""viewer_overdue: the most overdue cooperations each national viewer (Kemendagri, Kemlu) sees,
by id, rebuilt with ``national_rollup`` by the periodic sweep; the Pantauan Nasional re-reads
those rows live by primary key instead of finding them among 100,000 per request.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from sikd.tenancy.rls import enable_viewer_rls

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "viewer_overdue",
        sa.Column("viewer_tenant_id", sa.Integer(), nullable=False),
        sa.Column("cooperation_id", sa.Integer(), nullable=False),
        sa.Column("next_due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("refreshed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["viewer_tenant_id"],
            ["tenants.id"],
            name="fk_viewer_overdue_viewer_tenant_id_tenants",
        ),
        sa.PrimaryKeyConstraint("viewer_tenant_id", "cooperation_id", name="pk_viewer_overdue"),
    )
    # Each viewer reads only its own list (the sweep rebuilds it in system scope).
    enable_viewer_rls(op, "viewer_overdue")
    # The kept ids exist only from the next rebuild on: emptying the rollup makes the next
    # page or sweep rebuild both at once.
    op.execute("delete from national_rollup")


def downgrade():
    op.drop_table("viewer_overdue")
