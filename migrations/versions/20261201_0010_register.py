"""register: legacy imports with progress, remembered column mappings, imported rows (no
duplicates on re-import), public-register field settings, budgets per year and source with
beneficiaries and results; RLS on each

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from sikd.tenancy.rls import enable_tenant_rls

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def _tenant_fk(table):
    return sa.ForeignKeyConstraint(
        ["tenant_id"], ["tenants.id"], name=f"fk_{table}_tenant_id_tenants"
    )


def upgrade():
    op.create_table(
        "register_imports",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(200), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("headers", postgresql.JSONB(), nullable=False),
        sa.Column("mapping", postgresql.JSONB(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("created", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("errors", postgresql.JSONB(), nullable=False),
        sa.Column("created_by", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
        _tenant_fk("register_imports"),
    )
    op.create_index(
        "ix_register_imports_tenant_id_created_at", "register_imports", ["tenant_id", "created_at"]
    )
    op.create_table(
        "register_import_mappings",
        sa.Column("tenant_id", sa.Integer(), primary_key=True),
        sa.Column("mapping", postgresql.JSONB(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        _tenant_fk("register_import_mappings"),
    )
    op.create_table(
        "register_imported_rows",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("row_key", sa.String(64), nullable=False),
        sa.Column("cooperation_id", sa.Integer(), sa.ForeignKey("cooperations.id"), nullable=False),
        sa.Column("import_id", sa.Integer(), sa.ForeignKey("register_imports.id"), nullable=False),
        sa.Column("source_number", sa.String(80)),
        _tenant_fk("register_imported_rows"),
        sa.UniqueConstraint("tenant_id", "row_key", name="uq_register_imported_row"),
    )
    op.create_table(
        "register_public_settings",
        sa.Column("tenant_id", sa.Integer(), primary_key=True),
        sa.Column("hidden_fields", postgresql.ARRAY(sa.String(40)), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        _tenant_fk("register_public_settings"),
    )
    op.create_table(
        "register_budgets",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column(
            "cooperation_id", sa.Integer(), sa.ForeignKey("cooperations.id"), nullable=False
        ),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("beneficiaries", sa.Integer()),
        sa.Column("results", sa.Text()),
        sa.Column("recorded_by", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        _tenant_fk("register_budgets"),
        sa.UniqueConstraint(
            "tenant_id", "cooperation_id", "year", "source", name="uq_register_budget_year_source"
        ),
    )
    # the owner writes; those granted the cooperation (provinsi, Kemendagri, Kemlu) read
    enable_tenant_rls(
        op,
        "register_budgets",
        "exists (select 1 from cooperation_access g where g.cooperation_id = "
        "register_budgets.cooperation_id and g.tenant_id = sikd_current_tenant())",
    )
    for table in (
        "register_imports",
        "register_import_mappings",
        "register_imported_rows",
        "register_public_settings",
    ):
        enable_tenant_rls(op, table)


def downgrade():
    op.drop_table("register_budgets")
    op.drop_table("register_public_settings")
    op.drop_table("register_imported_rows")
    op.drop_table("register_import_mappings")
    op.drop_index("ix_register_imports_tenant_id_created_at", table_name="register_imports")
    op.drop_table("register_imports")
