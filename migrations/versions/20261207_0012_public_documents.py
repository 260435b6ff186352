"""public documents: a tenant marks single documents of a cooperation public (default private);
the public register lists them and hands out their current version

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    # documents already has row-level security (0002); a new column needs no policy of its own
    op.add_column(
        "documents",
        sa.Column("public", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade():
    op.drop_column("documents", "public")
