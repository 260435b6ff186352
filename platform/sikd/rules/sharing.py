"""Sharing and remembering variants: export to and import from FORMAT.md's YAML, the history
of published versions (who proposed, who approved, the basis document, the date, the diff)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import yaml
from sqlalchemy import select

from sikd.accounts.models import User
from sikd.core.errors import AppError, NotFound
from sikd.core.extensions import db
from sikd.rules.drafts import dump_variant, own_variant, report, skeleton, start_draft
from sikd.rules.layers import parse_variant
from sikd.rules.models import RulebookVersion, VariantDraft
from sikd.tenancy.models import Tenant


def export_yaml(tenant: Tenant, on: date | None = None) -> str:
    """The tenant's own variant in force, in FORMAT.md's patch syntax."""
    variant = own_variant(tenant, on)
    if variant is None:
        raise NotFound(None, f"{tenant.name} belum mempunyai aturan daerah.")
    variant = {**variant, "id": tenant.code, "extends": skeleton(tenant)["extends"]}
    return dump_variant(variant)


def import_yaml(user: User, text: str) -> dict[str, Any]:
    """Start the tenant's draft from a shared YAML file (another daerah's, or its own)."""
    try:
        variant = parse_variant(text)
    except yaml.YAMLError as exc:
        raise AppError(
            "invalid_yaml",
            f"Berkas bukan YAML yang sah ({getattr(exc, 'problem', None) or 'sintaks'}).",
        ) from exc
    if not isinstance(variant, dict):
        raise AppError("invalid_yaml", "Berkas aturan harus berupa pemetaan YAML di tingkat atas.")
    draft = start_draft(user, variant)
    return report(user.tenant, draft)


def history(tenant: Tenant) -> list[dict[str, Any]]:
    rows = db.session.scalars(
        select(VariantDraft)
        .where(VariantDraft.tenant_id == tenant.id, VariantDraft.status == "published")
        .order_by(VariantDraft.effective_from.desc(), VariantDraft.id.desc())
    ).all()
    users = {
        u.id: u
        for u in db.session.scalars(
            select(User).where(
                User.id.in_({r.proposed_by for r in rows} | {r.approved_by for r in rows})
            )
        )
    }
    versions = {
        v.id: v
        for v in db.session.scalars(
            select(RulebookVersion).where(
                RulebookVersion.id.in_([r.rulebook_version_id for r in rows])
            )
        )
    }
    out = []
    for i, row in enumerate(rows):
        older = rows[i + 1].variant if i + 1 < len(rows) else {}
        out.append(
            {
                "id": row.id,
                "effective_from": row.effective_from.isoformat(),
                "proposed_by": _name(users.get(row.proposed_by)),
                "approved_by": _name(users.get(row.approved_by)),
                "approved_at": _iso(row.approved_at),
                "basis_document": row.basis_document,
                "content_hash": versions[row.rulebook_version_id].content_hash
                if row.rulebook_version_id in versions
                else None,
                "previous_hash": row.previous_hash,
                "diff": variant_diff(older, row.variant),
            }
        )
    return out


def _name(user: User | None) -> str | None:
    return f"{user.full_name} <{user.email}>" if user else None


def _iso(at: datetime | None) -> str | None:
    return at.isoformat() if at else None


def _flat(node: Any, prefix: str = "") -> dict[str, str]:
    if isinstance(node, dict):
        out: dict[str, str] = {}
        for k, v in node.items():
            out.update(_flat(v, f"{prefix}.{k}" if prefix else str(k)))
        return out
    return {prefix: yaml.safe_dump(node, allow_unicode=True, default_flow_style=True).strip()}


def variant_diff(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, str | None]]:
    """Rule by rule: what a version added, changed or removed against the one before it."""
    a, b = _flat(old or {}), _flat(new or {})
    return [
        {"key": k, "before": a.get(k), "after": b.get(k)}
        for k in sorted(set(a) | set(b))
        if a.get(k) != b.get(k) and k not in ("id", "extends")
    ]
