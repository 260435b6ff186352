"""Page benchmark at national scale: p50/p95 and SQL statements per page, against a bare baseline.

    PYTHONPATH=platform:workers .venv/bin/python scripts/bench/run.py --scale 0.1   # make bench
    PYTHONPATH=platform:workers .venv/bin/python scripts/bench/run.py --scale 1     # SCALE=1

Seeds ``sikd_bench_<scale>`` with ``seed.py`` unless a complete seed of that scale is there,
then serves the app the way production does (gunicorn, ``infra/gunicorn.conf.py``) with 1 and
with 2 web processes, and ``bare.py`` (one indexed query, same gunicorn settings) next to it.
Logs in as Kota Bekasi's TKKSD (web and bearer token), kepala daerah and tim pengawasan, Jawa
Barat's Gubernur verifier and Kemendagri (the public register is read without login); each round
requests every page once, each page request followed by one bare request, so both see the same
machine. With 2 processes, 2 clients run the rounds at once.
Statements per request come from ``X-Query-Count`` (``SIKD_COUNT_QUERIES=1``). Prints, never
asserts.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlib

HERE = Path(__file__).resolve().parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_http(url: str, timeout: float = 60.0) -> None:
    import requests

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=2)
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise RuntimeError(f"{url} tidak menjawab dalam {timeout:.0f} detik")


def serve(app_spec: str, env: dict[str, str], workers: int, log: Path) -> tuple:
    port = _free_port()
    full_env = {
        **os.environ,
        **env,
        "SIKD_BIND": f"127.0.0.1:{port}",
        "SIKD_WEB_WORKERS": str(workers),
        "PYTHONPATH": os.pathsep.join(
            [str(benchlib.REPO / "platform"), str(benchlib.REPO / "workers"), str(HERE)]
        ),
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    proc = subprocess.Popen(
        [str(gunicorn), "-c", str(benchlib.REPO / "infra" / "gunicorn.conf.py"), app_spec],
        env=full_env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        cwd=benchlib.REPO,
    )
    return proc, f"http://127.0.0.1:{port}"


def login_web(base: str, email: str):
    import requests

    s = requests.Session()
    page = s.get(f"{base}/masuk", timeout=30).text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', page
    )
    r = s.post(
        f"{base}/masuk",
        data={"email": email, "password": benchlib.BENCH_PASSWORD, "csrf_token": token.group(1)},
        allow_redirects=False,
        timeout=120,
    )
    if r.status_code != 302:
        raise RuntimeError(f"masuk sebagai {email} gagal: HTTP {r.status_code}")
    return s


def login_api(base: str, email: str):
    import requests

    r = requests.post(
        f"{base}/api/v1/auth/tokens",
        json={"email": email, "password": benchlib.BENCH_PASSWORD},
        timeout=60,
    )
    r.raise_for_status()
    s = requests.Session()
    s.headers["Authorization"] = f"Bearer {r.json()['token']}"
    return s


def detail_target(scale: float) -> tuple[int, int]:
    """A Kota Bekasi cooperation with about 30 document versions (and how many it has)."""
    import psycopg

    from sikd.devtools.dbsetup import _psycopg_dsn

    with psycopg.connect(_psycopg_dsn(benchlib.database_urls(scale).owner)) as conn:
        conn.execute("select set_config('sikd.scope', 'system', false)")
        return conn.execute(
            """select c.id, count(v.id) from cooperations c
               join tenants t on t.id = c.tenant_id and t.code = '32.75'
               join documents d on d.cooperation_id = c.id and d.tenant_id = c.tenant_id
               join document_versions v on v.document_id = d.id and v.tenant_id = c.tenant_id
               where c.status = 'berjalan'
               group by c.id order by abs(count(v.id) - 30), c.id limit 1"""
        ).fetchone()


def pages(coop_id: int, versions: int) -> list[tuple[str, str, str]]:
    """(label, session key, path)."""
    return [
        ("web inbox /beranda, Bekasi TKKSD", "tkksd", "/beranda"),
        ("web inbox /beranda, Bekasi kepala daerah", "kd", "/beranda"),
        ("yearly duties /pemantauan-evaluasi, Bekasi tim", "tim", "/pemantauan-evaluasi"),
        ("API inbox GET /api/v1/inbox", "api", "/api/v1/inbox"),
        ("register /kerja-sama?q=air minum", "tkksd", "/kerja-sama?q=air+minum"),
        ("API register ?q=air minum", "api", "/api/v1/cooperations?q=air+minum"),
        (f"detail /kerja-sama/{coop_id} ({versions} versions)", "tkksd", f"/kerja-sama/{coop_id}"),
        ("API cooperation", "api", f"/api/v1/cooperations/{coop_id}"),
        ("API timeline", "api", f"/api/v1/cooperations/{coop_id}/timeline"),
        ("Gubernur queue /gubernur, Jawa Barat", "gubernur", "/gubernur"),
        ("Pantauan Nasional /nasional, Kemendagri", "kemendagri", "/nasional"),
        ("dashboard /kerja-sama/dasbor, Bekasi TKKSD", "tkksd", "/kerja-sama/dasbor"),
        ("dashboard /kerja-sama/dasbor, Kemendagri", "kemendagri", "/kerja-sama/dasbor"),
        ("map /kerja-sama/peta, Kemendagri", "kemendagri", "/kerja-sama/peta"),
        ("public register /publik/kerja-sama", "public", "/publik/kerja-sama"),
        ("public register ?q=air minum", "public", "/publik/kerja-sama?q=air+minum"),
    ]


def measure(base: str, bare: str, sessions: dict, page_list, rounds: int, clients: int):
    import requests

    times: dict[str, list[float]] = {label: [] for label, _, _ in page_list}
    bare_times: list[float] = []
    queries: dict[str, str] = {}
    statuses: dict[str, set[int]] = {label: set() for label, _, _ in page_list}
    lock = threading.Lock()

    def client(index: int) -> None:
        bare_session = requests.Session()
        own = dict(sessions[index].items())
        for _ in range(rounds):
            for label, key, path in page_list:
                t = time.perf_counter()
                r = own[key].get(base + path, timeout=600)
                page_s = time.perf_counter() - t
                t = time.perf_counter()
                bare_session.get(bare + "/bare", timeout=60).raise_for_status()
                bare_s = time.perf_counter() - t
                with lock:
                    times[label].append(page_s)
                    bare_times.append(bare_s)
                    statuses[label].add(r.status_code)
                    queries[label] = r.headers.get("X-Query-Count", "?")

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return times, bare_times, queries, statuses


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[int(q) - 1]


def print_table(title: str, page_list, times, bare_times, queries, statuses) -> None:
    bare50, bare95 = pct(bare_times, 50) * 1000, pct(bare_times, 95) * 1000
    print(f"\n{title}")
    print(f"bare one-query endpoint: p50 {bare50:.1f} ms, p95 {bare95:.1f} ms ({len(bare_times)})")
    width = max(len(label) for label, _, _ in page_list)
    print(f"{'page':<{width}} | {'p50 ms':>8} | {'p95 ms':>8} | {'queries':>7} | {'page/bare':>9}")
    print(f"{'-' * width}-+-{'-' * 8}-+-{'-' * 8}-+-{'-' * 7}-+-{'-' * 9}")
    for label, _, _ in page_list:
        p50, p95 = pct(times[label], 50) * 1000, pct(times[label], 95) * 1000
        flag = "" if statuses[label] == {200} else f"  HTTP {sorted(statuses[label])}"
        print(
            f"{label:<{width}} | {p50:8.1f} | {p95:8.1f} | {queries[label]:>7} | "
            f"{p50 / bare50:8.0f}x{flag}"
        )
    sys.stdout.flush()


def ensure_services() -> list:
    """PostgreSQL/Redis on 127.0.0.1 when reachable, else the embedded ones (as the tests do)."""
    from sikd.devtools.embedded import port_open, start_postgres, start_redis

    keep = []
    if "SIKD_BENCH_ADMIN_URL" not in os.environ and not port_open("127.0.0.1", 5432):
        server, admin = start_postgres(benchlib.REPO / "var" / "bench-pgdata")
        keep.append(server)
        os.environ["SIKD_BENCH_ADMIN_URL"] = admin
    if "SIKD_BENCH_REDIS_URL" not in os.environ and not port_open("127.0.0.1", 6379):
        server, url = start_redis(benchlib.REPO / "var" / "bench-redis")
        keep.append(server)
        os.environ["SIKD_BENCH_REDIS_URL"] = url
    return keep


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument(
        "--rounds", type=int, default=40, help="rounds of every page (p95 of 40 samples or more)"
    )
    parser.add_argument("--processes", default="1,2", help="web processes to try, e.g. 1,2")
    parser.add_argument("--reseed", action="store_true", help="seed again even if complete")
    parser.add_argument("--pages", default="", help="only pages whose label contains this")
    args = parser.parse_args(argv)
    rounds = args.rounds
    keep = ensure_services()  # noqa: F841 - embedded servers live as long as this process

    if args.reseed or not benchlib.is_seeded(args.scale):
        print(f"seeding {benchlib.database_name(args.scale)} (scale {args.scale:g})", flush=True)
        import seed

        redis = os.environ.get("SIKD_BENCH_REDIS_URL")
        seed.main(["--scale", str(args.scale), *(["--redis-url", redis] if redis else [])])
    else:
        print(f"reusing {benchlib.database_name(args.scale)} (complete seed, scale {args.scale:g})")
        benchlib.upgrade_schema(args.scale)

    claimed = None
    redis_url = os.environ.get("SIKD_BENCH_REDIS_URL")
    if redis_url is None:
        claimed = benchlib.claim_redis_db()
        redis_url = f"redis://127.0.0.1:6379/{claimed}"
    var_dir = Path(tempfile.mkdtemp(prefix="sikd-bench-"))
    log = var_dir / "gunicorn.log"
    env = {**benchlib.env_for(args.scale, redis_url, var_dir), "SIKD_COUNT_QUERIES": "1"}
    import requests

    coop_id, versions = detail_target(args.scale)
    page_list = [p for p in pages(coop_id, versions) if args.pages in p[0]]
    try:
        for processes in [int(p) for p in args.processes.split(",")]:
            app_proc, base = serve("sikd.wsgi:app", env, processes, log)
            bare_proc, bare = serve("bare:app", env, processes, log)
            try:
                _wait_http(f"{base}/masuk")
                _wait_http(f"{bare}/bare")
                sessions = []
                for _ in range(processes):
                    sessions.append(
                        {
                            "tkksd": login_web(base, "tkksd@bekasikota.bench"),
                            "kd": login_web(base, "kd@bekasikota.bench"),
                            "tim": login_web(base, "tim@bekasikota.bench"),
                            "gubernur": login_web(base, "gubernur@jabarprov.bench"),
                            "kemendagri": login_web(base, "sekjen@kemendagri.bench"),
                            "api": login_api(base, "tkksd@bekasikota.bench"),
                            "public": requests.Session(),
                        }
                    )
                # warm up: every page twice on every client session
                measure(base, bare, sessions, page_list, 2, processes)
                t = time.monotonic()
                result = measure(base, bare, sessions, page_list, rounds, processes)
                print_table(
                    f"scale {args.scale:g} — {processes} web process(es) x 4 threads, "
                    f"{processes} client(s), {rounds} rounds, {time.monotonic() - t:.0f} s",
                    page_list,
                    *result,
                )
            finally:
                for proc in (app_proc, bare_proc):
                    proc.terminate()
                    proc.wait(timeout=30)
    finally:
        if claimed is not None:
            benchlib.release_redis_db(claimed)
    print(f"\ngunicorn log: {log}")


if __name__ == "__main__":
    main()
