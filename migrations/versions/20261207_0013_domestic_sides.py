"""domestic sides: each side of a KSDD keeps its own documents (the owner of a cooperation reads
the partner daerah's documents filed on it, as a grantee does), and the approvals given so far at
a stage whose sides approve in parallel (the DPRD of both daerah, Perwal Bekasi 57/2023 Pasal 27)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from sikd.tenancy.rls import enable_tenant_rls

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

GRANTED = (
    "exists (select 1 from cooperation_access g where g.cooperation_id = {c} "
    "and g.tenant_id = sikd_current_tenant())"
)
OWNER = (
    "exists (select 1 from cooperations c where c.id = {c} "
    "and c.tenant_id = sikd_current_tenant())"
)


def _documents(with_owner: bool) -> None:
    doc = GRANTED.format(c="documents.cooperation_id")
    inner = GRANTED.format(c="d.cooperation_id")
    if with_owner:
        doc = f"{doc} or {OWNER.format(c='documents.cooperation_id')}"
        inner = f"{inner} or {OWNER.format(c='d.cooperation_id')}"
    enable_tenant_rls(op, "documents", doc)
    enable_tenant_rls(
        op,
        "document_versions",
        "exists (select 1 from documents d where d.id = document_versions.document_id "
        f"and d.cooperation_id is not null and ({inner}))",
    )


def upgrade():
    op.add_column(
        "cooperations",
        sa.Column(
            "approvals",
            postgresql.ARRAY(sa.String(length=20)),
            nullable=False,
            server_default="{}",
        ),
    )
    op.add_column(
        "cooperations",
        sa.Column(
            "waiting_sides",
            postgresql.ARRAY(sa.String(length=20)),
            nullable=False,
            server_default="{}",
        ),
    )
    _documents(with_owner=True)


def downgrade():
    _documents(with_owner=False)
    op.drop_column("cooperations", "waiting_sides")
    op.drop_column("cooperations", "approvals")
