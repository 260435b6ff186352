"""No lost letters: a letter whose rendering failed is retried by RQ with backoff, and a letter
still not done after a grace period with no job on its way is enqueued again by the relay —
without ever filing a second document.

Found by the outside test: no retry was configured for letter jobs, and a log line promised a
catch-up that did not exist. Letters are requested through the API and rendered by an RQ worker
into documents on moto's S3 server.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from sikd.core.extensions import db
from sikd.testing import TEST_PASSWORD, ApiUser
from sikd.testing.harness import start_moto, stop_moto
from sikd.testing.jobs import job_status, move_clock, release_retries, run_jobs
from sikd.testing.journeys import SISTER_CITY

CONTEXT = {
    "tujuan": "Ketua DPRD Kota Bekasi",
    "penandatangan": {"jabatan": "Wali Kota Bekasi", "nama": "Nama Wali Kota"},
}


@pytest.fixture
def tkksd(client, make_user):
    user = ApiUser(client, make_user("32.75", ["tkksd"]), TEST_PASSWORD)
    user.cid = user.post("/api/v1/cooperations", json=SISTER_CITY).get_json()["id"]
    return user


def request_letter(tkksd) -> dict:
    response = tkksd.post(
        f"/api/v1/cooperations/{tkksd.cid}/letters",
        json={"kind": "surat_permohonan_dprd", "context": CONTEXT},
    )
    assert response.status_code == 202, response.get_json()
    return response.get_json()


def letter(tkksd, letter_id: int) -> dict:
    return tkksd.get(f"/api/v1/letters/{letter_id}").get_json()


def documents_filed(app) -> int:
    from sikd.documents.models import Document
    from sikd.tenancy.scope import system_scope

    with app.app_context(), system_scope():
        count = db.session.scalar(select(func.count()).select_from(Document))
        db.session.commit()
        return count


def relay(app) -> int:
    from sikd.documents.tasks import relay_pending_letters

    with app.app_context():
        return relay_pending_letters()


def test_a_letter_whose_rendering_failed_is_retried(app, tkksd, moto_s3):
    from sikd.documents.issuing import letter_job_id

    asked = request_letter(tkksd)
    port = stop_moto(moto_s3)
    try:
        run_jobs(app, "documents")
    finally:
        start_moto(moto_s3, port)
    failed = letter(tkksd, asked["id"])
    assert failed["status"] == "failed" and "Penyimpanan berkas" in failed["error"]
    assert job_status(app, letter_job_id(*_ids(app, asked["id"]))) == "scheduled"

    assert release_retries(app, "documents") == 1  # the backoff has passed
    run_jobs(app, "documents")
    done = letter(tkksd, asked["id"])
    assert done["status"] == "done" and done["document_id"] and done["error"] is None
    assert documents_filed(app) == 1


def test_a_letter_whose_job_was_lost_is_relayed_after_grace_and_filed_once(app, tkksd):
    from sikd.core.jobs import get_queue, get_redis
    from sikd.documents.issuing import RENDER_LETTER

    asked = request_letter(tkksd)
    with app.app_context():
        get_redis().flushdb()  # Redis lost its data: the letter row is all that is left
    assert relay(app) == 0  # within the grace period
    move_clock(app, 20)
    assert relay(app) == 1
    assert relay(app) == 0  # on its way already
    with app.app_context():  # a racing second relay's copy
        get_queue("documents").enqueue(RENDER_LETTER, *_ids(app, asked["id"]))
    run_jobs(app, "documents")
    done = letter(tkksd, asked["id"])
    assert done["status"] == "done" and done["document_id"]
    assert documents_filed(app) == 1
    assert relay(app) == 0


def test_one_letter_rendered_by_two_workers_at_once_is_filed_once(app, tkksd):
    """A relayed copy running beside the original (two workers): the second waits for the first,
    then finds the letter done; one document, the same id for both."""
    import threading

    from sikd.core import jobs
    from sikd.documents.tasks import render_letter_job

    asked = request_letter(tkksd)
    ids = _ids(app, asked["id"])
    results: list = []

    def worker() -> None:  # as an RQ worker runs it: no app context of the caller
        try:
            results.append(render_letter_job(*ids))
        except BaseException as exc:  # noqa: BLE001
            results.append(exc)

    jobs.set_app(app)
    try:
        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
    finally:
        jobs.set_app(None)
    assert len(results) == 2 and results[0] == results[1], results
    assert letter(tkksd, asked["id"])["document_id"] == results[0]
    assert documents_filed(app) == 1


def _ids(app, letter_id: int) -> tuple[int, int]:
    from sikd.documents.models import Letter
    from sikd.tenancy.scope import system_scope

    with app.app_context(), system_scope():
        tenant_id = db.session.scalar(select(Letter.tenant_id).where(Letter.id == letter_id))
        db.session.commit()
        return tenant_id, letter_id
