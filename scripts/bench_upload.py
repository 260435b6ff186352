"""Measure memory and time of one large upload through ``upload_document``.

Generates a PDF-looking file (valid ``%PDF`` header, random body) on disk, uploads it through
the real service (validation → object store → PostgreSQL rows) and prints the growth of the
process's resident memory during the upload, sampled every 2 ms, and the elapsed time.

    PYTHONPATH=platform:workers .venv/bin/python scripts/bench_upload.py            # moto S3
    PYTHONPATH=platform:workers .venv/bin/python scripts/bench_upload.py --local    # directory

The S3 endpoint is moto's server in a **separate process** (so its copy of the bytes is not
counted); PostgreSQL/Redis are the ones on 127.0.0.1 when reachable, else the embedded ones.
Target (issue 15): growth ≤ 64 MB for a 50 MB file (the largest accepted, SIKD_UPLOAD_MAX_BYTES).
Exit status 1 when the target is missed.
"""

from __future__ import annotations

import argparse
import os
import resource
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MB = 1024 * 1024


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_port(port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"moto server did not start on port {port}")


def make_pdf_like(path: Path, size: int) -> None:
    with path.open("wb") as fh:
        fh.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        left = size - fh.tell() - len(b"\n%%EOF\n")
        while left > 0:
            chunk = os.urandom(min(MB, left))
            fh.write(chunk)
            left -= len(chunk)
        fh.write(b"\n%%EOF\n")


class RssSampler(threading.Thread):
    def __init__(self, interval: float = 0.002) -> None:
        super().__init__(daemon=True)
        import psutil

        self.proc = psutil.Process()
        self.interval = interval
        self.peak = self.proc.memory_info().rss
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            self.peak = max(self.peak, self.proc.memory_info().rss)
            time.sleep(self.interval)

    def stop(self) -> int:
        self._halt.set()
        self.join()
        return max(self.peak, self.proc.memory_info().rss)


def build_app(workdir: Path, local: bool, s3_url: str | None):
    from flask_migrate import upgrade

    from sikd import create_app
    from sikd.core.config import load_settings
    from sikd.devtools.dbsetup import ensure_database
    from sikd.devtools.embedded import port_open, start_postgres, start_redis

    keep = []
    if port_open("127.0.0.1", 5432):
        admin = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    else:
        server, admin = start_postgres(workdir / "pgdata")
        keep.append(server)
    if port_open("127.0.0.1", 6379):
        redis_url = "redis://127.0.0.1:6379/14"
    else:
        server, redis_url = start_redis(workdir / "redis")
        keep.append(server)
    urls = ensure_database(admin, "sikd_bench", drop_first=True)
    settings = replace(
        load_settings({"SIKD_ENV": "test"}),
        database_url=urls.app,
        database_owner_url=urls.owner,
        redis_url=redis_url,
        s3_endpoint_url=None if local else s3_url,
        s3_bucket="sikd-bench",
        s3_access_key_id="bench",
        s3_secret_access_key="bench",  # noqa: S106 - moto accepts any key
        storage_dir=workdir / "objects",
        var_dir=workdir,
    )
    app = create_app(settings)
    with app.app_context():
        upgrade(directory=str(REPO / "migrations"))
        from sikd.tenancy.services import sync_tenants

        sync_tenants()
        _ensure_document_tables(urls.owner)
    return app, keep


def _ensure_document_tables(owner_url: str) -> None:
    """Until the migrations carry the document tables, create them as the tests do."""
    from types import SimpleNamespace

    from sqlalchemy import create_engine, inspect, text

    from sikd.core.extensions import db
    from sikd.documents import models  # noqa: F401
    from sikd.tenancy.rls import enable_tenant_rls

    engine = create_engine(owner_url)
    with engine.begin() as conn:
        existing = set(inspect(conn).get_table_names())
        names = ("documents", "document_versions", "letter_sequences", "letters")
        missing = [db.metadata.tables[n] for n in names if n not in existing]
        if missing:
            db.metadata.create_all(conn, tables=missing)
            op = SimpleNamespace(execute=lambda sql: conn.execute(text(sql)))
            for table in missing:
                enable_tenant_rls(op, table.name)
    engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--local", action="store_true", help="local directory backend")
    parser.add_argument("--size-mb", type=int, default=50)
    parser.add_argument("--target-mb", type=int, default=64)
    args = parser.parse_args(argv)

    os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
    with tempfile.TemporaryDirectory(prefix="sikd-bench-") as tmp:
        workdir = Path(tmp)
        moto = None
        s3_url = None
        if not args.local:
            port = _free_port()
            moto_bin = Path(sys.executable).with_name("moto_server")
            moto = subprocess.Popen(
                [str(moto_bin), "-H", "127.0.0.1", "-p", str(port)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            _wait_port(port)
            s3_url = f"http://127.0.0.1:{port}"
        try:
            app, _keep = build_app(workdir, args.local, s3_url)
            source = workdir / "bench.pdf"
            make_pdf_like(source, args.size_mb * MB)
            return run(app, source, args)
        finally:
            if moto is not None:
                moto.terminate()
                moto.wait(10)


def run(app, source: Path, args: argparse.Namespace) -> int:
    import io

    from sikd.documents.services import upload_document
    from sikd.tenancy.scope import set_tenant
    from sikd.tenancy.services import get_tenant

    with app.app_context():
        tenant = get_tenant("32.75")
        set_tenant(tenant.id)
        # warm-up: imports, bucket creation, connection pools
        upload_document(
            tenant.id, None, "kajian", None, io.BytesIO(b"%PDF-1.7\n" + b"0" * 4096),
            "pemanasan.pdf", None,
        )  # fmt: skip
        import gc

        gc.collect()
        sampler = RssSampler()
        before = sampler.peak
        maxrss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        sampler.start()
        started = time.perf_counter()
        with source.open("rb") as fh:
            version = upload_document(
                tenant.id, 41, "naskah_kerja_sama", "rancangan_naskah", fh, source.name, None
            )
        elapsed = time.perf_counter() - started
        peak = sampler.stop()
        maxrss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

    growth = (peak - before) / MB
    print(f"backend            : {'local directory' if args.local else 'S3 (moto server)'}")
    print(f"file               : {version.size / MB:.1f} MB, sha256 {version.sha256[:16]}…")
    print(f"object key         : {version.storage_key}")
    print(f"time               : {elapsed:.2f} s ({version.size / MB / elapsed:.1f} MB/s)")
    print(f"RSS before         : {before / MB:.1f} MB")
    print(f"RSS peak (sampled) : {peak / MB:.1f} MB")
    print(f"peak RSS growth    : {growth:.1f} MB (target < {args.target_mb} MB)")
    print(f"ru_maxrss growth   : {max(maxrss_after - maxrss_before, 0) / MB:.1f} MB")
    return 0 if growth < args.target_mb else 1


if __name__ == "__main__":
    sys.exit(main())
