"""Jobs of the register (enqueued by dotted name)."""

from __future__ import annotations

from sikd.core.jobs import app_context


def import_job(import_id: int, tenant_id: int) -> dict[str, int]:
    from sikd.register.importing import run_import

    with app_context():
        imp = run_import(import_id, tenant_id)
        return {"created": imp.created, "skipped": imp.skipped, "failed": imp.failed}
