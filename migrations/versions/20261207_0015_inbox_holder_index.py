"""inbox and queues: active cooperations by the tenant that holds them; the reports a tenant
received

The inbox (``holder_tenant_id``), the Gubernur's queue (held at ``provinsi``, checked on the rows
found: only ``tenant_id`` leads a composite index) and the other queues list the cooperations a
tenant holds while they can still be acted on (``berjalan`` and ``berakhir``: a term that ran
out still needs its pengakhiran). The earlier partial index
(``status = 'berjalan'``) no longer matched that filter, so the inbox read the whole table.
Dipantau lists the tenant's own active cooperations waiting for somebody else (by tenant).
The API inbox lists the reports (``laporan_diterima``) a tenant received; a Kota has tens of
thousands of other notifications.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_cooperations_active_holder",
        "cooperations",
        ["holder_tenant_id"],
        postgresql_where=sa.text("status in ('berjalan', 'berakhir')"),
    )
    op.create_index(
        "ix_cooperations_active_tenant",
        "cooperations",
        ["tenant_id"],
        postgresql_where=sa.text("status in ('berjalan', 'berakhir')"),
    )
    op.create_index(
        "ix_notifications_reports",
        "notifications",
        ["tenant_id", "created_at"],
        postgresql_where=sa.text("kind = 'laporan_diterima'"),
    )


def downgrade():
    op.drop_index("ix_notifications_reports", table_name="notifications")
    op.drop_index("ix_cooperations_active_tenant", table_name="cooperations")
    op.drop_index("ix_cooperations_active_holder", table_name="cooperations")
