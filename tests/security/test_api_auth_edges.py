"""Authentication edges: a bearer header authenticates or is refused (it never rides on a
cookie session past CSRF), anonymous API writes are 401, /healthz tells strangers no paths,
TRACE and unknown methods are 405 with ``Allow``."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from sikd.cooperations.models import Cooperation
from sikd.core.extensions import db
from sikd.tenancy.scope import system_scope
from sikd.testing import TEST_PASSWORD, ApiUser, login
from sikd.testing.journeys import SISTER_CITY


def cooperations(app) -> int:
    with app.app_context(), system_scope():
        return db.session.scalar(select(func.count()).select_from(Cooperation))


def test_a_cookie_session_with_a_bogus_bearer_header_is_refused_not_csrf_exempt(
    app, client, make_user
):
    user = make_user("32.75", ["tkksd"])
    assert login(client, user.email).status_code == 302
    forged = client.post(
        "/api/v1/cooperations", json=SISTER_CITY, headers={"Authorization": "Bearer x"}
    )
    assert forged.status_code == 401, forged.get_json()
    assert forged.get_json()["code"] == "invalid_token"
    assert cooperations(app) == 0
    # the same session without the header is held to CSRF, as before
    plain = client.post("/api/v1/cooperations", json=SISTER_CITY)
    assert plain.status_code == 400 and plain.get_json()["code"] == "csrf_failed"
    assert cooperations(app) == 0


def test_a_valid_bearer_token_acts_as_its_own_user_whatever_the_cookie(app, client, make_user):
    walikota = make_user("32.75", ["kepala_daerah"])
    assert login(client, walikota.email).status_code == 302
    tkksd = ApiUser(app.test_client(), make_user("32.75", ["tkksd"]), TEST_PASSWORD)
    created = client.post("/api/v1/cooperations", json=SISTER_CITY, headers=tkksd.headers)
    assert created.status_code == 201, created.get_json()
    tokens = client.get("/api/v1/auth/tokens", headers=tkksd.headers).get_json()["tokens"]
    assert [t["current"] for t in tokens] == [True]  # the token's user, not the session's


def test_a_bad_bearer_header_on_a_page_is_refused(client):
    response = client.get("/beranda", headers={"Authorization": "Bearer kedaluwarsa"})
    assert response.status_code == 401


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/cooperations",
        "/api/v1/notifications/read",
        "/api/v1/rules/variant",
        "/api/v1/auth/password",
        "/api/v1/cooperations/1/actions/lanjut_penjajakan",
    ],
)
def test_anonymous_api_writes_are_401_not_a_csrf_400(client, path):
    response = client.post(path, json={})
    assert response.status_code == 401, response.get_json()
    assert response.get_json()["code"] == "unauthenticated"


def test_healthz_shows_strangers_no_paths_and_the_operator_the_detail(client, make_user):
    anonymous = client.get("/healthz")
    assert anonymous.status_code == 200
    checks = anonymous.get_json()["checks"]
    assert checks["storage"] == {"ok": True}
    assert "http" not in anonymous.get_data(True) and "/" not in str(checks)
    operator = ApiUser(client, make_user("KEMENDAGRI", ["platform_operator"]), TEST_PASSWORD)
    detailed = operator.get("/healthz").get_json()["checks"]
    assert "Bucket" in detailed["storage"]["detail"]


@pytest.mark.parametrize("method", ["TRACE", "PROPFIND", "PATCH"])
def test_trace_and_unknown_methods_are_405_with_allow(client, method):
    api = client.open("/api/v1/cooperations", method=method)
    assert api.status_code == 405
    assert set(api.headers["Allow"].split(", ")) >= {"GET", "POST"}
    assert api.get_json()["code"] == "method_not_allowed"
    page = client.open("/masuk", method=method)
    assert page.status_code == 405 and "GET" in page.headers["Allow"]
