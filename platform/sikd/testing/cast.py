"""The cast: a user of every role an instansi may have, by tenant code.

``cast("32.75").tkksd`` is Kota Bekasi's TKKSD, ``cast("32").gubernur_verifier`` the Jawa Barat
Gubernur's verifier, ``cast("KEMLU").api("kemlu_reviewer")`` Kemlu's reviewer as an API user.
They are the demo accounts of that instansi (``sikd.demo.accounts``: same e-mail addresses and
names, password :data:`TEST_PASSWORD`), so the people who play a demo story
(``cooperation_at``) and the people a test acts with are the same. Each user is created through
the real service the first time a test names it, then reused in that test (a password hash is
the slow part of making a user, so nobody is made who is not needed).
"""

from __future__ import annotations

from typing import Any

import pytest

from .api import ApiUser
from .fixtures import TEST_PASSWORD


def _person(tenant: Any, role: str) -> Any:
    """The demo account of ``role`` at ``tenant``, created when it does not exist yet."""
    from sqlalchemy import select

    from sikd.accounts.models import User
    from sikd.accounts.services import create_user
    from sikd.core.extensions import db
    from sikd.demo.accounts import UNIT_BY_TENANT, demo_email
    from sikd.tenancy.scope import system_scope
    from sikd.workflow.roles import ROLES

    email = demo_email(tenant.code, role)
    with system_scope():
        user = db.session.scalar(select(User).where(User.email == email))
        db.session.commit()
    if user is not None:
        return user
    return create_user(
        tenant,
        email,
        [role],
        TEST_PASSWORD,
        full_name=f"{ROLES[role].label} {tenant.name}",
        unit=UNIT_BY_TENANT.get(tenant.code, "Dinas Uji") if role == "opd" else None,
    )


class Cast:
    """The users of one instansi, one per role allowed on it (``workflow.roles.ROLES``)."""

    def __init__(self, code: str, client: Any) -> None:
        from sikd.tenancy.services import get_tenant
        from sikd.workflow.roles import ROLES

        tenant = get_tenant(code)
        assert tenant is not None, f"tenant {code} not synced"
        self.code, self.tenant, self._client = code, tenant, client
        self.roles = tuple(r.code for r in ROLES.values() if r.allowed_on(tenant.kind, code))
        self._users: dict[str, Any] = {}
        self._api: dict[str, ApiUser] = {}

    def __getitem__(self, role: str) -> Any:
        if role not in self.roles:
            raise KeyError(f"{self.code} has no {role!r}; its roles: {', '.join(self.roles)}")
        if role not in self._users:
            self._users[role] = _person(self.tenant, role)
        return self._users[role]

    def __getattr__(self, role: str) -> Any:
        if role.startswith("_") or "roles" not in self.__dict__:
            raise AttributeError(role)
        try:
            return self[role]
        except KeyError as exc:
            raise AttributeError(exc.args[0]) from None

    def api(self, role: str) -> ApiUser:
        """The user of ``role`` signed in to the JSON API (a bearer token of their own)."""
        if role not in self._api:
            self._api[role] = ApiUser(self._client, self[role], TEST_PASSWORD)
        return self._api[role]


@pytest.fixture
def cast(app_ctx, client):
    """``cast(code)``: the :class:`Cast` of that instansi, the same object all through a test."""
    made: dict[str, Cast] = {}

    def _cast(code: str) -> Cast:
        if code not in made:
            made[code] = Cast(code, client)
        return made[code]

    return _cast
