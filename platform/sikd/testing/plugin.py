"""The ``sikd.testing`` pytest plugin: ``pytest_plugins = ["sikd.testing.plugin"]``.

The session needs two fixtures from the repository's ``tests/conftest.py`` (which also has
``cli``, the ``sikd`` command, as that command reaches into devtools): ``services``
(PostgreSQL admin URL and a Redis URL of the session's own, :class:`~.harness.Services`) and
``test_database`` (the URLs of a database of the session's own); they are found or started with
``sikd.devtools``, a layer above this package. Everything else is here:

* the app on real services (:mod:`.harness`): ``moto_s3``, ``settings``, ``app``,
  ``owner_engine``, and the clean-up after every test that touched the app;
* first reaches (:mod:`.fixtures`): ``app_ctx``, ``db_session``, ``tenant``, ``make_user``,
  ``client``; ``kinds`` (:mod:`.journeys`); ``web`` and ``api`` (:mod:`.web`);
* people and cooperations: ``cast`` (:mod:`.cast`), ``cooperation_at`` (:mod:`.stages`);
* ``document_tables`` and ``bekasi`` (Kota Bekasi as the current tenant, :mod:`.documents`);
* ``mail``: an SMTP server that can be down and come back (:mod:`.jobs`);
* ``live_server``, ``browser``, ``person`` and the skip of browser tests without Chromium
  (:mod:`.browser`).
"""

from __future__ import annotations

from .browser import browser, live_server, person, pytest_collection_modifyitems
from .cast import cast
from .documents import bekasi, document_tables
from .fixtures import app_ctx, client, db_session, make_user, tenant
from .harness import _clean_state, app, moto_s3, owner_engine, settings
from .jobs import mail
from .journeys import kinds
from .stages import cooperation_at
from .web import api, web

__all__ = [
    "_clean_state",
    "api",
    "app",
    "app_ctx",
    "bekasi",
    "browser",
    "cast",
    "client",
    "cooperation_at",
    "db_session",
    "document_tables",
    "kinds",
    "live_server",
    "mail",
    "make_user",
    "moto_s3",
    "owner_engine",
    "person",
    "pytest_collection_modifyitems",
    "settings",
    "tenant",
    "web",
]
