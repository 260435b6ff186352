"""Shared by the national-scale seed and the page benchmark: where the bench database lives,
the settings the app runs with against it, and the accounts the benchmark logs in as."""

from __future__ import annotations

import os
import sys
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
for _p in (REPO / "platform", REPO / "workers"):
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))

BENCH_PASSWORD = "bench-kata-sandi-123"  # noqa: S105 - bench-only accounts
SEED_MARK = "sikd bench seed 2"  # 2: monitoring rounds, kepala daerah and tim accounts

# (tenant code, e-mail, roles, unit): the accounts the benchmark logs in as; they are created
# through the app (argon2 hash, audited on their tenant's chain) after the bulk load.
BENCH_USERS = [
    ("32.75", "tkksd@bekasikota.bench", ["tkksd"], None),
    ("32.75", "opd@bekasikota.bench", ["opd"], "Dinas Perumahan dan Permukiman"),
    ("32.75", "kd@bekasikota.bench", ["kepala_daerah"], None),
    ("32.75", "tim@bekasikota.bench", ["tim_pengawasan"], None),
    ("32", "gubernur@jabarprov.bench", ["gubernur_verifier"], None),
    ("KEMENDAGRI", "sekjen@kemendagri.bench", ["sekjen_verifier", "sekjen_leader"], None),
    ("KEMLU", "penelaah@kemlu.bench", ["kemlu_reviewer"], None),
]


def admin_url() -> str:
    return os.environ.get(
        "SIKD_BENCH_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )


def scale_tag(scale: float) -> str:
    return f"{scale:g}".replace(".", "_").replace("-", "m")


def database_name(scale: float) -> str:
    """``sikd_bench_<scale>``, or ``SIKD_BENCH_DATABASE`` (e.g. a copy made with
    ``create database … template sikd_bench_1``, commented as seeded)."""
    return os.environ.get("SIKD_BENCH_DATABASE") or f"sikd_bench_{scale_tag(scale)}"


def database_urls(scale: float):
    """App (``sikd_app``) and owner (``sikd_owner``) URLs of the bench database (no creation)."""
    from sqlalchemy.engine import make_url

    from sikd.devtools.dbsetup import APP_ROLE, OWNER_ROLE, DatabaseUrls

    base = make_url(admin_url()).set(drivername="postgresql+psycopg", database=database_name(scale))
    return DatabaseUrls(
        app=base.set(username=APP_ROLE, password=None).render_as_string(hide_password=False),
        owner=base.set(username=OWNER_ROLE, password=None).render_as_string(hide_password=False),
    )


def seeded_comment(scale: float) -> str:
    return f"{SEED_MARK} scale={scale:g} complete"


def is_seeded(scale: float) -> bool:
    import psycopg

    from sikd.devtools.dbsetup import _psycopg_dsn

    with psycopg.connect(_psycopg_dsn(admin_url()), autocommit=True) as conn:
        row = conn.execute(
            "select shobj_description(oid, 'pg_database') from pg_database where datname = %s",
            (database_name(scale),),
        ).fetchone()
    return bool(row and row[0] == seeded_comment(scale))


def claim_redis_db(base: str = "redis://127.0.0.1:6379") -> int:
    """A Redis database of our own, claimed the way the test harness claims one."""
    from redis import Redis

    r = Redis.from_url(f"{base}/0")
    for index in range(15, 0, -1):
        if r.set(f"sikd:test-db:{index}", f"bench-{os.getpid()}", nx=True, ex=3 * 3600):
            return index
    raise RuntimeError("Semua basis data Redis 1–15 sedang dipakai.")


def release_redis_db(index: int, base: str = "redis://127.0.0.1:6379") -> None:
    from redis import Redis

    Redis.from_url(f"{base}/{index}").flushdb()
    Redis.from_url(f"{base}/0").delete(f"sikd:test-db:{index}")


def settings_for(scale: float, redis_url: str, var_dir: Path):
    from sikd.core.config import load_settings

    urls = database_urls(scale)
    base = load_settings({"SIKD_ENV": "production", "SIKD_SECRET_KEY": "bench-" + "x" * 40})
    return replace(
        base,
        session_cookie_secure=False,
        secret_key="bench-" + "x" * 40,
        database_url=urls.app,
        database_owner_url=urls.owner,
        redis_url=redis_url,
        s3_endpoint_url=None,
        var_dir=var_dir,
        storage_dir=var_dir / "objects",
    )


def env_for(scale: float, redis_url: str, var_dir: Path) -> dict[str, str]:
    """Environment variables that make ``sikd.wsgi:app`` (load_settings) serve the bench DB."""
    urls = database_urls(scale)
    return {
        "SIKD_ENV": "production",
        "SIKD_SECRET_KEY": "bench-" + "x" * 40,
        "SIKD_DATABASE_URL": urls.app,
        "SIKD_DATABASE_OWNER_URL": urls.owner,
        "SIKD_REDIS_URL": redis_url,
        "SIKD_VAR_DIR": str(var_dir),
        "SIKD_STORAGE_DIR": str(var_dir / "objects"),
        "SIKD_SESSION_COOKIE_SECURE": "false",
        # the bench reads the public register from one address, faster than a visitor may
        "SIKD_PUBLIC_RATE_LIMIT": "100000 per minute",
    }


def upgrade_schema(scale: float) -> None:
    """A reused seed gets the migrations added since it was seeded (indexes, tables)."""
    import tempfile

    from flask_migrate import upgrade

    from sikd import create_app

    settings = settings_for(scale, "redis://127.0.0.1:6379/0", Path(tempfile.mkdtemp()))
    app = create_app(settings)
    with app.app_context():
        upgrade()
