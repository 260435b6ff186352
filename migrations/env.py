"""Alembic environment: migrations run as the table owner (SIKD_DATABASE_OWNER_URL)."""

from __future__ import annotations

import logging

from alembic import context
from flask import current_app
from sqlalchemy import create_engine, pool

config = context.config
logger = logging.getLogger("alembic.env")

settings = current_app.config["SIKD_SETTINGS"]
owner_url = settings.database_owner_url or settings.database_url
target_metadata = current_app.extensions["migrate"].db.metadata


def run_migrations_offline() -> None:
    context.configure(url=owner_url, target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = create_engine(owner_url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata, compare_type=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
