"""``python -m sikd_workers worker [--queue Q ...] [--burst]`` or ``python -m sikd_workers scheduler``."""

from __future__ import annotations

import argparse

from sikd.core.jobs import QUEUE_NAMES


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="sikd_workers", description="Pekerja RQ dan penjadwal SIKD"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    worker = sub.add_parser("worker", help="jalankan pekerja RQ")
    worker.add_argument("--queue", "-q", action="append", choices=QUEUE_NAMES)
    worker.add_argument("--burst", action="store_true", help="berhenti setelah antrean kosong")
    sub.add_parser("scheduler", help="jalankan pemicu berkala (sapuan tenggat, heartbeat)")
    args = parser.parse_args(argv)

    from sikd_workers.worker import run_scheduler, run_worker

    if args.command == "worker":
        run_worker(tuple(args.queue or QUEUE_NAMES), burst=args.burst)
    else:
        run_scheduler()


if __name__ == "__main__":
    main()
