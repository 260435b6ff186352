"""yearly: deadline rows for the schedules of a running cooperation (jadwal), by period

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-15
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("deadlines", sa.Column("jadwal", sa.String(40)))
    op.add_column("deadlines", sa.Column("period", sa.String(20)))
    op.create_index(
        "ix_deadlines_tenant_id_jadwal",
        "deadlines",
        ["tenant_id", "cooperation_id", "jadwal"],
        postgresql_where=sa.text("jadwal is not null"),
    )


def downgrade():
    op.drop_index("ix_deadlines_tenant_id_jadwal", table_name="deadlines")
    op.drop_column("deadlines", "period")
    op.drop_column("deadlines", "jadwal")
