"""Running jobs in tests: a mail server that can be down and come back (the ``mail`` fixture),
RQ workers run in burst, retries released as if their backoff had passed, the app clock moved
on."""

from __future__ import annotations

import asyncio
import socket
from dataclasses import replace
from datetime import timedelta

import pytest
from rq import SimpleWorker


class Inbox:
    def __init__(self):
        self.messages: list[tuple[list[str], str]] = []
        self.slow_seconds = 0.0  # a slow mail server widens the window of a race

    async def handle_DATA(self, server, session, envelope):
        if self.slow_seconds:
            await asyncio.sleep(self.slow_seconds)
        self.messages.append((envelope.rcpt_tos, envelope.content.decode("utf-8", "replace")))
        return "250 OK"

    def to(self, address: str) -> list[str]:
        return [text for rcpts, text in self.messages if address in rcpts]


class MailServer:
    """An SMTP server on a port of its own, down until :meth:`up`."""

    def __init__(self):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.inbox = Inbox()
        self.controller = None

    def up(self) -> None:
        from aiosmtpd.controller import Controller

        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def down(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def mail(app):
    """The app's mail settings pointed at a :class:`MailServer` of the test's own, down at first."""
    server = MailServer()
    original = app.config["SIKD_SETTINGS"]
    app.config["SIKD_SETTINGS"] = replace(original, mail_server="127.0.0.1", mail_port=server.port)
    yield server
    server.down()
    app.config["SIKD_SETTINGS"] = original


def run_jobs(app, queue_name: str) -> int:
    """Run what is queued, as a worker does; returns how many jobs were waiting."""
    from sikd.core.jobs import get_queue, get_redis

    with app.app_context():
        queue = get_queue(queue_name)
        waiting = queue.count
        SimpleWorker([queue], connection=get_redis()).work(burst=True)
        return waiting


def release_retries(app, queue_name: str) -> int:
    """Move the retries RQ scheduled onto the queue now, as if their backoff had passed."""
    from sikd.core.jobs import get_queue

    with app.app_context():
        registry = get_queue(queue_name).scheduled_job_registry
        ids = registry.get_job_ids()
        for job_id in ids:
            registry.requeue(job_id)
        return len(ids)


def job_status(app, job_id: str) -> str | None:
    from rq.exceptions import NoSuchJobError
    from rq.job import Job

    from sikd.core.jobs import get_redis

    with app.app_context():
        try:
            return Job.fetch(job_id, connection=get_redis()).get_status()
        except NoSuchJobError:
            return None


def move_clock(app, minutes: float) -> None:
    from sikd.core import clock

    app.extensions["sikd_clock"] = clock.FixedClock(clock.now() + timedelta(minutes=minutes))
