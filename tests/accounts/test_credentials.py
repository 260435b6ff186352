"""Credentials that end with their reason: password change, admin reset links, deactivation,
token listing and revocation, logout that really ends the session, and limits on failed
sign-ins per address and overall — all through HTTP against the real database and Redis."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from sikd.testing import TEST_PASSWORD

NEW_PASSWORD = "hujan-di-bekasi-2027"
INBOX = "/api/v1/inbox"


# --- helpers ----------------------------------------------------------------------------------


def _csrf(page) -> str:
    match = re.search(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"', page.get_data(True))
    assert match, "page has no CSRF token"
    return match.group(1)


def web_login(client, email, password=TEST_PASSWORD, ip="127.0.0.1"):
    env = {"REMOTE_ADDR": ip}
    token = _csrf(client.get("/masuk", environ_base=env))
    return client.post(
        "/masuk",
        data={"email": email, "password": password, "csrf_token": token},
        environ_base=env,
    )


def post_form(client, path, data=None, page="/beranda"):
    """A form POST the way the browser sends it: with the CSRF token of a page."""
    token = _csrf(client.get(page))
    return client.post(path, data={**(data or {}), "csrf_token": token})


def api_token(client, email, password=TEST_PASSWORD, ip="127.0.0.1"):
    response = client.post(
        "/api/v1/auth/tokens",
        json={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": ip},
    )
    return response


def bearer(raw):
    return {"Authorization": f"Bearer {raw}"}


def audit_actions(app, tenant_id):
    from sikd.audit.models import AuditEntry
    from sikd.audit.services import verify_chain
    from sikd.core.extensions import db
    from sikd.tenancy.scope import system_scope

    with app.app_context(), system_scope():
        assert verify_chain(tenant_id).ok
        return list(
            db.session.scalars(
                select(AuditEntry.action)
                .where(AuditEntry.tenant_id == tenant_id)
                .order_by(AuditEntry.seq)
            )
        )


def inbox(app, raw) -> int:
    """The API with only the bearer token (a cookie-less client: a session would win)."""
    return app.test_client().get(INBOX, headers=bearer(raw)).status_code


def signed_in(client) -> bool:
    return client.get("/beranda").status_code == 200


# --- change password --------------------------------------------------------------------------


def test_password_change_keeps_this_browser_and_ends_every_other_session_and_token(app, make_user):
    user = make_user("32.75", ["tkksd"])
    here, elsewhere = app.test_client(), app.test_client()
    assert web_login(here, user.email).status_code == 302
    assert web_login(elsewhere, user.email).status_code == 302
    raw = api_token(here, user.email).get_json()["token"]
    assert inbox(app, raw) == 200

    wrong = post_form(
        here,
        "/akun/kata-sandi",
        {
            "current_password": "bukan-ini-123",
            "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
        },
        page="/akun/kata-sandi",
    )
    assert wrong.status_code == 422
    assert "Kata sandi saat ini salah" in wrong.get_data(True)
    weak = post_form(
        here,
        "/akun/kata-sandi",
        {
            "current_password": TEST_PASSWORD,
            "new_password": "password123",
            "confirm_password": "password123",
        },
        page="/akun/kata-sandi",
    )
    assert weak.status_code == 422 and "terlalu mudah ditebak" in weak.get_data(True)
    mismatch = post_form(
        here,
        "/akun/kata-sandi",
        {
            "current_password": TEST_PASSWORD,
            "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD + "x",
        },
        page="/akun/kata-sandi",
    )
    assert mismatch.status_code == 422 and "tidak sama" in mismatch.get_data(True)
    assert signed_in(elsewhere)  # refusals change nothing

    done = post_form(
        here,
        "/akun/kata-sandi",
        {
            "current_password": TEST_PASSWORD,
            "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
        },
        page="/akun/kata-sandi",
    )
    assert done.status_code == 302
    page = here.get("/akun/kata-sandi").get_data(True)
    assert "Kata sandi Anda sudah diubah" in page and "1 token API dicabut" in page
    assert signed_in(here)
    assert not signed_in(elsewhere)
    assert inbox(app, raw) == 401
    assert web_login(app.test_client(), user.email).status_code == 401  # old password
    assert web_login(app.test_client(), user.email, NEW_PASSWORD).status_code == 302
    assert "user.password_changed" in audit_actions(app, user.tenant_id)


def test_wrong_current_passwords_on_the_change_form_are_limited(app, client, make_user):
    user = make_user("32.75", ["tkksd"])
    web_login(client, user.email)
    form = {"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD}
    for attempt in range(5):
        response = post_form(
            client, "/akun/kata-sandi", {**form, "current_password": f"tebakan-{attempt}-xyz"}
        )
        assert response.status_code == 422
    blocked = post_form(client, "/akun/kata-sandi", {**form, "current_password": TEST_PASSWORD})
    assert blocked.status_code == 429
    assert "Tunggu 15 menit" in blocked.get_data(True)
    assert web_login(app.test_client(), user.email).status_code == 302  # password unchanged


def test_api_password_change_revokes_every_token_including_its_own(app, client, make_user):
    user = make_user("32.75", ["tkksd"])
    raw = api_token(client, user.email).get_json()["token"]
    other = api_token(client, user.email).get_json()["token"]
    wrong = client.post(
        "/api/v1/auth/password",
        json={"current_password": "salah-sekali-99", "new_password": NEW_PASSWORD},
        headers=bearer(raw),
    )
    assert wrong.status_code == 422 and wrong.get_json()["code"] == "wrong_password"
    weak = client.post(
        "/api/v1/auth/password",
        json={"current_password": TEST_PASSWORD, "new_password": "pendek"},
        headers=bearer(raw),
    )
    assert weak.status_code == 422
    assert weak.get_json()["errors"]["new_password"] == ["Kata sandi minimal 10 karakter."]
    ok = client.post(
        "/api/v1/auth/password",
        json={"current_password": TEST_PASSWORD, "new_password": NEW_PASSWORD},
        headers=bearer(raw),
    )
    assert ok.status_code == 200, ok.get_json()
    assert ok.get_json()["tokens_revoked"] == 2
    assert inbox(app, raw) == 401
    assert inbox(app, other) == 401
    assert api_token(client, user.email).status_code == 401
    fresh = api_token(client, user.email, NEW_PASSWORD)
    assert fresh.status_code == 201
    assert client.get(INBOX, headers=bearer(fresh.get_json()["token"])).status_code == 200
    stale = client.post(
        "/api/v1/auth/password",
        json={"current_password": NEW_PASSWORD, "new_password": "lain-lagi-2028"},
        headers=bearer(raw),
    )
    assert stale.status_code == 401


# --- logout -----------------------------------------------------------------------------------


def test_logout_revokes_the_session_so_a_copied_cookie_is_worthless(app, client, make_user):
    user = make_user("32.75", ["tkksd"])
    web_login(client, user.email)
    copied = client.get_cookie("session").value
    assert post_form(client, "/keluar").status_code == 302
    assert not signed_in(client)
    thief = app.test_client()
    thief.set_cookie("session", copied)
    assert thief.get("/beranda").status_code == 302
    assert thief.get(INBOX).status_code == 401
    actions = audit_actions(app, user.tenant_id)
    assert "user.logged_in" in actions and "user.logged_out" in actions


# --- tokens -----------------------------------------------------------------------------------


def test_tokens_are_listed_and_revoked_by_their_owner_only(app, client, make_user):
    user = make_user("32.75", ["tkksd"])
    colleague = make_user("32.75", ["opd"])
    first = api_token(client, user.email).get_json()["token"]
    second = api_token(client, user.email).get_json()["token"]
    theirs = api_token(client, colleague.email).get_json()["token"]

    listed = client.get("/api/v1/auth/tokens", headers=bearer(second)).get_json()["tokens"]
    assert len(listed) == 2 and {t["status"] for t in listed} == {"aktif"}
    current = [t for t in listed if t["current"]]
    assert len(current) == 1
    first_id = next(t["id"] for t in listed if not t["current"])
    their_id = client.get("/api/v1/auth/tokens", headers=bearer(theirs)).get_json()["tokens"][0][
        "id"
    ]

    assert (
        client.delete(f"/api/v1/auth/tokens/{their_id}", headers=bearer(second)).status_code == 404
    )
    assert inbox(app, theirs) == 200
    assert (
        client.delete(f"/api/v1/auth/tokens/{first_id}", headers=bearer(second)).status_code == 204
    )
    assert inbox(app, first) == 401
    assert inbox(app, second) == 200
    statuses = {
        t["id"]: t["status"]
        for t in client.get("/api/v1/auth/tokens", headers=bearer(second)).get_json()["tokens"]
    }
    assert statuses[first_id] == "dicabut"
    assert client.get("/api/v1/auth/tokens").status_code == 401

    # the web page lists them too and revokes with a form
    web_login(client, user.email)
    page = client.get("/akun/token").get_data(True)
    assert f"#{first_id}" in page and "dicabut" in page
    second_id = next(i for i, s in statuses.items() if s == "aktif")
    assert (
        post_form(client, f"/akun/token/{second_id}/cabut", page="/akun/token").status_code == 302
    )
    assert inbox(app, second) == 401
    assert post_form(client, f"/akun/token/{their_id}/cabut", page="/akun/token").status_code == 404
    assert inbox(app, theirs) == 200
    assert audit_actions(app, user.tenant_id).count("token.revoked") == 2


# --- admin: reset link ------------------------------------------------------------------------


def _reset_link(client, user_id) -> str:
    response = post_form(
        client, f"/admin/pengguna/{user_id}/tautan-atur-ulang", page=f"/admin/pengguna/{user_id}"
    )
    assert response.status_code == 201, response.get_data(True)
    url = re.search(r"<code[^>]*>([^<]+)</code>", response.get_data(True)).group(1)
    return url[url.index("/atur-ulang-kata-sandi/") :]


def test_admin_reset_link_sets_a_new_password_once_and_ends_old_credentials(app, make_user):
    admin = make_user("32.75", ["tenant_admin"])
    user = make_user("32.75", ["tkksd"])
    admin_client, user_client, stranger = app.test_client(), app.test_client(), app.test_client()
    web_login(admin_client, admin.email)
    web_login(user_client, user.email)
    raw = api_token(user_client, user.email).get_json()["token"]

    users_page = admin_client.get("/admin/pengguna").get_data(True)
    assert f"/admin/pengguna/{user.id}" in users_page
    first = _reset_link(admin_client, user.id)
    path = _reset_link(admin_client, user.id)  # a newer link cancels the first
    assert stranger.get(first).status_code == 404

    form = stranger.get(path)
    assert form.status_code == 200 and user.email in form.get_data(True)
    assert form.headers["Referrer-Policy"] == "no-referrer"
    weak = stranger.post(
        path,
        data={
            "new_password": user.email,
            "confirm_password": user.email,
            "csrf_token": _csrf(form),
        },
    )
    assert weak.status_code == 422 and "alamat surel" in weak.get_data(True)
    done = stranger.post(
        path,
        data={
            "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
            "csrf_token": _csrf(form),
        },
    )
    assert done.status_code == 302 and done.headers["Location"].endswith("/masuk")
    assert not signed_in(user_client)
    assert inbox(app, raw) == 401
    assert web_login(app.test_client(), user.email, NEW_PASSWORD).status_code == 302

    again = app.test_client().get(path)
    assert again.status_code == 404 and "tidak berlaku" in again.get_data(True)
    actions = audit_actions(app, user.tenant_id)
    assert actions.count("user.password_reset_link_created") == 2
    assert "user.password_reset" in actions


def test_reset_link_expires_after_24_hours(app, make_user):
    from sikd.core.clock import FixedClock

    admin = make_user("32.75", ["tenant_admin"])
    user = make_user("32.75", ["tkksd"])
    client = app.test_client()
    web_login(client, admin.email)
    path = _reset_link(client, user.id)
    start = __import__("sikd.core.clock", fromlist=["now"]).now()
    app.extensions["sikd_clock"] = FixedClock(start + timedelta(hours=24, minutes=1))
    expired = app.test_client().get(path)
    assert expired.status_code == 404 and "kedaluwarsa" in expired.get_data(True)


def test_admin_cannot_reset_or_deactivate_itself_and_other_roles_cannot_at_all(app, make_user):
    admin = make_user("32.75", ["tenant_admin"])
    user = make_user("32.75", ["tkksd"])
    client = app.test_client()
    web_login(client, admin.email)
    own = post_form(client, f"/admin/pengguna/{admin.id}/nonaktifkan")
    assert own.status_code == 422 and "akun Anda sendiri" in own.get_data(True)
    own_link = post_form(client, f"/admin/pengguna/{admin.id}/tautan-atur-ulang")
    assert own_link.status_code == 422

    plain = app.test_client()
    web_login(plain, user.email)
    assert plain.get(f"/admin/pengguna/{admin.id}").status_code == 403
    assert post_form(plain, f"/admin/pengguna/{admin.id}/nonaktifkan").status_code == 403
    assert web_login(app.test_client(), admin.email).status_code == 302  # still active


# --- admin: deactivation ----------------------------------------------------------------------


def test_deactivation_ends_sessions_and_tokens_at_once_and_blocks_login(app, make_user):
    admin = make_user("32.75", ["tenant_admin"])
    user = make_user("32.75", ["tkksd"])
    admin_client, user_client = app.test_client(), app.test_client()
    web_login(admin_client, admin.email)
    web_login(user_client, user.email)
    raw = api_token(user_client, user.email).get_json()["token"]
    assert signed_in(user_client)

    off = post_form(admin_client, f"/admin/pengguna/{user.id}/nonaktifkan")
    assert off.status_code == 302
    page = admin_client.get(off.headers["Location"]).get_data(True)
    assert "1 sesi dan 1 token API langsung dicabut" in page and "nonaktif" in page
    assert not signed_in(user_client)
    assert inbox(app, raw) == 401
    refused = web_login(app.test_client(), user.email)
    assert refused.status_code == 401 and "Akun Anda dinonaktifkan" in refused.get_data(True)
    api_refused = api_token(app.test_client(), user.email)
    assert api_refused.status_code == 401
    assert api_refused.get_json()["code"] == "account_inactive"
    assert web_login(app.test_client(), user.email, "salah-kata-sandi-1").status_code == 401

    assert post_form(admin_client, f"/admin/pengguna/{user.id}/aktifkan").status_code == 302
    assert inbox(app, raw) == 401  # stays dead
    assert web_login(app.test_client(), user.email).status_code == 302
    actions = audit_actions(app, user.tenant_id)
    assert "user.deactivated" in actions and "user.reactivated" in actions


def test_admin_of_another_tenant_gets_404_for_these_users(app, make_user):
    user = make_user("32.75", ["tkksd"])
    surakarta = make_user("33.72", ["tenant_admin"])
    client = app.test_client()
    web_login(client, surakarta.email)
    assert client.get(f"/admin/pengguna/{user.id}").status_code == 404
    for action in ("tautan-atur-ulang", "nonaktifkan", "aktifkan"):
        assert post_form(client, f"/admin/pengguna/{user.id}/{action}").status_code == 404
    assert web_login(app.test_client(), user.email).status_code == 302  # untouched
    assert "user.deactivated" not in audit_actions(app, user.tenant_id)


# --- limits on failed sign-ins ----------------------------------------------------------------


def test_spraying_many_emails_from_one_address_is_limited_on_web_and_api(
    app, make_user, monkeypatch
):
    monkeypatch.setitem(app.config, "SIKD_LOGIN_FAILURES_PER_IP", "4 per 15 minutes")
    user = make_user("32.75", ["tkksd"])
    sprayer = "203.0.113.7"
    for n in range(2):
        assert (
            web_login(
                app.test_client(), f"orang{n}@uji.sikd.id", "Rahasia-2026", sprayer
            ).status_code
            == 401
        )
    for n in range(2, 4):
        assert (
            api_token(
                app.test_client(), f"orang{n}@uji.sikd.id", "Rahasia-2026", sprayer
            ).status_code
            == 401
        )

    blocked = web_login(app.test_client(), user.email, TEST_PASSWORD, sprayer)
    assert blocked.status_code == 429
    text = blocked.get_data(True)
    assert "dari jaringan Anda" in text and "Tunggu 15 menit" in text
    assert "per 15 minute" not in text
    api_blocked = api_token(app.test_client(), user.email, TEST_PASSWORD, sprayer)
    assert api_blocked.status_code == 429
    body = api_blocked.get_json()
    assert body["code"] == "rate_limited" and "dari jaringan Anda" in body["message"]
    assert "Retry-After" in api_blocked.headers
    # another address is not affected
    assert (
        web_login(app.test_client(), user.email, TEST_PASSWORD, "198.51.100.2").status_code == 302
    )


def test_failures_from_many_addresses_trip_the_global_limit(app, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "SIKD_LOGIN_FAILURES_GLOBAL", "3 per 15 minutes")
    user = make_user("32.75", ["tkksd"])
    assert web_login(app.test_client(), user.email, TEST_PASSWORD, "192.0.2.50").status_code == 302
    for n in range(3):
        ip = f"192.0.2.{n + 1}"
        assert (
            web_login(app.test_client(), f"acak{n}@uji.sikd.id", "Rahasia-2026", ip).status_code
            == 401
        )
    blocked = web_login(app.test_client(), user.email, TEST_PASSWORD, "192.0.2.99")
    assert blocked.status_code == 429
    assert "SIKD sedang membatasi percobaan masuk" in blocked.get_data(True)
    api_blocked = api_token(app.test_client(), user.email, TEST_PASSWORD, "192.0.2.98")
    assert api_blocked.status_code == 429
    assert "operator platform" in api_blocked.get_json()["message"]


def test_successful_sign_ins_do_not_count_toward_the_limits(app, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "SIKD_LOGIN_FAILURES_PER_IP", "2 per 15 minutes")
    monkeypatch.setitem(app.config, "SIKD_LOGIN_FAILURES_GLOBAL", "2 per 15 minutes")
    user = make_user("32.75", ["tkksd"])
    for _ in range(4):
        assert web_login(app.test_client(), user.email).status_code == 302
        assert api_token(app.test_client(), user.email).status_code == 201


def test_api_account_limit_answers_in_indonesian(app, client, make_user):
    user = make_user("32.75", ["tkksd"])
    for _ in range(5):
        assert api_token(client, user.email, "tebakan-salah-000").status_code == 401
    blocked = api_token(client, user.email)
    assert blocked.status_code == 429
    body = blocked.get_json()
    assert body["code"] == "rate_limited"
    assert "untuk akun ini" in body["message"] and "Tunggu 15 menit" in body["message"]


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("pendek-1", "minimal 10 karakter"),
        ("aaaaaaaaaaaa", "terlalu mudah ditebak"),
        ("Indonesia123", "terlalu mudah ditebak"),
    ],
)
def test_password_rule_applies_to_new_users_too(tenant, app_ctx, password, message):
    from sikd.accounts.services import AccountError, create_user

    with pytest.raises(AccountError, match=message):
        create_user(tenant("32.75"), "aturan@uji.sikd.id", ["tkksd"], password)
