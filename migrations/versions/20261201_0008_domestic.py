"""domestic cooperation: the partner daerah as a tenant, extension end date, KSDPK selection,
supervision notes and reports

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from sikd.tenancy.rls import enable_tenant_rls

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

GRANTED = (
    "exists (select 1 from cooperation_access g where g.cooperation_id = {t}.cooperation_id "
    "and g.tenant_id = sikd_current_tenant())"
)


def _owned(name: str, *columns: sa.Column) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), nullable=False),
        *columns,
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name=f"fk_{name}_tenant_id_tenants"),
        sa.PrimaryKeyConstraint("id", name=f"pk_{name}"),
    )


def _coop_fk(name: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["cooperation_id"], ["cooperations.id"], name=f"fk_{name}_cooperation_id_cooperations"
    )


def upgrade():
    op.add_column("cooperations", sa.Column("term_extended_until", sa.Date(), nullable=True))
    op.add_column("cooperations", sa.Column("partner_tenant_id", sa.Integer(), nullable=True))
    op.add_column("cooperations", sa.Column("partner_number", sa.String(40), nullable=True))
    op.create_foreign_key(
        "fk_cooperations_partner_tenant_id_tenants",
        "cooperations",
        "tenants",
        ["partner_tenant_id"],
        ["id"],
    )
    op.create_index(
        "ix_cooperations_partner_tenant_id", "cooperations", ["partner_tenant_id"], unique=False
    )

    _owned(
        "candidate_scores",
        sa.Column("cooperation_id", sa.Integer(), nullable=False),
        sa.Column("candidate", sa.String(300), nullable=False),
        sa.Column("criterion", sa.String(20), nullable=False),
        sa.Column("score", sa.SmallInteger(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("scored_by", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        _coop_fk("candidate_scores"),
        sa.UniqueConstraint(
            "tenant_id", "cooperation_id", "candidate", "criterion", name="uq_candidate_scores"
        ),
    )
    op.create_index(
        "ix_candidate_scores_tenant_id_cooperation",
        "candidate_scores",
        ["tenant_id", "cooperation_id"],
    )
    _owned(
        "selection_records",
        sa.Column("cooperation_id", sa.Integer(), nullable=False),
        sa.Column("ranking", postgresql.JSONB(), nullable=False),
        sa.Column("chosen", sa.String(300), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        _coop_fk("selection_records"),
    )
    op.create_index(
        "ix_selection_records_tenant_id_cooperation",
        "selection_records",
        ["tenant_id", "cooperation_id"],
    )
    _owned(
        "supervision_notes",
        sa.Column("cooperation_id", sa.Integer(), nullable=False),
        sa.Column("owner_tenant_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("phase", sa.String(20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        _coop_fk("supervision_notes"),
        sa.ForeignKeyConstraint(
            ["owner_tenant_id"], ["tenants.id"], name="fk_supervision_notes_owner_tenant_id_tenants"
        ),
    )
    op.create_index(
        "ix_supervision_notes_tenant_id_cooperation",
        "supervision_notes",
        ["tenant_id", "cooperation_id"],
    )
    op.create_index(
        "ix_supervision_notes_owner_tenant_id", "supervision_notes", ["owner_tenant_id"]
    )
    _owned(
        "supervision_reports",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(40), nullable=False),
        sa.Column("recipient_tenant_id", sa.Integer(), nullable=False),
        sa.Column("items", postgresql.JSONB(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("submitted_by", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["recipient_tenant_id"],
            ["tenants.id"],
            name="fk_supervision_reports_recipient_tenant_id_tenants",
        ),
    )
    op.create_index(
        "ix_supervision_reports_tenant_id_year", "supervision_reports", ["tenant_id", "year"]
    )
    op.create_index(
        "ix_supervision_reports_recipient_tenant_id",
        "supervision_reports",
        ["recipient_tenant_id"],
    )

    for table in ("candidate_scores", "selection_records"):
        enable_tenant_rls(op, table, GRANTED.format(t=table))
    # the supervised daerah reads the notes on its own cooperations
    enable_tenant_rls(op, "supervision_notes", "owner_tenant_id = sikd_current_tenant()")
    # the recipient (Kemendagri) reads the reports sent to it
    enable_tenant_rls(op, "supervision_reports", "recipient_tenant_id = sikd_current_tenant()")


def downgrade():
    for table in (
        "supervision_reports",
        "supervision_notes",
        "selection_records",
        "candidate_scores",
    ):
        op.drop_table(table)
    op.drop_index("ix_cooperations_partner_tenant_id", table_name="cooperations")
    op.drop_constraint(
        "fk_cooperations_partner_tenant_id_tenants", "cooperations", type_="foreignkey"
    )
    op.drop_column("cooperations", "partner_number")
    op.drop_column("cooperations", "partner_tenant_id")
    op.drop_column("cooperations", "term_extended_until")
