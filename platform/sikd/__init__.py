"""SIKD — Sistem Informasi Kerja Sama Daerah."""

from __future__ import annotations

from flask import Flask

from sikd.core.config import Settings, load_settings


def create_app(settings: Settings | None = None, **overrides: object) -> Flask:
    settings = settings or load_settings()
    if settings.database_url is None:
        raise RuntimeError(
            "SIKD_DATABASE_URL belum diisi. Jalankan lewat `make run` (basis data tertanam) "
            "atau isi SIKD_DATABASE_URL."
        )
    app = Flask(__name__, template_folder="web/templates", static_folder="web/static")
    from sikd.core.api import IdConverter

    app.url_map.converters["int"] = IdConverter  # every <int:id> 404s outside PostgreSQL's range
    app.config.update(_flask_config(settings))
    app.config.update(overrides)
    _init_extensions(app)

    from sikd import models  # noqa: F401  (register every table on the metadata)
    from sikd.accounts.views import init_login
    from sikd.core.api import init_api
    from sikd.core.errors import register_error_handlers
    from sikd.core.jobs import init_queues
    from sikd.core.security import init_security
    from sikd.core.storage import init_storage
    from sikd.documents.api import follow_download_link

    init_login(app)
    for bp in _page_blueprints():
        app.register_blueprint(bp)
    register_error_handlers(app)
    init_storage(app)
    init_api(app, _api_blueprints())
    app.add_url_rule("/unduh/<token>", "download_link", follow_download_link)
    init_queues(app)
    init_security(app)  # last: the API's docs page gets its own policy
    return app


def _flask_config(settings: Settings) -> dict[str, object]:
    pgbouncer = {"connect_args": {"prepare_threshold": None}} if settings.database_pgbouncer else {}
    return {
        "SIKD_SETTINGS": settings,
        "SECRET_KEY": settings.secret_key,
        "SQLALCHEMY_DATABASE_URI": settings.database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, **pgbouncer},
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": settings.session_cookie_secure,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SECURE": settings.session_cookie_secure,
        "WTF_CSRF_TIME_LIMIT": None,
        # CSRF is checked in accounts.views, where bearer API calls are exempt
        "WTF_CSRF_CHECK_DEFAULT": False,
        "BOOTSTRAP_SERVE_LOCAL": True,
        "MAX_CONTENT_LENGTH": settings.upload_max_bytes + 1024 * 1024,
        "RATELIMIT_STORAGE_URI": _limits_storage_uri(settings.redis_url),
        "RATELIMIT_STRATEGY": "moving-window",
        "TESTING": settings.env == "test",
    }


def _init_extensions(app: Flask) -> None:
    from sikd.core import query_count
    from sikd.core.extensions import bootstrap, compress, csrf, db, limiter, login_manager, migrate
    from sikd.core.read_only import commit_if_read_only

    db.init_app(app)
    migrate.init_app(app, db, directory=str(settings_migrations_dir()))
    csrf.init_app(app)
    limiter.init_app(app)
    bootstrap.init_app(app)
    compress.init_app(app)  # gzip/brotli for HTML, CSS and JSON: officials on slow connections
    if app.config["SEND_FILE_MAX_AGE_DEFAULT"] is None:  # Flask's default None means no-cache
        app.config["SEND_FILE_MAX_AGE_DEFAULT"] = 7 * 24 * 3600  # assets: fetched once a week
    login_manager.init_app(app)
    query_count.init_app(app)  # X-Query-Count for the page benchmark, off unless asked for

    @app.after_request
    def _let_assets_be_compressed(response):
        # Static files are sent as file streams, which compression passes by; ours are small
        # (Bootstrap's CSS is the largest, 230 KB), so read them and let gzip shrink them ~6x.
        if response.is_streamed and response.mimetype in ("text/css", "text/javascript"):
            response.direct_passthrough = False
            response.set_data(response.get_data())
        return response

    keeps_prepared = not app.config["SIKD_SETTINGS"].database_pgbouncer

    @app.teardown_request
    def _end_session(exc: BaseException | None) -> None:
        # A request that only read commits, so its connection keeps its prepared statements
        # (sikd.core.read_only). Every request gets a session of its own, even when a caller
        # (a test, a script) keeps one app context open across requests.
        try:
            if exc is None and keeps_prepared:
                commit_if_read_only(db.session())
        finally:
            db.session.remove()


def _page_blueprints() -> list:
    """Each feature's pages; importing a feature's page modules registers their routes."""
    from sikd.accounts import pages as _account_pages  # noqa: F401
    from sikd.accounts.admin import bp as account_admin
    from sikd.accounts.views import bp as accounts
    from sikd.cooperations import (  # noqa: F401
        approvals,
        dispute_pages,
        domestic_pages,
        monitoring_pages,
        queues,
        views,
        wizard,
    )
    from sikd.cooperations.pages import bp as cooperations
    from sikd.core.health import bp as health
    from sikd.documents import package_views  # noqa: F401
    from sikd.documents.letterhead_views import bp as letterhead
    from sikd.documents.publication import bp as public_documents
    from sikd.documents.views import bp as documents
    from sikd.notifications.views import bp as notifications
    from sikd.pemetaan.views import bp as pemetaan
    from sikd.register.public import bp as public_register
    from sikd.register.views import bp as register
    from sikd.rules import editor_views  # noqa: F401
    from sikd.rules.views import bp as rules
    from sikd.web.views import bp as web

    return [
        *(accounts, account_admin, health, web, cooperations, documents, rules, notifications),
        *(letterhead, register, public_register, public_documents, pemetaan),
    ]


def _api_blueprints() -> list:
    from sikd.accounts.api import blp as auth
    from sikd.cooperations.api import blp as cooperations
    from sikd.cooperations.dispute_api import blp as perselisihan
    from sikd.cooperations.domestic_api import blp as domestic
    from sikd.cooperations.monitoring_api import blp as pengawasan
    from sikd.cooperations.schedule_api import blp as jadwal
    from sikd.documents.api import blp as documents
    from sikd.documents.signing_api import blp as signatures
    from sikd.notifications.api import blp as notifications
    from sikd.pemetaan.api import blp as pemetaan
    from sikd.rules.api import blp as rules

    return [
        *(auth, cooperations, jadwal, domestic, pengawasan, pemetaan, documents, rules),
        perselisihan,
        *(notifications, signatures),
    ]


def _limits_storage_uri(redis_url: str | None) -> str:
    """The rate limiter shares Redis; its library spells a Unix socket ``redis+unix://``."""
    if redis_url is None:
        return "memory://"
    if redis_url.startswith("unix://"):
        return "redis+unix://" + redis_url[len("unix://") :]
    return redis_url


def settings_migrations_dir():
    from sikd.core.config import REPO_ROOT

    return REPO_ROOT / "migrations"
