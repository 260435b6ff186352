"""Entry points: ``python -m sikd_workers worker`` and ``python -m sikd_workers scheduler``."""

from __future__ import annotations

from rq import Worker
from rq.cron import CronScheduler

from sikd import create_app
from sikd.core.jobs import QUEUE_NAMES, app_context, get_queue, get_redis, set_app_factory
from sikd_workers.schedule import schedule


def run_worker(queues: tuple[str, ...] = QUEUE_NAMES, burst: bool = False) -> None:
    set_app_factory(create_app)
    with app_context():
        worker = Worker([get_queue(q) for q in queues], connection=get_redis())
        worker.work(burst=burst, with_scheduler=True)


def run_scheduler() -> None:
    set_app_factory(create_app)
    with app_context():
        cron = CronScheduler(connection=get_redis())
        for entry in schedule():
            cron.register(entry.func, entry.queue, interval=entry.interval_seconds, name=entry.name)
        cron.start()
