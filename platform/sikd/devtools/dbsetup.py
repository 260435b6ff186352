"""Creates the two database roles and the database, given an administrator connection.

- ``sikd_owner`` owns every table; migrations run as it.
- ``sikd_app`` is what the web app and workers connect as. It owns no table, so PostgreSQL's
  row-level security (ENABLE + FORCE) applies to it with no exception.
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

OWNER_ROLE = "sikd_owner"
APP_ROLE = "sikd_app"


@dataclass(frozen=True)
class DatabaseUrls:
    app: str
    owner: str


def _psycopg_dsn(url: str) -> str:
    u = make_url(url).set(drivername="postgresql")
    return u.render_as_string(hide_password=False)


def _with(url: str, *, user: str, database: str, password: str | None = None) -> str:
    u = make_url(url).set(
        drivername="postgresql+psycopg", username=user, database=database, password=password
    )
    return u.render_as_string(hide_password=False)


def ensure_database(admin_url: str, database: str, *, drop_first: bool = False) -> DatabaseUrls:
    """Idempotently create roles and ``database``; return the app and owner URLs."""
    with psycopg.connect(_psycopg_dsn(admin_url), autocommit=True) as conn:
        for role in (OWNER_ROLE, APP_ROLE):
            exists = conn.execute("select 1 from pg_roles where rolname = %s", (role,)).fetchone()
            if not exists:
                conn.execute(
                    sql.SQL("create role {} login nosuperuser nobypassrls").format(
                        sql.Identifier(role)
                    )
                )
        if drop_first:
            conn.execute(
                sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(database))
            )
        exists = conn.execute(
            "select 1 from pg_database where datname = %s", (database,)
        ).fetchone()
        if not exists:
            conn.execute(
                sql.SQL("create database {} owner {}").format(
                    sql.Identifier(database), sql.Identifier(OWNER_ROLE)
                )
            )
    db_admin = make_url(admin_url).set(database=database).render_as_string(hide_password=False)
    with psycopg.connect(_psycopg_dsn(db_admin), autocommit=True) as conn:
        conn.execute(sql.SQL("alter schema public owner to {}").format(sql.Identifier(OWNER_ROLE)))
        conn.execute(
            sql.SQL("grant connect on database {} to {}").format(
                sql.Identifier(database), sql.Identifier(APP_ROLE)
            )
        )
        conn.execute(sql.SQL("grant usage on schema public to {}").format(sql.Identifier(APP_ROLE)))
        conn.execute(
            sql.SQL(
                "alter default privileges for role {} in schema public "
                "grant select, insert, update, delete on tables to {}"
            ).format(sql.Identifier(OWNER_ROLE), sql.Identifier(APP_ROLE))
        )
        conn.execute(
            sql.SQL(
                "alter default privileges for role {} in schema public grant usage, select on sequences to {}"
            ).format(sql.Identifier(OWNER_ROLE), sql.Identifier(APP_ROLE))
        )
    return DatabaseUrls(
        app=_with(admin_url, user=APP_ROLE, database=database),
        owner=_with(admin_url, user=OWNER_ROLE, database=database),
    )


def drop_database(admin_url: str, database: str) -> None:
    with psycopg.connect(_psycopg_dsn(admin_url), autocommit=True) as conn:
        conn.execute(
            sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(database))
        )
