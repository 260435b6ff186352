"""national scale: derived facts on the cooperation row, the national rollup, search indexes

- ``cooperations`` keeps what every list shows (stage label, holder roles, next deadline and its
  unit, since when the holder has it), maintained in the transaction that changes them
  (``sikd.cooperations.summary``); backfilled here from the pinned rulebooks, the open deadlines
  and the open hops.
- ``national_rollup``: the national view's counts, rebuilt by the periodic sweep.
- indexes the planner can use under row-level security (leakproof conditions only): the
  tenant's rows by last change (the register), running ones by holder (the inbox), by next
  deadline (the national overdue list), the Gubernur's "routed directly" hops; JIT off.
  No trigram index: under FORCE RLS an ILIKE (not leakproof) is never an index condition.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-10
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

def upgrade():
    # JIT compiles a plan in 270-430 ms; the app's statements run in a few ms (PERFORMANCE.md).
    # Off for this database (its owner may); a reporting role can turn it on for itself.
    op.execute("do $$ begin execute format('alter database %I set jit = off', current_database()); end $$")
    op.add_column(
        "cooperations",
        sa.Column("stage_label", sa.String(300), server_default="", nullable=False),
    )
    op.add_column(
        "cooperations",
        sa.Column(
            "holder_roles",
            postgresql.ARRAY(sa.String(32)),
            server_default="{}",
            nullable=False,
        ),
    )
    op.add_column("cooperations", sa.Column("next_due_at", sa.DateTime(timezone=True)))
    op.add_column("cooperations", sa.Column("next_due_unit", sa.String(20)))
    op.add_column("cooperations", sa.Column("holder_since", sa.DateTime(timezone=True)))
    _backfill()
    op.create_index(
        "ix_cooperations_tenant_id_updated_at", "cooperations", ["tenant_id", "updated_at"]
    )
    op.create_index(
        "ix_cooperations_running_holder",
        "cooperations",
        ["holder_tenant_id"],
        postgresql_where=sa.text("status = 'berjalan'"),
    )
    op.create_index(
        "ix_cooperations_running_next_due_at",
        "cooperations",
        ["next_due_at"],
        postgresql_where=sa.text("status = 'berjalan'"),
    )
    op.create_index(
        "ix_routing_hops_routed_directly_holder",
        "routing_hops",
        ["holder_tenant_id"],
        postgresql_where=sa.text("outcome = 'routed_directly'"),
    )
    op.create_table(
        "national_rollup",
        sa.Column("provinsi_tenant_id", sa.Integer(), nullable=False),
        sa.Column("process", sa.String(40), nullable=False),
        sa.Column("stage", sa.String(60), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("stage_label", sa.String(300), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("overdue", sa.Integer(), nullable=False),
        sa.Column("dormant", sa.Integer(), nullable=False),
        sa.Column("refreshed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["provinsi_tenant_id"],
            ["tenants.id"],
            name="fk_national_rollup_provinsi_tenant_id_tenants",
        ),
        sa.PrimaryKeyConstraint(
            "provinsi_tenant_id", "process", "stage", "status", name="pk_national_rollup"
        ),
    )


def _backfill() -> None:
    """Stage labels and holder roles from each pinned rulebook (one decode per version), then
    the next deadline and the holder's start from the open rows, in SQL."""
    from sikd.workflow.rulebook import Rulebook

    conn = op.get_bind()
    conn.execute(sa.text("select set_config('sikd.scope', 'system', true)"))
    combos = conn.execute(
        sa.text(
            "select distinct rulebook_version_id, process, stage, status = 'berjalan' "
            "from cooperations"
        )
    ).all()
    by_version: dict[int, list] = {}
    for version_id, process, stage, running in combos:
        by_version.setdefault(version_id, []).append((process, stage, running))
    for version_id, items in by_version.items():
        data = conn.execute(
            sa.text("select rulebook from rulebook_versions where id = :v"), {"v": version_id}
        ).scalar_one()
        rules = Rulebook(data)
        for process, stage, running in items:
            roles = rules.roles_of(process, stage) if running else []
            conn.execute(
                sa.text(
                    "update cooperations set stage_label = :label, holder_roles = :roles "
                    "where rulebook_version_id = :v and process = :p and stage = :s "
                    "and (status = 'berjalan') = :running"
                ),
                {
                    "label": rules.label_of(process, stage)[:300],
                    "roles": roles,
                    "v": version_id,
                    "p": process,
                    "s": stage,
                    "running": running,
                },
            )
    conn.execute(sa.text(BACKFILL_SQL))


BACKFILL_SQL = """
update cooperations c set next_due_at = d.due_at, next_due_unit = d.unit
from (
  select distinct on (d.tenant_id, d.cooperation_id) d.tenant_id, d.cooperation_id, d.due_at,
    d.spec ->> 'unit' as unit
  from deadlines d join cooperations c2 on c2.id = d.cooperation_id and c2.stage = d.stage
  where d.status = 'open'
  order by d.tenant_id, d.cooperation_id, d.due_at
) d
where d.tenant_id = c.tenant_id and d.cooperation_id = c.id;
update cooperations c set holder_since = h.received_at
from (
  select tenant_id, cooperation_id, max(received_at) as received_at from routing_hops
  where acted_at is null group by tenant_id, cooperation_id
) h
where h.tenant_id = c.tenant_id and h.cooperation_id = c.id;
"""


def downgrade():
    op.execute("do $$ begin execute format('alter database %I reset jit', current_database()); end $$")
    op.drop_table("national_rollup")
    op.drop_index("ix_routing_hops_routed_directly_holder", table_name="routing_hops")
    op.drop_index("ix_cooperations_running_next_due_at", table_name="cooperations")
    op.drop_index("ix_cooperations_running_holder", table_name="cooperations")
    op.drop_index("ix_cooperations_tenant_id_updated_at", table_name="cooperations")
    for column in ("holder_since", "next_due_unit", "next_due_at", "holder_roles", "stage_label"):
        op.drop_column("cooperations", column)
