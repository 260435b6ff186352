"""letters and signatures: each tenant's letterhead and nomor pattern; the electronic-signature
check stored with each document version

Revision ID: 0008
Revises: 0004
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from sikd.tenancy.rls import enable_tenant_rls

revision = "0008"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        "document_versions",
        sa.Column("signature", sa.JSON().with_variant(postgresql.JSONB(), "postgresql")),
    )
    op.create_table(
        "letterheads",
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("pemerintah", sa.String(length=160), nullable=False),
        sa.Column("instansi", sa.String(length=160), nullable=True),
        sa.Column("nama_pemerintah", sa.String(length=160), nullable=True),
        sa.Column("alamat", sa.Text(), nullable=False),
        sa.Column("telepon", sa.String(length=64), nullable=True),
        sa.Column("email", sa.String(length=160), nullable=True),
        sa.Column("website", sa.String(length=160), nullable=True),
        sa.Column("tempat", sa.String(length=80), nullable=True),
        sa.Column("klasifikasi", sa.String(length=32), nullable=False),
        sa.Column("unit", sa.String(length=48), nullable=False),
        sa.Column("pola_nomor", sa.String(length=96), nullable=False),
        sa.Column("logo", sa.LargeBinary(), nullable=True),
        sa.Column("logo_content_type", sa.String(length=32), nullable=True),
        sa.Column("logo_sha256", sa.String(length=64), nullable=True),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_letterheads_tenant_id_tenants")
        ),
        sa.ForeignKeyConstraint(
            ["updated_by"], ["users.id"], name=op.f("fk_letterheads_updated_by_users")
        ),
        sa.PrimaryKeyConstraint("tenant_id", name=op.f("pk_letterheads")),
    )
    enable_tenant_rls(op, "letterheads")


def downgrade():
    op.drop_table("letterheads")
    op.drop_column("document_versions", "signature")
