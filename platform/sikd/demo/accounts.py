"""Demo accounts for a newcomer's first look (only on an empty embedded database)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import func, select

from sikd.accounts.models import User
from sikd.accounts.services import create_user, generate_password
from sikd.core.extensions import db
from sikd.tenancy.scope import system_scope
from sikd.tenancy.services import get_tenant
from sikd.workflow.roles import ROLES

DEMO_TENANTS = ("32.75", "32", "33.72", "33", "KEMENDAGRI", "KEMLU")
UNIT_BY_TENANT = {
    "32.75": "Dinas Pariwisata dan Kebudayaan",
    "32": "Dinas Pariwisata dan Kebudayaan Provinsi",
    "33.72": "Dinas Kebudayaan dan Pariwisata",
    "33": "Dinas Kepemudaan, Olahraga dan Pariwisata",
}


@dataclass(frozen=True)
class DemoAccount:
    tenant_code: str
    tenant_name: str
    role: str
    email: str


def database_has_users() -> bool:
    with system_scope():
        return bool(db.session.scalar(select(func.count()).select_from(User)))


def demo_email(tenant_code: str, role: str) -> str:
    slug = tenant_code.lower().replace(".", "")
    return f"{role.replace('_', '-')}.{slug}@demo.sikd.id"


def seed_demo_accounts(password: str | None = None) -> tuple[list[DemoAccount], str]:
    """One account per role of every demo instansi, all with ``password`` (or a new one).

    Checks the demo stories against the rulebooks first and raises ``DemoDataError`` before
    writing anything when they do not fit, so the fixed stories seed on the next run."""
    from .validate import valid_stories

    valid_stories()
    password = password or secrets.token_urlsafe(9)
    accounts: list[DemoAccount] = []
    for code in DEMO_TENANTS:
        tenant = get_tenant(code)
        for role in ROLES.values():
            if not role.allowed_on(tenant.kind, tenant.code):
                continue
            email = demo_email(code, role.code)
            create_user(
                tenant,
                email,
                [role.code],
                password,
                full_name=f"{role.label} {tenant.name}",
                unit=UNIT_BY_TENANT[code] if role.code == "opd" else None,
            )
            accounts.append(DemoAccount(code, tenant.name, role.code, email))
    return accounts, password


def ensure_daerah_accounts(
    code: str, unit: str | None, password: str | None = None
) -> tuple[list[DemoAccount], str | None]:
    """The demo accounts of a daerah that has stories but none yet (e.g. Kabupaten Bogor),
    with ``password`` or a generated one; those that exist are left alone."""
    tenant = get_tenant(code)
    created: list[DemoAccount] = []
    for role in ROLES.values():
        if not role.allowed_on(tenant.kind, tenant.code):
            continue
        email = demo_email(code, role.code)
        with system_scope():
            exists = db.session.scalar(select(User.id).where(User.email == email))
            db.session.commit()
        if exists is not None:
            continue
        password = password or generate_password()
        create_user(
            tenant,
            email,
            [role.code],
            password,
            full_name=f"{role.label} {tenant.name}",
            unit=unit if role.code == "opd" else None,
        )
        created.append(DemoAccount(code, tenant.name, role.code, email))
    return created, password
