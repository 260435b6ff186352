"""Entry points: ``python -m sikd_workers worker`` and ``python -m sikd_workers scheduler``."""

from __future__ import annotations

import time
from contextlib import suppress

from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError
from rq import Worker, cron_scheduler_registry
from rq.cron import CronScheduler
from rq.exceptions import SchedulerNotFound, StopRequested

from sikd import create_app
from sikd.core.jobs import QUEUE_NAMES, app_context, get_queue, get_redis, set_app_factory
from sikd_workers.schedule import schedule

TICK_SECONDS = 10  # the scheduler re-announces itself at least this often
REDIS_RETRY_MAX_SECONDS = 30


def run_worker(queues: tuple[str, ...] = QUEUE_NAMES, burst: bool = False) -> None:
    set_app_factory(create_app)
    with app_context():
        worker = Worker([get_queue(q) for q in queues], connection=get_redis())
        worker.work(burst=burst, with_scheduler=True)


class SikdCronScheduler(CronScheduler):
    """rq's CronScheduler that outlives an emptied (FLUSHALL) or briefly unreachable Redis.

    rq's own loop dies on the first Redis error, and on the way out trips over its own
    registration when a FLUSHALL removed it; a restarted scheduler then dies the same way for
    as long as Redis is away. This one re-registers on every tick and waits for Redis instead.
    """

    _announced = False

    def heartbeat(self) -> None:
        """Announce this scheduler (registry entry and its data), re-creating what is missing."""
        with self.connection.pipeline() as pipeline:
            pipeline.zadd(cron_scheduler_registry.get_registry_key(), {self.name: time.time()})
            self.save(pipeline)
            added = pipeline.execute()[0]
        if added and self._announced:
            self.log.warning(
                "Pemicu berkala %s terdaftar ulang: datanya di Redis hilang (mis. FLUSHALL).",
                self.name,
            )
        self._announced = True

    def register_death(self, pipeline=None) -> None:  # type: ignore[no-untyped-def]
        with suppress(SchedulerNotFound):  # already gone with an emptied Redis: nothing to do
            super().register_death(pipeline)

    def calculate_sleep_interval(self) -> float:
        return min(super().calculate_sleep_interval(), TICK_SECONDS)

    def run_once(self) -> float:
        """Enqueue what is due and announce this scheduler; returns seconds until the next tick."""
        if self.enqueue_jobs():
            self.save()
        self.heartbeat()
        return self.calculate_sleep_interval()

    def start(self) -> None:
        self.log.info("Pemicu berkala %s mulai.", self.name)
        self._install_signal_handlers()
        retry = 0.0
        try:
            while True:
                try:
                    pause = self.run_once()
                    if retry:
                        self.log.info("Redis terjangkau lagi; pemicu berkala berjalan kembali.")
                        retry = 0.0
                except (RedisConnectionError, RedisTimeoutError) as exc:
                    retry = min(max(retry * 2, 1.0), REDIS_RETRY_MAX_SECONDS)
                    self.log.warning(
                        "Redis tidak terjangkau (%s); pemicu berkala mencoba lagi dalam %g detik.",
                        exc,
                        retry,
                    )
                    pause = retry
                if pause > 0:
                    time.sleep(pause)
        except (KeyboardInterrupt, StopRequested):
            self.log.info("Pemicu berkala %s berhenti.", self.name)
        finally:
            with suppress(RedisError):
                self.register_death()


def build_scheduler(connection: Redis) -> SikdCronScheduler:
    cron = SikdCronScheduler(connection=connection)
    for entry in schedule():
        cron.register(entry.func, entry.queue, interval=entry.interval_seconds, name=entry.name)
    return cron


def run_scheduler() -> None:
    set_app_factory(create_app)
    with app_context():
        build_scheduler(get_redis()).start()
