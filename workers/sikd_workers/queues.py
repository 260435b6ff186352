"""Named RQ queues, and enqueueing that waits for the database commit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, current_app
from redis import Redis
from rq import Queue
from sqlalchemy import event
from sqlalchemy.orm import Session

QUEUE_NAMES = ("default", "notifications", "deadlines", "documents")


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


def enqueue_after_commit(
    queue: str, func: Callable[..., Any] | str, *args: Any, **kwargs: Any
) -> None:
    """Enqueue once the current transaction commits; dropped if it rolls back."""
    from sikd.extensions import db

    session = db.session()
    session.info.setdefault("sikd_pending_jobs", []).append((queue, func, args, kwargs))


@event.listens_for(Session, "after_commit")
def _flush_pending_jobs(session: Session) -> None:
    pending = session.info.pop("sikd_pending_jobs", [])
    for queue, func, args, kwargs in pending:
        try:
            enqueue_now(queue, func, *args, **kwargs)
        except Exception:  # noqa: BLE001 - Redis down must not undo a committed action
            current_app.logger.exception(
                "Gagal memasukkan tugas %s ke antrean %s; sapuan berkala akan mengejarnya",
                func,
                queue,
            )


@event.listens_for(Session, "after_rollback")
def _drop_pending_jobs(session: Session) -> None:
    session.info.pop("sikd_pending_jobs", None)
