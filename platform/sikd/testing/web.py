"""Officials at the web pages: a logged-in client per person, API users, CSRF, page text."""

from __future__ import annotations

import io
import re

import pytest

from .api import PDF, ApiUser, fill_fields
from .fixtures import TEST_PASSWORD, login
from .journeys import SISTER_CITY

_counter = {"n": 0}


def make_person(app, code: str, roles: list[str], unit: str | None = None, tag: str = "web"):
    """A user made in an app context of its own: the pages' requests then each get theirs, as
    in production (a shared one would share Flask-WTF's cached CSRF token between clients)."""
    from sikd.accounts.services import create_user
    from sikd.tenancy.services import get_tenant

    _counter["n"] += 1
    with app.app_context():
        tenant = get_tenant(code)
        return create_user(
            tenant,
            f"{roles[0].replace('_', '-')}.{tag}{_counter['n']}.{code.replace('.', '')}@uji.sikd.id",
            roles,
            TEST_PASSWORD,
            full_name=f"Uji {roles[0]} {tenant.name}",
            unit=unit or ("Dinas Uji" if "opd" in roles else None),
        )


@pytest.fixture
def web(app):
    """A logged-in browser-like client per person (own cookie jar)."""

    def _web(code: str, roles: list[str], **kw):
        user = make_person(app, code, roles, **kw)
        c = app.test_client()
        assert login(c, user.email).status_code == 302
        c.user = user
        return c

    return _web


@pytest.fixture
def api(app):
    """An API user (bearer token) per person: ``api("32.75", "tkksd").act(...)``."""
    client = app.test_client()

    def _api(code: str, role: str):
        return ApiUser(client, make_person(app, code, [role]), TEST_PASSWORD)

    return _api


def csrf(page: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, "page has no CSRF token"
    return match.group(1)


def text(response) -> str:
    return response.get_data(as_text=True)


def upload_via_form(client, cid: int, kind: str, kinds: dict, token: str):
    """Upload one document through the detail page's form, its contents filled as required."""
    from sikd.core import clock

    values = fill_fields(kinds[kind], clock.now().date())
    data = {f"isi_{k}": "\n".join(v) if isinstance(v, list) else str(v) for k, v in values.items()}
    return client.post(
        f"/kerja-sama/{cid}/dokumen",
        data={
            "csrf_token": token,
            "kind": kind,
            **data,
            "berkas": (io.BytesIO(PDF), f"{kind}.pdf"),
        },
        content_type="multipart/form-data",
    )


def new_coop(api) -> int:
    """A sister-city prakarsa of Kota Bekasi, recorded by its OPD through the API."""
    created = api("32.75", "opd").post("/api/v1/cooperations", json=SISTER_CITY)
    assert created.status_code == 201, created.get_json()
    return created.get_json()["id"]
