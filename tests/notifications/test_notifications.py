"""Notifications: in-app rows and e-mail through RQ to a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import socket
from dataclasses import replace

import pytest
from aiosmtpd.controller import Controller
from rq import SimpleWorker

from sikd.rules import effective_rulebook
from sikd.testing import TEST_PASSWORD
from sikd.testing.api import ApiUser
from sikd.testing.journeys import SISTER_CITY


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, envelope.content.decode("utf-8", "replace")))
        return "250 OK"


@pytest.fixture
def smtp(app):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    original = app.config["SIKD_SETTINGS"]
    app.config["SIKD_SETTINGS"] = replace(original, mail_server="127.0.0.1", mail_port=port)
    yield inbox
    app.config["SIKD_SETTINGS"] = original
    controller.stop()


def run_notification_jobs(app) -> int:
    from sikd.core.jobs import get_queue, get_redis

    with app.app_context():
        queue = get_queue("notifications")
        count = queue.count
        SimpleWorker([queue], connection=get_redis()).work(burst=True)
        return count


def test_stage_change_mails_the_next_holder_in_indonesian(client, make_user, smtp, app):
    tkksd = ApiUser(client, make_user("32.75", ["tkksd"]), TEST_PASSWORD)
    walikota_user = make_user("32.75", ["kepala_daerah"])
    dprd_user = make_user("32.75", ["sekretariat_dprd"])
    created = tkksd.post("/api/v1/cooperations", json=SISTER_CITY).get_json()
    kinds = effective_rulebook("32.75").as_dict()["document_kinds"]
    from sikd.core import clock

    tkksd.act(created["id"], "lanjut_penjajakan", kinds, clock.now().date())
    assert run_notification_jobs(app) >= 1
    recipients = {r for rcpts, _ in smtp.messages for r in rcpts}
    assert walikota_user.email in recipients  # penjajakan is the Kepala Daerah's to act on
    assert dprd_user.email not in recipients  # not the DPRD's business yet
    body = next(text for rcpts, text in smtp.messages if walikota_user.email in rcpts)
    assert "Subject: [SIKD]" in body and "Penjajakan" in body
    assert f"/kerja-sama/{created['id']}" in body


def test_mail_server_down_keeps_the_row_and_marks_it_failed(client, make_user, app):
    from sqlalchemy import select

    from sikd.core.extensions import db
    from sikd.notifications.models import Notification
    from sikd.tenancy.scope import system_scope

    original = app.config["SIKD_SETTINGS"]
    app.config["SIKD_SETTINGS"] = replace(original, mail_server="127.0.0.1", mail_port=1)
    try:
        tkksd = ApiUser(client, make_user("32.75", ["tkksd"]), TEST_PASSWORD)
        make_user("32.75", ["kepala_daerah"])
        created = tkksd.post("/api/v1/cooperations", json=SISTER_CITY).get_json()
        kinds = effective_rulebook("32.75").as_dict()["document_kinds"]
        from sikd.core import clock

        tkksd.act(created["id"], "lanjut_penjajakan", kinds, clock.now().date())
        run_notification_jobs(app)
    finally:
        app.config["SIKD_SETTINGS"] = original
    with app.app_context(), system_scope():
        statuses = set(db.session.scalars(select(Notification.email_status)))
    assert "failed" in statuses  # the in-app notification stays; the e-mail can be retried
