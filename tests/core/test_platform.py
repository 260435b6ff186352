"""Configuration, health, and jobs through real Redis."""

from __future__ import annotations

import pytest
from rq import SimpleWorker

from sikd.core.config import ConfigError, load_settings


def test_refuses_to_start_outside_development_without_secret_key():
    with pytest.raises(ConfigError, match="SIKD_SECRET_KEY wajib"):
        load_settings({"SIKD_ENV": "production"})
    with pytest.raises(ConfigError, match="terlalu pendek"):
        load_settings({"SIKD_ENV": "production", "SIKD_SECRET_KEY": "pendek"})
    ok = load_settings({"SIKD_ENV": "production", "SIKD_SECRET_KEY": "k" * 40})
    assert ok.session_cookie_secure is True
    assert load_settings({"SIKD_DORMANT_MONTHS": "6"}).dormant_months == 6


def test_settings_are_typed_and_bad_values_are_named():
    s = load_settings({"SIKD_UPLOAD_MAX_BYTES": "1000", "SIKD_MAIL_USE_TLS": "ya"})
    assert s.upload_max_bytes == 1000 and s.mail_use_tls is True
    assert s.uses_embedded_database and s.uses_embedded_redis and not s.uses_s3
    with pytest.raises(ConfigError, match="SIKD_MAIL_PORT"):
        load_settings({"SIKD_MAIL_PORT": "dua lima"})


def test_healthz_reports_each_service(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    checks = response.get_json()["checks"]
    assert set(checks) == {"database", "redis", "storage"}
    assert all(c["ok"] for c in checks.values())


def test_healthz_is_503_when_storage_is_down(client, moto_s3):
    moto_s3.server.stop()
    try:
        response = client.get("/healthz")
    finally:
        moto_s3.server.start()
    assert response.status_code == 503
    body = response.get_json()
    assert body["checks"]["storage"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True


def test_heartbeat_job_runs_through_real_redis(app_ctx):
    from sikd.core import tasks as jobs
    from sikd.core.jobs import get_queue, get_redis

    job = get_queue("default").enqueue(jobs.heartbeat)
    worker = SimpleWorker([get_queue("default")], connection=get_redis())
    assert worker.work(burst=True)
    job.refresh()
    assert job.is_finished
    assert get_redis().get(jobs.HEARTBEAT_KEY).decode() == job.return_value()


def test_jobs_enqueued_in_a_transaction_wait_for_commit(app_ctx, db_session):
    from sqlalchemy import text

    from sikd.core import tasks as jobs
    from sikd.core.jobs import enqueue_after_commit, get_queue

    db_session.execute(text("select 1"))
    enqueue_after_commit("default", jobs.heartbeat)
    assert get_queue("default").count == 0
    db_session.rollback()
    assert get_queue("default").count == 0  # rolled back: nothing enqueued
    db_session.execute(text("select 1"))
    enqueue_after_commit("default", jobs.heartbeat)
    db_session.commit()
    assert get_queue("default").count == 1


def test_schedule_has_heartbeat_every_minute():
    from sikd_workers.schedule import schedule

    beats = [e for e in schedule() if e.name == "heartbeat"]
    assert beats and beats[0].interval_seconds == 60 and beats[0].queue == "default"
