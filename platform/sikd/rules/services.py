"""Rulebook versions in the database: a tenant admin submits a new variant of its Perwal/Pergub.

A submitted variant is validated exactly like the shipped files (schema, references, override
policy against the national and provinsi rules), stored with its content hash and the date it
takes effect, and audited. New cooperations start under the version effective that day; a
running cooperation keeps the version it started under.
"""

from __future__ import annotations

from datetime import date

import yaml
from sqlalchemy import select

from sikd.accounts.models import User
from sikd.audit import services as audit
from sikd.core import clock
from sikd.core.extensions import db
from sikd.rules.drafts import check_variant
from sikd.rules.layers import parse_variant
from sikd.rules.loader import RuleError
from sikd.rules.models import RulebookVersion
from sikd.tenancy.scope import tenant_scope


class VariantRefused(ValueError):
    def __init__(self, errors: list[RuleError]) -> None:
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


def submit_variant(user: User, yaml_text: str, effective_from: date) -> RulebookVersion:
    tenant = user.tenant
    if not user.has_role("tenant_admin"):
        raise PermissionError("Hanya administrator instansi yang dapat mengajukan aturan daerah.")
    if not tenant.is_daerah:
        raise PermissionError("Aturan daerah hanya dapat diajukan oleh pemerintah daerah.")
    if effective_from < clock.now().date():
        raise VariantRefused(
            [
                RuleError(
                    "(pengajuan)", "effective_from", "Tanggal berlaku tidak boleh di masa lalu."
                )
            ]
        )
    try:
        variant = parse_variant(yaml_text)
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or "sintaks YAML tidak sah"
        raise VariantRefused(
            [
                RuleError(
                    "(pengajuan)", "(berkas)", f"YAML tidak sah: {problem}; perbaiki sintaksnya."
                )
            ]
        ) from exc
    if isinstance(variant, dict) and str(variant.get("id", tenant.code)) != tenant.code:
        raise VariantRefused(
            [RuleError("(pengajuan)", "id", f"id harus sama dengan kode daerah: {tenant.code!r}.")]
        )
    # the same validation as the files, onto national and the provinsi's rules in force
    merged, errors, _ = check_variant(tenant, variant, effective_from)
    if errors or merged is None:
        raise VariantRefused(errors)
    with tenant_scope(tenant.id):
        version = RulebookVersion(
            tenant_id=tenant.id,
            content_hash=merged.content_hash,
            rulebook=merged.as_dict(),
            source="variant_upload",
            variant_yaml=yaml_text,
            effective_from=effective_from,
            created_by=user.id,
        )
        db.session.add(version)
        db.session.flush()
        audit.record(
            tenant_id=tenant.id,
            action="rules.variant_submitted",
            object_type="rulebook_version",
            object_id=version.id,
            summary=f"Aturan daerah {tenant.name} versi {merged.content_hash[:12]} berlaku {effective_from.isoformat()}",
            at=clock.now(),
            actor=user,
            data={"changes": [c.description for c in merged.changes], "hash": merged.content_hash},
        )
        db.session.commit()
    return version


def versions_of(tenant_id: int) -> list[RulebookVersion]:
    return list(
        db.session.scalars(
            select(RulebookVersion)
            .where(RulebookVersion.tenant_id == tenant_id)
            .order_by(RulebookVersion.effective_from.desc(), RulebookVersion.id.desc())
        )
    )
