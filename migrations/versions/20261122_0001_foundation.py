"""foundation: tenants, users, audit log, RLS

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from sikd.tenancy.rls import FUNCTIONS_SQL, enable_tenant_rls, make_append_only

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.execute(FUNCTIONS_SQL)
    op.create_table(
        "tenants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("name", sa.String(160), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("timezone", sa.String(4), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()")),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()")),
        sa.ForeignKeyConstraint(["parent_id"], ["tenants.id"], name="fk_tenants_parent_id_tenants"),
        sa.PrimaryKeyConstraint("id", name="pk_tenants"),
        sa.UniqueConstraint("code", name="uq_tenants_code"),
        sa.CheckConstraint("kind in ('provinsi','kabupaten','kota','kementerian')", name="ck_tenants_kind"),
        sa.CheckConstraint("timezone in ('WIB','WITA','WIT')", name="ck_tenants_timezone"),
    )
    op.create_index("ix_tenants_parent_id", "tenants", ["parent_id"])

    op.create_table(
        "users",
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("full_name", sa.String(160), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("roles", postgresql.ARRAY(sa.String(32)), nullable=False),
        sa.Column("unit", sa.String(160), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()")),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name="fk_users_tenant_id_tenants"),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("email", name="uq_users_email"),
    )
    op.create_index("ix_users_tenant_id_id", "users", ["tenant_id", "id"])
    enable_tenant_rls(op, "users")

    op.create_table(
        "audit_entries",
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("actor_label", sa.String(200), nullable=False),
        sa.Column("action", sa.String(80), nullable=False),
        sa.Column("object_type", sa.String(40), nullable=False),
        sa.Column("object_id", sa.String(64), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("data", postgresql.JSONB(), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name="fk_audit_entries_tenant_id_tenants"),
        sa.PrimaryKeyConstraint("id", name="pk_audit_entries"),
        sa.UniqueConstraint("tenant_id", "seq", name="uq_audit_entries_tenant_seq"),
    )
    op.create_index(
        "ix_audit_entries_tenant_id_object", "audit_entries", ["tenant_id", "object_type", "object_id"]
    )
    enable_tenant_rls(op, "audit_entries")
    make_append_only(op, "audit_entries")


def downgrade():
    op.drop_table("audit_entries")
    op.drop_table("users")
    op.drop_table("tenants")
    op.execute("drop function if exists sikd_current_tenant(); drop function if exists sikd_is_system();")
