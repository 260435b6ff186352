"""disputes: the recorded settlement of a dispute in a running KSDPL/KSDLL (negotiation, then
consultation with the Menteri; Perwal Bekasi 57/2023 Pasal 82-83)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from sikd.tenancy.rls import enable_tenant_rls

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    ts = sa.DateTime(timezone=True)
    op.create_table(
        "disputes",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("cooperation_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("uraian", sa.Text(), nullable=False),
        sa.Column("opened_at", ts, nullable=False),
        sa.Column("opened_by", sa.Integer(), nullable=False),
        sa.Column("langkah", postgresql.JSONB(), nullable=False),
        sa.Column("closed_at", ts, nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_disputes_tenant_id_tenants")
        ),
        sa.ForeignKeyConstraint(
            ["cooperation_id"],
            ["cooperations.id"],
            name=op.f("fk_disputes_cooperation_id_cooperations"),
        ),
        sa.ForeignKeyConstraint(
            ["opened_by"], ["users.id"], name=op.f("fk_disputes_opened_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disputes")),
    )
    op.create_index(
        "ix_disputes_tenant_id_cooperation", "disputes", ["tenant_id", "cooperation_id"]
    )
    enable_tenant_rls(op, "disputes")


def downgrade():
    op.drop_table("disputes")
