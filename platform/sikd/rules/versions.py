"""Which rulebook a tenant's new cooperation starts under; a cooperation keeps it from then on."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from sikd.core import clock
from sikd.core.extensions import db
from sikd.rules.loader import effective_rulebook
from sikd.rules.models import RulebookVersion
from sikd.tenancy.models import Tenant

FILES_EPOCH = date(2000, 1, 1)  # the shipped files count from "always"


def current_rulebook_version(tenant: Tenant, on: date | None = None) -> RulebookVersion:
    """The rulebook a new cooperation of ``tenant`` starts under (pinned from then on).

    An uploaded variant that is effective wins; otherwise the shipped files, stored by hash."""
    on = on or clock.now().date()
    uploaded = db.session.scalar(
        select(RulebookVersion)
        .where(
            RulebookVersion.tenant_id == tenant.id,
            RulebookVersion.source == "variant_upload",
            RulebookVersion.effective_from <= on,
        )
        .order_by(RulebookVersion.effective_from.desc(), RulebookVersion.id.desc())
        .limit(1)
    )
    if uploaded is not None:
        return uploaded
    merged = effective_rulebook(tenant.code)
    existing = db.session.scalar(
        select(RulebookVersion).where(
            RulebookVersion.tenant_id == tenant.id,
            RulebookVersion.content_hash == merged.content_hash,
            RulebookVersion.source == "files",
        )
    )
    if existing is not None:
        return existing
    version = RulebookVersion(
        tenant_id=tenant.id,
        content_hash=merged.content_hash,
        rulebook=merged.as_dict(),
        source="files",
        effective_from=FILES_EPOCH,
    )
    db.session.add(version)
    db.session.flush()
    return version
