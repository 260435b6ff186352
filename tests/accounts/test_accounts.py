"""Accounts, roles per tenant kind, login, CSRF and the login rate limit (DOMAIN.md §1)."""

from __future__ import annotations

import re

import pytest

from sikd.accounts.services import AccountError, authenticate
from sikd.testing import TEST_PASSWORD, login


def test_gubernur_verifier_exists_only_on_provinsi_tenants(make_user):
    assert make_user("32", ["gubernur_verifier"]).roles == ["gubernur_verifier"]
    with pytest.raises(
        AccountError, match="Verifikator Gubernur tidak dapat diberikan pada Kota Bekasi"
    ):
        make_user("32.75", ["gubernur_verifier"])


def test_sekjen_roles_only_at_kemendagri_and_kemlu_reviewer_only_at_kemlu(make_user):
    make_user("KEMENDAGRI", ["sekjen_verifier"])
    make_user("KEMLU", ["kemlu_reviewer"])
    with pytest.raises(AccountError):
        make_user("KEMLU", ["sekjen_verifier"])
    with pytest.raises(AccountError):
        make_user("32", ["kemlu_reviewer"])
    with pytest.raises(AccountError):
        make_user("KEMENDAGRI", ["opd"])


def test_opd_user_must_name_its_perangkat_daerah(tenant, app_ctx):
    from sikd.accounts.services import create_user

    with pytest.raises(AccountError, match="unit perangkat daerah"):
        create_user(tenant("32.75"), "opd@uji.sikd.id", ["opd"], TEST_PASSWORD)


def test_passwords_are_argon2_hashed_and_checked(make_user):
    user = make_user("32.75", ["tkksd"])
    assert user.password_hash.startswith("$argon2")
    assert authenticate(user.email, TEST_PASSWORD).id == user.id
    assert authenticate(user.email, "salah-sekali-123") is None
    assert authenticate("tidak-ada@uji.sikd.id", TEST_PASSWORD) is None


def test_user_creation_is_audited(make_user, tenant, db_session):
    from sikd.audit.services import verify_chain
    from sikd.tenancy.scope import system_scope

    make_user("32.75", ["tkksd"])
    make_user("32.75", ["opd"])
    with system_scope():
        report = verify_chain(tenant("32.75").id)
    assert report.ok and report.entries == 2


def test_login_page_is_indonesian_and_demo_user_sees_tenant_name(client, make_user):
    page = client.get("/masuk").get_data(as_text=True)
    assert 'lang="id"' in page and "Masuk ke SIKD" in page and "Kata sandi" in page
    user = make_user("32.75", ["tkksd"])
    response = login(client, user.email)
    assert response.status_code == 302
    home = client.get("/beranda").get_data(as_text=True)
    assert "Kota Bekasi" in home and "TKKSD" in home


def test_wrong_password_shows_indonesian_message(client, make_user):
    user = make_user("32.75", ["tkksd"])
    response = login(client, user.email, "bukan-kata-sandinya")
    assert response.status_code == 401
    assert "Alamat surel atau kata sandi salah" in response.get_data(as_text=True)


def test_five_wrong_passwords_in_a_row_are_rate_limited(client, make_user):
    user = make_user("32.75", ["tkksd"])
    for _ in range(5):
        assert login(client, user.email, "tebakan-salah-000").status_code == 401
    blocked = login(client, user.email, TEST_PASSWORD)  # even the right password now waits
    assert blocked.status_code == 429
    assert "Terlalu banyak percobaan" in blocked.get_data(as_text=True)


def test_post_without_csrf_token_is_refused(client, make_user):
    user = make_user("32.75", ["tkksd"])
    response = client.post("/masuk", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)
    assert client.get("/beranda").status_code == 302  # still not logged in


def test_logout_requires_csrf_and_ends_the_session(client, make_user):
    user = make_user("32.75", ["tkksd"])
    login(client, user.email)
    assert client.post("/keluar").status_code == 400
    page = client.get("/beranda").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post("/keluar", data={"csrf_token": token}).status_code == 302
    assert client.get("/beranda").status_code == 302


def test_session_cookie_is_httponly(client, make_user):
    user = make_user("32.75", ["tkksd"])
    response = login(client, user.email)
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert cookies and "HttpOnly" in cookies[0] and "SameSite=Lax" in cookies[0]


def test_users_create_cli_generates_a_password(app, cli):
    result = cli(
        "users",
        "create",
        "--tenant",
        "33.72",
        "--role",
        "tkksd",
        "--email",
        "baru@uji.sikd.id",
        "--generate-password",
    )
    assert result.exit_code == 0, result.output
    password = re.search(r"Kata sandi: (\S+)", result.output).group(1)
    with app.app_context():
        assert authenticate("baru@uji.sikd.id", password) is not None
    refused = cli(
        "users",
        "create",
        "--tenant",
        "33.72",
        "--role",
        "gubernur_verifier",
        "--email",
        "x@uji.sikd.id",
        "--generate-password",
    )
    assert refused.exit_code != 0 and "tidak dapat diberikan" in refused.output
