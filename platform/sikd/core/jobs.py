"""Named RQ queues, enqueueing that waits for the database commit, and the jobs' app context.

Jobs take ids (tenant id + object id), never ORM objects; each opens its own app context with
:func:`app_context` and re-checks the tenant. Jobs are named by their dotted path
(``"sikd.notifications.tasks.send_notification_email"``), so nothing here imports a feature.

Work that must not be lost (e-mails, letters) is enqueued with :func:`with_backoff` under a
stable job id, and its row in PostgreSQL stays the source of truth: a periodic relay
(:func:`relay`) enqueues again whatever is still pending after a grace period and has no job on
its way — a failed enqueue, a Redis that lost its data, retries used up.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask, current_app, has_app_context
from redis import Redis
from rq import Queue, Retry
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from sqlalchemy import event
from sqlalchemy.orm import Session

QUEUE_NAMES = ("default", "notifications", "deadlines", "documents")
RETRY_BACKOFF_SECONDS = (30, 120, 600, 1800, 3600)  # five tries over ~1.6 hours, then the relay
ON_ITS_WAY = frozenset(
    {JobStatus.QUEUED, JobStatus.STARTED, JobStatus.SCHEDULED, JobStatus.DEFERRED}
)

_app: Flask | None = None
_app_factory: Callable[[], Flask] | None = None


def set_app_factory(factory: Callable[[], Flask]) -> None:
    """The worker process says how to build its app (``sikd.create_app``) before any job runs."""
    global _app_factory
    _app_factory = factory


def set_app(app: Flask | None) -> None:
    """Use this app for jobs run outside any app context (a test's thread, a worker)."""
    global _app
    _app = app


def get_app() -> Flask:
    global _app
    if has_app_context():
        return current_app._get_current_object()  # type: ignore[attr-defined]
    if _app is None:
        if _app_factory is None:
            raise RuntimeError(
                "Tidak ada aplikasi untuk menjalankan tugas: panggil set_app_factory()."
            )
        _app = _app_factory()
    return _app


@contextmanager
def app_context() -> Iterator[Flask]:
    """The job's own app context; re-uses the caller's when a test runs a job inline."""
    if has_app_context():
        yield current_app._get_current_object()  # type: ignore[attr-defined]
        return
    app = get_app()
    with app.app_context():
        yield app


def init_queues(app: Flask) -> None:
    settings = app.config["SIKD_SETTINGS"]
    if settings.redis_url is None:
        raise RuntimeError("SIKD_REDIS_URL belum diisi.")
    app.extensions["sikd_redis"] = Redis.from_url(settings.redis_url)


def get_redis() -> Redis:
    return current_app.extensions["sikd_redis"]


def get_queue(name: str = "default") -> Queue:
    if name not in QUEUE_NAMES:
        raise ValueError(f"unknown queue {name!r}")
    return Queue(name, connection=get_redis())


def enqueue_now(queue: str, func: Callable[..., Any] | str, *args: Any, **kwargs: Any):
    return get_queue(queue).enqueue(func, *args, **kwargs)


def with_backoff() -> Retry:
    """RQ's retry with growing pauses (the worker runs RQ's scheduler for the pauses)."""
    return Retry(max=len(RETRY_BACKOFF_SECONDS), interval=list(RETRY_BACKOFF_SECONDS))


def relay(queue: str, func: str, *args: Any, job_id: str) -> bool:
    """Enqueue ``func(*args)`` as ``job_id`` with backoff, unless that job is still on its way.

    Returns whether it was enqueued. A finished, failed or stopped job of that id is replaced.
    Two relays racing may both enqueue: the jobs themselves must be idempotent.
    """
    q = get_queue(queue)
    try:
        job = Job.fetch(job_id, connection=q.connection)
    except NoSuchJobError:
        job = None
    if job is not None:
        if job.get_status(refresh=False) in ON_ITS_WAY:
            return False
        job.delete()
    q.enqueue(func, *args, job_id=job_id, retry=with_backoff())
    return True


# session.info key: the jobs to enqueue once the current transaction commits
PENDING_JOBS = "sikd_pending_jobs"


def enqueue_after_commit(
    queue: str, func: Callable[..., Any] | str, *args: Any, **kwargs: Any
) -> None:
    """Enqueue once the current transaction commits; dropped if it rolls back."""
    from sikd.core.extensions import db

    session = db.session()
    session.info.setdefault(PENDING_JOBS, []).append((queue, func, args, kwargs))


# session.info key: while a list is there (the sweep's batch), committed jobs wait in it and
# are enqueued together by :func:`enqueue_held` (one Redis round trip per queue).
HOLD_JOBS = "sikd_held_jobs"
_OPTIONS = {"job_id", "retry", "timeout", "result_ttl", "ttl", "failure_ttl", "description"}


@event.listens_for(Session, "after_commit")
def _flush_pending_jobs(session: Session) -> None:
    pending = session.info.pop(PENDING_JOBS, [])
    held = session.info.get(HOLD_JOBS)
    if held is not None:
        held.extend(pending)
        return
    _enqueue_each(pending)


def enqueue_held(session: Session) -> None:
    """Enqueue the jobs of the transactions committed while held, one pipeline per queue."""
    held = session.info.get(HOLD_JOBS)
    if not held:
        return
    jobs, held[:] = list(held), []
    by_queue: dict[str, list[tuple]] = {}
    for job in jobs:
        if set(job[3]) - _OPTIONS:  # keyword arguments of the function: enqueue as usual
            _enqueue_each([job])
            continue
        by_queue.setdefault(job[0], []).append(job)
    for queue, group in by_queue.items():
        try:
            get_queue(queue).enqueue_many(  # one pipeline
                [Queue.prepare_data(func, args, **kwargs) for _, func, args, kwargs in group]
            )
        except Exception:
            current_app.logger.exception(
                "Gagal memasukkan %d tugas ke antrean %s sekaligus; dicoba satu per satu.",
                len(group),
                queue,
            )
            _enqueue_each(group)


def _enqueue_each(pending: list[tuple]) -> None:
    for queue, func, args, kwargs in pending:
        try:
            enqueue_now(queue, func, *args, **kwargs)
        except Exception:
            current_app.logger.exception(
                "Gagal memasukkan tugas %s ke antrean %s (Redis?). %s",
                func,
                queue,
                "Barisnya di basis data tetap tertunda; relai berkala memasukkannya lagi "
                "setelah masa tenggang."
                if "job_id" in kwargs
                else "Tugas ini tidak diulang otomatis.",
            )


@event.listens_for(Session, "after_rollback")
def _drop_pending_jobs(session: Session) -> None:
    session.info.pop(PENDING_JOBS, None)
