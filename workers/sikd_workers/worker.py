"""Entry points: ``sikd worker`` and ``sikd scheduler``."""

from __future__ import annotations

from rq import Worker
from rq.cron import CronScheduler

from sikd_workers import app_context
from sikd_workers.queues import QUEUE_NAMES, get_queue, get_redis
from sikd_workers.schedule import schedule


def run_worker(queues: tuple[str, ...] = QUEUE_NAMES, burst: bool = False) -> None:
    with app_context():
        worker = Worker([get_queue(q) for q in queues], connection=get_redis())
        worker.work(burst=burst, with_scheduler=True)


def run_scheduler() -> None:
    with app_context():
        cron = CronScheduler(connection=get_redis())
        for entry in schedule():
            cron.register(entry.func, entry.queue, interval=entry.interval_seconds, name=entry.name)
        cron.start()
