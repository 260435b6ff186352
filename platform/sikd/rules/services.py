"""Rulebook versions in the database: a tenant admin submits a new variant of its Perwal/Pergub.

A submitted variant is validated exactly like the shipped files (schema, references, override
policy against the national and provinsi rules), stored with its content hash and the date it
takes effect, and audited. New cooperations start under the version effective that day; a
running cooperation keeps the version it started under.
"""

from __future__ import annotations

import shutil
import tempfile
from datetime import date
from pathlib import Path

from sqlalchemy import select

from sikd.accounts.models import User
from sikd.audit import services as audit
from sikd.core import clock
from sikd.core.extensions import db
from sikd.rules.loader import RULES_DIR, RuleError, check_file, effective_rulebook, tenant_chain
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
    with tempfile.TemporaryDirectory(prefix="sikd-rules-") as tmp:
        workdir = Path(tmp)
        for path in tenant_chain(tenant.code, RULES_DIR):
            if path.stem != tenant.code:  # national and the provinsi file; never its own old one
                shutil.copy(path, workdir / path.name)
        candidate = workdir / f"{tenant.code}.yaml"
        candidate.write_text(yaml_text, encoding="utf-8")
        errors = check_file(candidate, workdir)
        if errors:
            raise VariantRefused(errors)
        merged = effective_rulebook(tenant.code, workdir)
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
