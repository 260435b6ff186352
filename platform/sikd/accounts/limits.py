"""Limits on failed sign-ins, shared by the web login form and ``POST /api/v1/auth/tokens``.

Three counters, each counting only *failed* attempts (a view sets ``g.login_failed``):

* per account and address (5 per 15 minutes): guessing one user's password;
* per address (``SIKD_LOGIN_FAILURES_PER_IP``, default 30 per 15 minutes): one machine trying
  one password against many e-mails (spraying); a whole office behind one NAT still has room
  for typos;
* global (``SIKD_LOGIN_FAILURES_GLOBAL``, default 1000 per 15 minutes): spraying from many
  addresses. When it trips every sign-in waits, which is the price of not letting a botnet
  try a password on every account; operators see it in the 429 rate.

Once a counter is full, even the right password waits (the answer is 429 with an Indonesian
sentence that says how long). The limits live in Redis with the moving-window strategy.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app, g, request
from limits import parse

from sikd.core.extensions import limiter

ACCOUNT_LIMIT = "5 per 15 minutes"

_UNITS = {"second": "detik", "minute": "menit", "hour": "jam", "day": "hari"}


def wait_text(limit: str) -> str:
    """``"5 per 15 minutes"`` → ``"15 menit"``: how long the window is, in Indonesian."""
    item = parse(limit)
    unit = _UNITS.get(item.GRANULARITY.name, item.GRANULARITY.name)
    return f"{item.multiples} {unit}"


def per_ip_limit() -> str:
    settings = current_app.config["SIKD_SETTINGS"]
    return current_app.config.get("SIKD_LOGIN_FAILURES_PER_IP", settings.login_failures_per_ip)


def global_limit() -> str:
    settings = current_app.config["SIKD_SETTINGS"]
    return current_app.config.get("SIKD_LOGIN_FAILURES_GLOBAL", settings.login_failures_global)


def _failed(_response) -> bool:
    return bool(g.get("login_failed"))


def _address() -> str:
    return f"ip:{request.remote_addr or 'unknown'}"


def account_message() -> str:
    return (
        "Terlalu banyak percobaan masuk yang gagal untuk akun ini. "
        f"Tunggu {wait_text(ACCOUNT_LIMIT)} lalu coba lagi. Bila Anda lupa kata sandi, minta "
        "administrator instansi Anda membuat tautan atur ulang kata sandi."
    )


def address_message() -> str:
    return (
        "Terlalu banyak percobaan masuk yang gagal dari jaringan Anda. "
        f"Tunggu {wait_text(per_ip_limit())} lalu coba lagi. Bila Anda lupa kata sandi, minta "
        "administrator instansi Anda membuat tautan atur ulang kata sandi."
    )


def global_message() -> str:
    return (
        "SIKD sedang membatasi percobaan masuk karena terlalu banyak kegagalan dalam waktu "
        f"singkat. Tunggu {wait_text(global_limit())} lalu coba lagi; bila mendesak, hubungi "
        "operator platform."
    )


def login_limits(account_key: Callable[[], str]) -> list[Callable]:
    """The decorators for a sign-in view: account, address, global. ``account_key`` names the
    account-and-address counter (the web form and the API read the e-mail differently)."""
    return [
        limiter.limit(
            ACCOUNT_LIMIT,
            key_func=account_key,
            methods=["POST"],
            deduct_when=_failed,
            error_message=account_message,
        ),
        limiter.shared_limit(
            per_ip_limit,
            scope="login-failures-ip",
            key_func=_address,
            methods=["POST"],
            deduct_when=_failed,
            error_message=address_message,
        ),
        limiter.shared_limit(
            global_limit,
            scope="login-failures-all",
            key_func=lambda: "all",
            methods=["POST"],
            deduct_when=_failed,
            error_message=global_message,
        ),
    ]


# --- the current password on the change form ------------------------------------------------

CHANGE_FORM_LIMIT = "5 per 15 minutes"


def password_change_blocked(user_id: int) -> bool:
    """Wrong current passwords on the change form count too: a stolen session must not
    become a way to guess the password."""
    return not limiter.limiter.test(parse(CHANGE_FORM_LIMIT), "password-change", str(user_id))


def password_change_failed(user_id: int) -> None:
    limiter.limiter.hit(parse(CHANGE_FORM_LIMIT), "password-change", str(user_id))


def password_change_message() -> str:
    return (
        "Terlalu banyak percobaan dengan kata sandi saat ini yang salah. "
        f"Tunggu {wait_text(CHANGE_FORM_LIMIT)} lalu coba lagi."
    )
