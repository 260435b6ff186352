"""HTTP security headers (Flask-Talisman) and who may keep a copy of an answer.

Pages carry no inline script, inline event handler or ``style`` attribute, so the policy allows
scripts and styles from this site only. The one exception is the API's Swagger UI page
(``/api/v1/docs``), which is the library's own page: it loads its bundle from
``OPENAPI_SWAGGER_UI_URL`` (served by this app from the swagger-ui-bundle package) and starts it
with an inline script, so that page alone may run inline script. The letter preview (:func:`framed_preview`) is a letter as printed, with its own
stylesheet: it may be framed by this site only, and runs no script. Static assets keep their week-long cache; every other answer — pages, API
answers, downloads — is ``no-store``, so a shared computer or proxy keeps no copy.
"""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlsplit

from flask import Flask, Response, request
from flask_talisman import Talisman

CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",  # Bootstrap draws its form icons as data: SVG
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
PERMISSIONS = dict.fromkeys(
    ("camera", "microphone", "geolocation", "payment", "usb", "interest-cohort", "browsing-topics"),
    "()",
)
SWAGGER_UI_ENDPOINT = "api-docs.openapi_swagger_ui"
PREVIEW_CSP = {  # a letter as printed: its own stylesheet and a data: logo, never a script
    "default-src": "'none'",
    "style-src": "'unsafe-inline'",
    "img-src": "data:",
    "frame-ancestors": "'self'",
    "base-uri": "'none'",
    "form-action": "'none'",
}


class _Talisman(Talisman):
    def _set_referrer_policy_headers(self, headers) -> None:
        # A page may ask for a stricter policy (the password-reset form: no-referrer, its URL
        # is the secret); keep it.
        headers.setdefault("Referrer-Policy", self.referrer_policy)


def init_security(app: Flask) -> None:
    """Call last in ``create_app``: the Swagger UI view must exist to get its own policy."""
    settings = app.config["SIKD_SETTINGS"]
    # One Talisman per app: it keeps its options on itself, and tests build several apps.
    talisman = app.extensions["talisman"] = _Talisman()
    talisman.init_app(
        app,
        content_security_policy=CSP,
        frame_options="DENY",
        permissions_policy=PERMISSIONS,
        referrer_policy="same-origin",  # download links carry a token in their path
        force_https=False,  # TLS ends at the reverse proxy, which redirects; health checks use http
        strict_transport_security=settings.is_production_like,
        session_cookie_secure=settings.session_cookie_secure,
        session_cookie_samesite="Lax",
        x_content_type_options=True,
    )
    _loosen_swagger_ui(app, talisman)

    @app.after_request
    def _no_store(response: Response) -> Response:
        endpoint = request.endpoint or ""
        # static files, and public pages that say so themselves (the public register), may be kept
        if (
            endpoint != "static"
            and not endpoint.endswith(".static")
            and not (response.cache_control.public)
        ):
            response.headers["Cache-Control"] = "no-store"
        return response


def framed_preview(view):
    """For a document shown inside one of our pages (the letter preview): framed by this site
    only, with the letter's own inline stylesheet, and no script at all."""
    view.talisman_view_options = {
        "frame_options": "SAMEORIGIN",
        "content_security_policy": PREVIEW_CSP,
    }
    return view


def _loosen_swagger_ui(app: Flask, talisman: Talisman) -> None:
    view = app.view_functions.get(SWAGGER_UI_ENDPOINT)
    if view is None:
        return
    parts = urlsplit(app.config.get("OPENAPI_SWAGGER_UI_URL") or "")
    cdn = f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""
    policy = dict(CSP)
    policy["script-src"] = f"'self' 'unsafe-inline' {cdn}".strip()
    policy["style-src"] = f"'self' {cdn}".strip()

    @wraps(view)
    def swagger_ui(*args, **kwargs):
        return view(*args, **kwargs)

    app.view_functions[SWAGGER_UI_ENDPOINT] = talisman(content_security_policy=policy)(swagger_ui)
