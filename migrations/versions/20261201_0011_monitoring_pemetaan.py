"""monitoring and pemetaan: rounds of pemantauan and evaluasi of a running cooperation; the
year's pemetaan, its recommendations, the list's items and the cooperations resting on them

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from sikd.tenancy.rls import enable_tenant_rls

revision = "0011"
down_revision = "0010"
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
    _pemetaan()


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def _pemetaan():
    jsonb = postgresql.JSONB()
    ts = sa.DateTime(timezone=True)
    op.create_table(
        "pemetaan_cycles",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("opened_at", ts, nullable=False),
        sa.Column("opened_by", sa.Integer(), nullable=False),
        sa.Column("berita_acara", jsonb, nullable=True),
        sa.Column("keputusan", jsonb, nullable=True),
        sa.Column("berlaku_at", ts, nullable=True),
        _fk("pemetaan_cycles", "tenant_id", "tenants"),
        _fk("pemetaan_cycles", "opened_by", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pemetaan_cycles")),
    )
    op.create_index(
        "ux_pemetaan_cycles_tenant_id_year", "pemetaan_cycles", ["tenant_id", "year"], unique=True
    )
    op.create_table(
        "pemetaan_submissions",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.BigInteger(), nullable=False),
        sa.Column("perangkat_daerah", sa.String(length=200), nullable=False),
        sa.Column("tim_anggota", jsonb, nullable=False),
        sa.Column("content", jsonb, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("catatan", sa.Text(), nullable=True),
        sa.Column("submitted_at", ts, nullable=False),
        sa.Column("submitted_by", sa.Integer(), nullable=False),
        _fk("pemetaan_submissions", "tenant_id", "tenants"),
        _fk("pemetaan_submissions", "cycle_id", "pemetaan_cycles"),
        _fk("pemetaan_submissions", "submitted_by", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pemetaan_submissions")),
    )
    op.create_index(
        "ix_pemetaan_submissions_tenant_id_cycle",
        "pemetaan_submissions",
        ["tenant_id", "cycle_id"],
    )
    op.create_table(
        "pemetaan_items",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.BigInteger(), nullable=False),
        sa.Column("submission_id", sa.BigInteger(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("judul", sa.String(length=300), nullable=False),
        sa.Column("perangkat_daerah", sa.String(length=200), nullable=False),
        sa.Column("prioritas", sa.Integer(), nullable=False),
        _fk("pemetaan_items", "tenant_id", "tenants"),
        _fk("pemetaan_items", "cycle_id", "pemetaan_cycles"),
        _fk("pemetaan_items", "submission_id", "pemetaan_submissions"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pemetaan_items")),
    )
    op.create_index(
        "ux_pemetaan_items_tenant_id_code", "pemetaan_items", ["tenant_id", "code"], unique=True
    )
    op.create_table(
        "pemetaan_links",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("cooperation_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.BigInteger(), nullable=True),
        sa.Column("pengecualian", sa.Text(), nullable=True),
        sa.Column("created_at", ts, nullable=False),
        _fk("pemetaan_links", "tenant_id", "tenants"),
        _fk("pemetaan_links", "cooperation_id", "cooperations"),
        _fk("pemetaan_links", "item_id", "pemetaan_items"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pemetaan_links")),
    )
    op.create_index(
        "ix_pemetaan_links_tenant_id_item", "pemetaan_links", ["tenant_id", "item_id"]
    )
    for table in ("pemetaan_cycles", "pemetaan_submissions", "pemetaan_items", "pemetaan_links"):
        enable_tenant_rls(op, table)


def downgrade():
    for table in ("pemetaan_links", "pemetaan_items", "pemetaan_submissions", "pemetaan_cycles"):
        op.drop_table(table)
    op.drop_table("monitoring_rounds")
