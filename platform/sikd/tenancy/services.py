"""The tenant registry: every provinsi and kabupaten/kota, Kemendagri and Kemlu."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from sikd.core.config import REPO_ROOT
from sikd.core.extensions import db
from sikd.tenancy.models import TENANT_KINDS, TIMEZONES, Tenant
from sikd.tenancy.scope import system_scope

REGIONS_FILE = REPO_ROOT / "tenants" / "regions.csv"


@dataclass(frozen=True)
class RegionRow:
    code: str
    name: str
    kind: str
    parent_code: str | None
    timezone: str


def read_regions(path: Path = REGIONS_FILE) -> list[RegionRow]:
    rows: list[RegionRow] = []
    with path.open(encoding="utf-8", newline="") as fh:
        for line_no, raw in enumerate(csv.DictReader(fh), start=2):
            kind = raw["kind"].strip()
            tz = raw["timezone"].strip()
            if kind not in TENANT_KINDS or tz not in TIMEZONES:
                raise ValueError(
                    f"{path.name} baris {line_no}: jenis {kind!r} atau zona {tz!r} tidak dikenal"
                )
            rows.append(
                RegionRow(
                    code=raw["code"].strip(),
                    name=raw["name"].strip(),
                    kind=kind,
                    parent_code=raw["parent_code"].strip() or None,
                    timezone=tz,
                )
            )
    return rows


@dataclass
class SyncResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def sync_tenants(path: Path = REGIONS_FILE) -> SyncResult:
    """Create or update every tenant from the registry file; idempotent."""
    rows = read_regions(path)
    result = SyncResult()
    with system_scope():
        existing = {t.code: t for t in db.session.scalars(select(Tenant))}
        # parents first: provinsi and kementerian rows have no parent
        for row in sorted(rows, key=lambda r: (r.parent_code is not None, r.code)):
            parent_id = existing[row.parent_code].id if row.parent_code else None
            tenant = existing.get(row.code)
            if tenant is None:
                tenant = Tenant(
                    code=row.code,
                    name=row.name,
                    kind=row.kind,
                    parent_id=parent_id,
                    timezone=row.timezone,
                )
                db.session.add(tenant)
                db.session.flush()
                existing[row.code] = tenant
                result.created += 1
            elif (tenant.name, tenant.kind, tenant.parent_id, tenant.timezone) != (
                row.name,
                row.kind,
                parent_id,
                row.timezone,
            ):
                tenant.name, tenant.kind = row.name, row.kind
                tenant.parent_id, tenant.timezone = parent_id, row.timezone
                result.updated += 1
            else:
                result.unchanged += 1
        db.session.commit()
    return result


def get_tenant(code: str) -> Tenant | None:
    return db.session.scalar(select(Tenant).where(Tenant.code == code))


def children_count(tenant: Tenant) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Tenant).where(Tenant.parent_id == tenant.id)
    )


def list_tenants(kind: str | None = None) -> list[Tenant]:
    query = select(Tenant).order_by(Tenant.code)
    if kind:
        query = query.where(Tenant.kind == kind)
    return list(db.session.scalars(query))
