"""Across daerah: the template gallery (variants others may start from) and Kemendagri's view —
which daerah have a variant, what they tightened, where variants differ on one national rule."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import select

from sikd.core import clock
from sikd.core.extensions import db
from sikd.rules.layers import PUBLISHED, effective_for
from sikd.rules.loader import RULES_DIR, RulebookInvalid, rule_files
from sikd.rules.models import RulebookVersion
from sikd.rules.policy import display_rule
from sikd.tenancy.models import Tenant


def tenants_with_variants() -> list[Tenant]:
    """Daerah with a published variant in the database or a shipped file, provinsi first."""
    published = set(
        db.session.scalars(
            select(RulebookVersion.tenant_id)
            .where(
                RulebookVersion.source == PUBLISHED,
                RulebookVersion.variant_yaml.is_not(None),
            )
            .distinct()
        )
    )
    codes = {p.stem for p in rule_files(RULES_DIR)[1:]}
    rows = db.session.scalars(
        select(Tenant).where((Tenant.id.in_(published)) | (Tenant.code.in_(codes)))
    ).all()
    return sorted(rows, key=lambda t: (t.code.count("."), t.code))


def own_changes(tenant: Tenant) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """The tenant's merged rulebook in force today and the changes its own layer made."""
    try:
        merged, layers = effective_for(tenant, clock.now().date())
    except RulebookInvalid:
        return {}, []
    own = [layer for layer in layers if layer.code == tenant.code]
    info = {
        "code": tenant.code,
        "name": tenant.name,
        "kind": tenant.kind,
        "title": merged.data.get("title"),
        "origin": own[0].origin if own else None,
        "effective_from": own[0].effective_from if own else None,
        "content_hash": merged.content_hash,
    }
    changes = [
        {"key": c.key, "rule": display_rule(c.key), "description": c.description}
        for c in merged.changes
        if c.source == tenant.code
    ]
    return info, changes


def gallery(exclude: Tenant | None = None) -> list[dict[str, Any]]:
    """Published variants (and shipped files) of other daerah to start a draft from."""
    out = []
    for tenant in tenants_with_variants():
        if exclude is not None and tenant.id == exclude.id:
            continue
        info, changes = own_changes(tenant)
        if info and info["origin"]:
            out.append({**info, "changes": [c["description"] for c in changes]})
    return out


def national_overview() -> dict[str, Any]:
    """Which daerah have a variant, what each changed, and the national rules that two or more
    daerah changed differently (e.g. the DPRD deadline: 45 hari in one, 30 hari in another)."""
    daerah, by_rule = [], defaultdict(list)
    for tenant in tenants_with_variants():
        info, changes = own_changes(tenant)
        if not info or not info["origin"]:
            continue
        daerah.append({**info, "changes": changes})
        for c in changes:
            by_rule[c["rule"]].append({"code": tenant.code, "name": tenant.name, **c})
    differ = [
        {"rule": rule, "variants": items}
        for rule, items in sorted(by_rule.items())
        if len({i["description"] for i in items}) > 1
    ]
    return {"daerah": daerah, "count": len(daerah), "differences": differ}
