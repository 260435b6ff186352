"""monitoring: rounds of pemantauan and evaluasi of a running cooperation

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from sikd.tenancy.rls import enable_tenant_rls

revision = "0009"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "monitoring_rounds",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("cooperation_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("scheduled_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reported_by", sa.Integer(), nullable=True),
        sa.Column("report", postgresql.JSONB(), nullable=False),
        sa.Column("rekomendasi", sa.String(length=40), nullable=True),
        sa.Column("tindak_lanjut", postgresql.JSONB(), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_monitoring_rounds_tenant_id_tenants")
        ),
        sa.ForeignKeyConstraint(
            ["cooperation_id"],
            ["cooperations.id"],
            name=op.f("fk_monitoring_rounds_cooperation_id_cooperations"),
        ),
        sa.ForeignKeyConstraint(
            ["reported_by"], ["users.id"], name=op.f("fk_monitoring_rounds_reported_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_rounds")),
    )
    op.create_index(
        "ix_monitoring_rounds_tenant_id_cooperation",
        "monitoring_rounds",
        ["tenant_id", "cooperation_id"],
    )
    op.create_index(
        "ix_monitoring_rounds_tenant_id_status", "monitoring_rounds", ["tenant_id", "status"]
    )
    enable_tenant_rls(op, "monitoring_rounds")


def downgrade():
    op.drop_table("monitoring_rounds")
