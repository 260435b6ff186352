"""The cast: one user of every role an instansi may have, by tenant code.

``cast("32.75").tkksd`` is Kota Bekasi's TKKSD, ``cast("32").gubernur_verifier`` the Jawa Barat
Gubernur's verifier, ``cast("KEMLU").api("kemlu_reviewer")`` Kemlu's reviewer as an API user.
They are the demo accounts of that instansi (``sikd.demo.accounts``: same e-mail addresses,
password :data:`TEST_PASSWORD`), so the people who play a demo story (``cooperation_at``) and the
people a test acts with are the same. Created on first use in a test, then reused in that test.
"""

from __future__ import annotations

from typing import Any

import pytest

from .api import ApiUser
from .fixtures import TEST_PASSWORD


class Cast:
    """The users of one instansi, one per role allowed on it (``workflow.roles.ROLES``)."""

    def __init__(self, code: str, users: dict[str, Any], client: Any) -> None:
        self.code = code
        self.users = users
        self._client = client
        self._api: dict[str, ApiUser] = {}

    @property
    def roles(self) -> tuple[str, ...]:
        return tuple(self.users)

    def __getitem__(self, role: str) -> Any:
        try:
            return self.users[role]
        except KeyError:
            raise KeyError(
                f"{self.code} has no {role!r}; roles here: {', '.join(self.users)}"
            ) from None

    def __getattr__(self, role: str) -> Any:
        users = self.__dict__.get("users") or {}
        if role not in users:
            raise AttributeError(
                f"{self.__dict__.get('code')} has no {role!r}; roles: {list(users)}"
            )
        return users[role]

    def api(self, role: str) -> ApiUser:
        """The user of ``role`` signed in to the JSON API (a bearer token of their own)."""
        if role not in self._api:
            self._api[role] = ApiUser(self._client, self[role], TEST_PASSWORD)
        return self._api[role]


def cast_of(code: str, client: Any = None) -> Cast:
    """Create (when missing) and load the demo accounts of ``code``, in an app context."""
    from sqlalchemy import select

    from sikd.accounts.models import User
    from sikd.core.extensions import db
    from sikd.demo.accounts import UNIT_BY_TENANT, demo_email, ensure_daerah_accounts
    from sikd.tenancy.scope import system_scope
    from sikd.tenancy.services import get_tenant
    from sikd.workflow.roles import ROLES

    tenant = get_tenant(code)
    assert tenant is not None, f"tenant {code} not synced"
    ensure_daerah_accounts(code, UNIT_BY_TENANT.get(code, "Dinas Uji"), TEST_PASSWORD)
    roles = [r.code for r in ROLES.values() if r.allowed_on(tenant.kind, tenant.code)]
    emails = {demo_email(code, role): role for role in roles}
    with system_scope():
        found = db.session.scalars(select(User).where(User.email.in_(emails))).all()
        db.session.commit()
    by_role = {emails[u.email]: u for u in found}
    return Cast(code, {role: by_role[role] for role in roles}, client)


@pytest.fixture
def cast(app_ctx, client):
    """``cast(code)``: the :class:`Cast` of that instansi, made once per test."""
    made: dict[str, Cast] = {}

    def _cast(code: str) -> Cast:
        if code not in made:
            made[code] = cast_of(code, client)
        return made[code]

    return _cast
