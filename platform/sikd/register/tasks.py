"""Jobs of the register (enqueued by dotted name)."""

from __future__ import annotations

from sikd.core.jobs import app_context


def import_job(import_id: int, tenant_id: int) -> dict[str, int]:
    from sikd.core import clock
    from sikd.core.extensions import db
    from sikd.register.importing import get_import, run_import
    from sikd.register.models import ImportStatus
    from sikd.tenancy.scope import tenant_scope

    with app_context():
        try:
            imp = run_import(import_id, tenant_id)
        except Exception:
            # the rows written so far stay (each was whole); the import says it stopped, and
            # running the same file again continues without duplicates
            db.session.rollback()
            with tenant_scope(tenant_id):
                imp = get_import(import_id, tenant_id)
                imp.status, imp.finished_at = ImportStatus.FAILED, clock.now()
                db.session.commit()
            raise
        return {"created": imp.created, "skipped": imp.skipped, "failed": imp.failed}
