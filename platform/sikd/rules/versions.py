"""Which rulebook a tenant's new cooperation starts under; a cooperation keeps it from then on."""

from __future__ import annotations

from datetime import date

from sqlalchemy import case, select

from sikd.core import clock
from sikd.core.extensions import db
from sikd.rules.layers import PUBLISHED, effective_for
from sikd.rules.models import RulebookVersion
from sikd.tenancy.models import Tenant

FILES_EPOCH = date(2000, 1, 1)  # the shipped files count from "always"


def current_rulebook_version(tenant: Tenant, on: date | None = None) -> RulebookVersion:
    """The rulebook a new cooperation of ``tenant`` starts under (pinned from then on).

    The layers in force on ``on`` (national, the provinsi's published Pergub variant or file,
    the tenant's own published variant or file) are merged; the version row with that content
    is reused, else stored: ``files`` when no published variant is involved, ``inherited`` when
    a combination of published layers is new (e.g. a provinsi published after the kab/kota)."""
    on = on or clock.now().date()
    merged, layers = effective_for(tenant, on)
    published = [layer for layer in layers if layer.origin == "published"]
    existing = db.session.scalar(
        select(RulebookVersion)
        .where(
            RulebookVersion.tenant_id == tenant.id,
            RulebookVersion.content_hash == merged.content_hash,
            RulebookVersion.effective_from <= on,
        )
        .order_by(
            case((RulebookVersion.source == PUBLISHED, 0), else_=1),
            RulebookVersion.effective_from.desc(),
            RulebookVersion.id.desc(),
        )
        .limit(1)
    )
    if existing is not None:
        return existing
    since = max((date.fromisoformat(p.effective_from) for p in published), default=FILES_EPOCH)
    version = RulebookVersion(
        tenant_id=tenant.id,
        content_hash=merged.content_hash,
        rulebook=merged.as_dict(),
        source="inherited" if published else "files",
        effective_from=since,
    )
    db.session.add(version)
    db.session.flush()
    return version
