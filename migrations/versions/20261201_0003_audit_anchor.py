"""audit anchor: a per-tenant head of the audit chain the app role cannot rewrite

The hash chain alone shows an edited or a missing middle entry, but not a missing *tail*: delete
the newest entries and what is left is still a valid chain. ``audit_heads`` holds, per tenant,
how many entries were ever appended and the seq and hash of the last one. A trigger owned by
``sikd_owner`` (SECURITY DEFINER) advances it on every insert into ``audit_entries``; ``sikd_app``
may only read it. ``sikd audit verify`` compares the chain with its head.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

from sikd.tenancy.rls import enable_tenant_rls

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

APP_ROLE = "sikd_app"


def upgrade():
    op.create_table(
        "audit_heads",
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("entries", sa.BigInteger(), nullable=False),
        sa.Column("last_seq", sa.BigInteger(), nullable=False),
        sa.Column("last_hash", sa.String(64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name="fk_audit_heads_tenant_id_tenants"),
        sa.PrimaryKeyConstraint("tenant_id", name="pk_audit_heads"),
    )
    enable_tenant_rls(op, "audit_heads")
    # default privileges give the app role select/insert/update/delete on every new table:
    # here it keeps select only; the head moves solely through the trigger below
    op.execute(f"revoke all on audit_heads from {APP_ROLE}")
    op.execute(f"grant select on audit_heads to {APP_ROLE}")

    # Runs as sikd_owner. The session that inserts the audit entry already passed the
    # audit_entries RLS check for new.tenant_id, so the same check admits the head row.
    # INSERT ... ON CONFLICT DO UPDATE locks the head row: concurrent appends for one tenant
    # are counted one after the other, never lost.
    op.execute(
        """
        create function sikd_audit_advance_head() returns trigger
          language plpgsql security definer
          set search_path = pg_catalog, pg_temp
        as $$
        begin
          insert into public.audit_heads as h (tenant_id, entries, last_seq, last_hash, updated_at)
          values (new.tenant_id, 1, new.seq, new.hash, clock_timestamp())
          on conflict (tenant_id) do update
            set entries = h.entries + 1,
                last_seq = excluded.last_seq,
                last_hash = excluded.last_hash,
                updated_at = excluded.updated_at;
          return null;
        end
        $$
        """
    )
    op.execute("revoke all on function sikd_audit_advance_head() from public")
    op.execute(
        "create trigger audit_entries_advance_head after insert on audit_entries "
        "for each row execute function sikd_audit_advance_head()"
    )

    # anchor the chains that already exist (RLS is forced on the owner too: act as system)
    bind = op.get_bind()
    before = bind.execute(sa.text("select current_setting('sikd.scope', true)")).scalar() or ""
    bind.execute(sa.text("select set_config('sikd.scope', 'system', true)"))
    bind.execute(
        sa.text(
            """
            insert into audit_heads (tenant_id, entries, last_seq, last_hash, updated_at)
            select distinct on (tenant_id)
                   tenant_id, count(*) over (partition by tenant_id), seq, hash, clock_timestamp()
            from audit_entries
            order by tenant_id, seq desc
            """
        )
    )
    bind.execute(sa.text("select set_config('sikd.scope', :s, true)"), {"s": before})


def downgrade():
    op.execute("drop trigger if exists audit_entries_advance_head on audit_entries")
    op.execute("drop function if exists sikd_audit_advance_head()")
    op.drop_table("audit_heads")
