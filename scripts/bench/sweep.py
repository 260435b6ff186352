"""Deadline sweep at national scale: transitions per second, statements per transition.

    PYTHONPATH=platform:workers .venv/bin/python scripts/bench/sweep.py --scale 0.1 [--workers 2]

Copies the seeded ``sikd_bench_<scale>`` (``create database … template``, so the page benchmark's
database stays as seeded), then runs ``sweep_deadlines`` as of the seed instant plus
``--days`` with ``--workers`` processes at once (each is a sweeper, as several RQ workers
would be), and reports what they applied: every due deadline once, each transition in its own
transaction with its audit entry. Prints, never asserts; drops the copy at the end.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlib


def _copy_name(scale: float) -> str:
    return f"{benchlib.database_name(scale)}_sweep"


def _admin():
    import psycopg

    from sikd.devtools.dbsetup import _psycopg_dsn

    return psycopg.connect(_psycopg_dsn(benchlib.admin_url()), autocommit=True)


def _app(scale: float, redis_url: str):
    from dataclasses import replace

    from sqlalchemy.engine import make_url

    from sikd import create_app

    settings = benchlib.settings_for(scale, redis_url, Path(tempfile.mkdtemp(prefix="sikd-sw-")))
    copy = _copy_name(scale)
    settings = replace(
        settings,
        database_url=make_url(settings.database_url).set(database=copy).render_as_string(False),
        database_owner_url=make_url(settings.database_owner_url)
        .set(database=copy)
        .render_as_string(False),
    )
    return create_app(settings)


def _worker(scale: float, redis_url: str, now_iso: str, out, profile: str | None = None) -> None:
    from datetime import datetime

    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    from sikd.cooperations.sweep import sweep_deadlines

    seen = {"n": 0}

    def count(*_a, **_k):
        seen["n"] += 1

    event.listen(Engine, "before_cursor_execute", count)
    backends: list[int] = []  # this sweeper's PostgreSQL backends

    def remember_backend(dbapi_connection, _record):
        with dbapi_connection.cursor() as cursor:
            cursor.execute("select pg_backend_pid()")
            backends.append(cursor.fetchone()[0])

    event.listen(Engine, "connect", remember_backend)
    app = _app(scale, redis_url)
    with app.app_context():
        cpu = time.process_time()
        t = time.perf_counter()
        if profile:  # where a sweeper's time goes (pstats), for the first sweeper only
            import cProfile

            with cProfile.Profile() as prof:
                result = sweep_deadlines(datetime.fromisoformat(now_iso))
            prof.dump_stats(profile)
        else:
            result = sweep_deadlines(datetime.fromisoformat(now_iso))
        out.put((len(result.fired), result.obsolete, result.reminders, seen["n"],
                 time.perf_counter() - t, time.process_time() - cpu,
                 _backends_cpu(backends)))  # fmt: skip


def _backends_cpu(pids: list[int]) -> float | None:
    """CPU seconds used by these PostgreSQL backends (still open: the sweeper's pool), read
    from /proc; None when PostgreSQL runs elsewhere. Start-up and the reminders are included,
    autovacuum and the other databases' work are not."""
    total, tick = 0.0, os.sysconf("SC_CLK_TCK")
    for pid in pids:
        try:
            text = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            return None
        fields = text[text.rindex(")") + 2 :].split()
        total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return total


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--days", type=float, default=0, help="sweep as of seed time + days")
    parser.add_argument("--profile", default=None, help="write the first sweeper's cProfile here")
    args = parser.parse_args(argv)
    if not benchlib.is_seeded(args.scale):
        raise SystemExit(f"{benchlib.database_name(args.scale)} belum diisi: jalankan seed.py")
    benchlib.upgrade_schema(args.scale)  # the seed at this branch's head, then copied
    copy = _copy_name(args.scale)
    with _admin() as conn:
        conn.execute(f"drop database if exists {copy} with (force)")
        conn.execute(
            f"create database {copy} template {benchlib.database_name(args.scale)} owner sikd_owner"
        )
    claimed = benchlib.claim_redis_db()
    redis_url = f"redis://127.0.0.1:6379/{claimed}"
    try:
        import psycopg

        from sikd.devtools.dbsetup import _psycopg_dsn

        owner = benchlib.database_urls(args.scale).owner.rsplit("/", 1)[0] + f"/{copy}"
        with psycopg.connect(_psycopg_dsn(owner)) as conn:
            conn.execute("select set_config('sikd.scope', 'system', false)")
            seeded_at = conn.execute("select max(created_at) from cooperations").fetchone()[0]
            now = seeded_at + timedelta(days=args.days, minutes=1)
            due = conn.execute(
                "select count(*) from deadlines where status = 'open' and due_at < %s", (now,)
            ).fetchone()[0]
        print(f"{copy}: {due:,} open deadlines due as of {now:%Y-%m-%d %H:%M}; "
              f"{args.workers} sweeper(s) at once", flush=True)  # fmt: skip
        ctx = multiprocessing.get_context("spawn")
        out = ctx.Queue()
        procs = [
            ctx.Process(
                target=_worker,
                args=(
                    args.scale,
                    redis_url,
                    now.isoformat(),
                    out,
                    args.profile if i == 0 else None,
                ),
            )
            for i in range(args.workers)
        ]
        t = time.perf_counter()
        for p in procs:
            p.start()
        results = [out.get() for _ in procs]
        for p in procs:
            p.join()
        wall = time.perf_counter() - t
        fired = sum(r[0] for r in results)
        statements = sum(r[3] for r in results)
        sweep_s = max(r[4] for r in results)
        print(f"applied {fired:,} transitions ({sum(r[1] for r in results):,} obsolete, "
              f"{sum(r[2] for r in results):,} reminders) in {sweep_s:.1f} s of sweeping "
              f"({wall:.1f} s with start-up): {fired / sweep_s:,.0f} transitions/s, "
              f"{statements / max(fired, 1):.1f} statements per transition "
              f"(reminders and the rollup included)")  # fmt: skip
        for i, r in enumerate(results):
            backend = f", its PostgreSQL backend {r[6]:.1f} s" if r[6] is not None else ""
            print(f"  sweeper {i + 1}: {r[0]:,} applied, {r[3]:,} statements, {r[4]:.1f} s, "
                  f"{r[5]:.1f} s of its own CPU (Python, psycopg){backend}")  # fmt: skip
        own = sum(r[5] for r in results)
        line = f"  CPU per applied transition: sweepers {own / max(fired, 1) * 1000:.2f} ms"
        if all(r[6] is not None for r in results):
            pg = sum(r[6] for r in results)
            line += f", their PostgreSQL backends {pg / max(fired, 1) * 1000:.2f} ms"
        print(f"{line} (start-up, reminders and the rollup included); {os.cpu_count()} cores")
    finally:
        benchlib.release_redis_db(claimed)
        with _admin() as conn:
            conn.execute(f"drop database if exists {copy} with (force)")


if __name__ == "__main__":
    main()
