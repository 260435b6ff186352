"""Fixtures a test reaches for first: an app context, a tenant, a user, a client, a login."""

from __future__ import annotations

import re

import pytest

TEST_PASSWORD = "kata-sandi-uji-123"  # noqa: S105 - the test users' password


@pytest.fixture
def app_ctx(app):
    from sikd.tenancy.scope import set_tenant

    with app.app_context():
        set_tenant(None)
        yield app


@pytest.fixture
def db_session(app_ctx):
    from sikd.core.extensions import db

    yield db.session
    db.session.rollback()


@pytest.fixture
def tenant(app_ctx):
    from sikd.tenancy.services import get_tenant

    def _get(code: str):
        t = get_tenant(code)
        assert t is not None, f"tenant {code} not synced"
        return t

    return _get


@pytest.fixture
def make_user(app_ctx, tenant):
    from sikd.accounts.services import create_user

    counter = {"n": 0}

    def _make(
        tenant_code: str,
        roles: list[str] | tuple[str, ...] = ("tkksd",),
        email: str | None = None,
        unit: str | None = None,
    ):
        counter["n"] += 1
        t = tenant(tenant_code)
        roles = list(roles)
        addr = (
            email
            or f"{roles[0].replace('_', '-')}.{counter['n']}.{tenant_code.replace('.', '')}@uji.sikd.id"
        )
        return create_user(
            t,
            addr,
            roles,
            TEST_PASSWORD,
            full_name=f"Uji {roles[0]} {t.name}",
            unit=unit or ("Dinas Uji" if "opd" in roles else None),
        )

    return _make


@pytest.fixture
def client(app):
    return app.test_client()


def login(client, email: str, password: str = TEST_PASSWORD):
    """Log in through the real form, CSRF token included."""
    page = client.get("/masuk")
    token = re.search(
        r'name="csrf_token" type="hidden" value="([^"]+)"', page.get_data(as_text=True)
    )
    assert token, "login form has no CSRF token"
    return client.post(
        "/masuk", data={"email": email, "password": password, "csrf_token": token.group(1)}
    )
