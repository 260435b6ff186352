"""No lost e-mails: a notification row stays undelivered until its e-mail is accepted by the mail
server; RQ retries with backoff, a periodic relay enqueues again what is still undelivered after
a grace period, and each e-mail is sent exactly once however often it is relayed.

Found by the outside test: no retry was configured, and a log line promised a catch-up that did
not exist. Notifications come from a real action through the API (the Kepala Daerah is told a
penjajakan awaits them) and are sent by an RQ worker to a real SMTP server (aiosmtpd).
"""

from __future__ import annotations

import logging
from dataclasses import replace

from sqlalchemy import select

from sikd.core.extensions import db
from sikd.rules import effective_rulebook
from sikd.testing import TEST_PASSWORD, ApiUser
from sikd.testing.jobs import job_status, move_clock, release_retries, run_jobs
from sikd.testing.journeys import SISTER_CITY


def tell_the_kepala_daerah(client, make_user):
    """Take an action whose notification goes to the Wali Kota; returns the Wali Kota."""
    from sikd.core import clock

    tkksd = ApiUser(client, make_user("32.75", ["tkksd"]), TEST_PASSWORD)
    walikota = make_user("32.75", ["kepala_daerah"])
    created = tkksd.post("/api/v1/cooperations", json=SISTER_CITY).get_json()
    kinds = effective_rulebook("32.75").as_dict()["document_kinds"]
    tkksd.act(created["id"], "lanjut_penjajakan", kinds, clock.now().date())
    return walikota


def rows(app) -> list:
    from sikd.notifications.models import Notification
    from sikd.tenancy.scope import system_scope

    with app.app_context(), system_scope():
        found = list(db.session.scalars(select(Notification).order_by(Notification.id)))
        db.session.commit()
        return found


def relay(app) -> int:
    from sikd.notifications.tasks import relay_pending_emails

    with app.app_context():
        return relay_pending_emails()


def to_send(app) -> list:
    return [n for n in rows(app) if n.email_status in ("pending", "failed")]


def test_mail_server_down_retries_then_relay_after_grace_sends_each_email_once(
    app, client, make_user, mail
):
    from sikd.notifications.services import email_job_id

    walikota = tell_the_kepala_daerah(client, make_user)
    assert run_jobs(app, "notifications") >= 1
    undelivered = to_send(app)
    assert undelivered and {n.email_status for n in undelivered} == {"failed"}
    job_ids = [email_job_id(n.tenant_id, n.id) for n in undelivered]
    assert {job_status(app, j) for j in job_ids} == {"scheduled"}  # RQ will try again later

    for _ in range(10):  # the mail server stays down through every retry RQ has
        if not release_retries(app, "notifications"):
            break
        run_jobs(app, "notifications")
    assert {job_status(app, j) for j in job_ids} == {"failed"}  # RQ has given up
    assert len(to_send(app)) == len(undelivered)  # the rows have not

    assert relay(app) == 0  # within the grace period: nothing yet
    move_clock(app, 20)
    assert relay(app) == len(undelivered)
    assert relay(app) == 0  # already on its way: not queued twice

    mail.up()
    run_jobs(app, "notifications")
    assert to_send(app) == []
    assert len(mail.inbox.to(walikota.email)) == 1
    assert relay(app) == 0


def test_a_retry_sends_once_the_mail_server_is_back(app, client, make_user, mail):
    walikota = tell_the_kepala_daerah(client, make_user)
    run_jobs(app, "notifications")
    assert mail.inbox.to(walikota.email) == [] and to_send(app)
    mail.up()
    assert release_retries(app, "notifications") >= 1
    run_jobs(app, "notifications")
    assert to_send(app) == []
    assert len(mail.inbox.to(walikota.email)) == 1
    sent = next(n for n in rows(app) if n.email_status == "sent")
    assert sent.emailed_at is not None and sent.email_error is None


def test_the_same_email_sent_by_two_workers_at_once_goes_out_once(app, client, make_user, mail):
    """Two relays racing, or a relay and a late retry, on two workers while the mail server is
    slow: the second copy waits for the first, then finds the row sent."""
    import threading

    from sikd.core import jobs
    from sikd.notifications.tasks import send_notification_email

    mail.up()
    mail.inbox.slow_seconds = 1.0
    walikota = tell_the_kepala_daerah(client, make_user)
    note = next(n for n in to_send(app) if "kepala_daerah" in n.recipient_roles)
    results: list[str] = []

    def worker() -> None:  # as an RQ worker runs it: no app context of the caller
        results.append(send_notification_email(note.tenant_id, note.id))

    jobs.set_app(app)
    try:
        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    finally:
        jobs.set_app(None)
    assert sorted(results) == ["already-sent", "sent"]
    assert len(mail.inbox.to(walikota.email)) == 1


def test_a_job_lost_before_redis_took_it_is_relayed(
    app, client, make_user, mail, monkeypatch, caplog
):
    """Redis unreachable at the moment of commit: the action succeeds, the row waits, and the
    log line's promise holds — the relay enqueues it after the grace period."""
    from redis.exceptions import ConnectionError as RedisConnectionError

    from sikd.core import jobs

    def redis_down(*_args, **_kwargs):
        raise RedisConnectionError("Connection refused")

    monkeypatch.setattr(jobs, "enqueue_now", redis_down)
    with caplog.at_level(logging.ERROR):
        walikota = tell_the_kepala_daerah(client, make_user)
    monkeypatch.undo()
    assert any("relai berkala" in r.getMessage() for r in caplog.records)
    assert run_jobs(app, "notifications") == 0 and to_send(app)
    move_clock(app, 20)
    mail.up()
    assert relay(app) == len(to_send(app))
    run_jobs(app, "notifications")
    assert len(mail.inbox.to(walikota.email)) == 1 and to_send(app) == []


def test_development_without_a_mail_server_logs_each_email_once(app, client, make_user, caplog):
    """Nothing listens on the development mail port: one log line per e-mail, no traceback, and
    the row is settled so the relay does not log it again."""
    original = app.config["SIKD_SETTINGS"]
    app.config["SIKD_SETTINGS"] = replace(
        original, env="development", mail_server="127.0.0.1", mail_port=1
    )
    try:
        walikota = tell_the_kepala_daerah(client, make_user)
        with caplog.at_level(logging.INFO):
            run_jobs(app, "notifications")
            move_clock(app, 20)
            assert relay(app) == 0
    finally:
        app.config["SIKD_SETTINGS"] = original
    mailed = [n for n in rows(app) if n.email_status == "logged"]
    assert mailed and to_send(app) == []
    lines = [r for r in caplog.records if "Surel tidak dikirim" in r.getMessage()]
    assert len(lines) == len(mailed)
    assert any(walikota.email in r.getMessage() for r in lines)
    assert not [r for r in caplog.records if r.exc_info]  # no traceback
