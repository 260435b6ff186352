"""Security headers on every answer (Flask-Talisman), and who may keep a copy of it.

Found by the outside test: no Content-Security-Policy, no framing protection, no nosniff, no
Referrer-Policy, no HSTS, and authenticated pages cacheable by a shared computer or proxy.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from sikd.rules import effective_rulebook
from sikd.testing import TEST_PASSWORD, ApiUser, login
from sikd.testing.journeys import SISTER_CITY

TEMPLATES = Path(__file__).resolve().parents[2] / "platform" / "sikd"


def csp(response) -> dict[str, str]:
    header = response.headers.get("Content-Security-Policy", "")
    return {
        part.split(" ", 1)[0]: part.split(" ", 1)[1] if " " in part else ""
        for part in (p.strip() for p in header.split(";"))
        if part
    }


def assert_protected(response) -> None:
    policy = csp(response)
    assert policy["script-src"] == "'self'"  # no inline script, no other origin
    assert policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert "geolocation=()" in response.headers["Permissions-Policy"]


def test_login_page_is_protected_and_not_stored(client):
    response = client.get("/masuk")
    assert response.status_code == 200
    assert_protected(response)
    assert response.headers["Cache-Control"] == "no-store"  # it carries a CSRF token
    assert "Strict-Transport-Security" not in response.headers  # not in development or test


def test_authenticated_pages_are_protected_and_not_stored(client, make_user):
    user = make_user("32.75", ["tkksd"])
    assert login(client, user.email).status_code == 302
    for path in ("/beranda", "/kerja-sama", "/notifikasi"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert_protected(response)
        assert response.headers["Cache-Control"] == "no-store", path


def test_api_answers_and_api_errors_are_not_stored(client, make_user):
    tkksd = ApiUser(client, make_user("32.75", ["tkksd"]), TEST_PASSWORD)
    for response in (tkksd.get("/api/v1/cooperations"), tkksd.get("/api/v1/cooperations/999999")):
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get("/api/v1/cooperations").headers["Cache-Control"] == "no-store"  # 401


def test_static_assets_keep_their_week_long_cache(client):
    for path in ("/static/sikd.css", "/bootstrap/static/css/bootstrap.min.css"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "max-age=604800" in response.headers["Cache-Control"], path
        assert "no-store" not in response.headers["Cache-Control"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_downloads_carry_nosniff_and_are_not_stored(app, client, make_user, tmp_path):
    """With the embedded default (no S3) the file streams through the app: the browser must take
    it as the declared type, never sniff an uploaded file into HTML or script."""
    from sikd.core.storage_local import LocalStorage

    tkksd = ApiUser(client, make_user("32.75", ["tkksd"]), TEST_PASSWORD)
    cid = tkksd.post("/api/v1/cooperations", json=SISTER_CITY).get_json()["id"]
    kinds = effective_rulebook("32.75").as_dict()["document_kinds"]
    s3 = app.extensions["sikd_storage"]
    app.extensions["sikd_storage"] = LocalStorage(tmp_path)
    try:
        up = tkksd.upload(cid, "kajian", kinds, date.today())
        assert up.status_code == 201, up.get_json()
        response = tkksd.get(up.get_json()["versions"][0]["download"])
        assert response.status_code == 200
        assert response.data.startswith(b"%PDF")
    finally:
        app.extensions["sikd_storage"] = s3
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"].startswith("attachment")


def test_hsts_outside_development(settings):
    from sikd import create_app

    production = create_app(replace(settings, env="production"))
    over_tls = production.test_client().get("/masuk", base_url="https://sikd.example.go.id")
    hsts = over_tls.headers["Strict-Transport-Security"]
    assert int(re.match(r"max-age=(\d+)", hsts).group(1)) >= 365 * 24 * 3600  # a year at least
    assert_protected(over_tls)
    behind_proxy = production.test_client().get("/masuk", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" in behind_proxy.headers
    development = create_app(replace(settings, env="development"))
    local = development.test_client().get("/masuk", base_url="https://localhost")
    assert "Strict-Transport-Security" not in local.headers


def test_api_docs_page_alone_may_run_the_swagger_ui_script(client):
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    policy = csp(docs)
    # its starter script is inline; its bundle comes from this app (nothing from the internet)
    assert policy["script-src"].split() == ["'self'", "'unsafe-inline'"]
    assert policy["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in csp(client.get("/masuk")).get("script-src", "")


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "inline event handler"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def test_letter_preview_is_framed_by_this_site_only_and_runs_no_script(client, make_user):
    admin = make_user("32.75", ["tenant_admin"])
    assert login(client, admin.email).status_code == 302
    page = client.get("/pengaturan/kop-surat")
    assert page.status_code == 200
    assert_protected(page)
    preview = client.get("/pengaturan/kop-surat/pratinjau")
    assert preview.status_code == 200 and "<style>" in preview.get_data(True)
    policy = csp(preview)
    assert (
        policy["frame-ancestors"] == "'self'" and preview.headers["X-Frame-Options"] == "SAMEORIGIN"
    )
    assert policy["default-src"] == "'none'" and "script-src" not in policy  # no script at all
    assert preview.headers["Cache-Control"] == "no-store"


def browser_templates() -> list[Path]:
    """Every page template; letters/ are printed to PDF (shown only in the framed preview)."""
    return sorted(
        p for p in TEMPLATES.glob("**/templates/**/*.html") if "letters" not in p.parent.parts
    )


@pytest.mark.parametrize(
    "template",
    browser_templates(),
    ids=lambda p: str(p.relative_to(TEMPLATES)),
)
def test_templates_need_nothing_the_policy_forbids(template):
    text = template.read_text(encoding="utf-8")
    found = [what for pattern, what in INLINE if pattern.search(text)]
    assert not found, f"{template.name}: {found}; move it to a file under static/"
