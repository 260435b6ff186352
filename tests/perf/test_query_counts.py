"""Every list page asks the database a fixed number of statements, however many cooperations it
lists (the national-scale issue: the inbox asked once per row, the Gubernur queue three times,
the national view decoded a rulebook per row). Counted with the same hook as ``make bench``
(``sikd.core.query_count``); no timings."""

from __future__ import annotations

from datetime import timedelta

from sikd.core.clock import FixedClock
from sikd.testing.journeys import SISTER_CITY, journey_people, to_gubernur_with_rencana
from sikd.testing.perf import counting, page_statements
from sikd.testing.web import make_person

LIST_PAGES = [
    ("tkksd", "/beranda"),
    ("tkksd_api", "/api/v1/inbox"),
    ("tkksd", "/kerja-sama?q=kembar"),
    ("tkksd_api", "/api/v1/cooperations?q=kembar"),
    ("sekjen", "/nasional"),
    ("sekjen", "/kerja-sama?status=berjalan"),
]


def _create(api, n: int) -> None:
    opd = api("32.75", "opd")
    for i in range(n):
        body = {**SISTER_CITY, "title": f"Kota Kembar Bekasi nomor {i}"}
        assert opd.post("/api/v1/cooperations", json=body).status_code == 201


def test_list_pages_ask_as_many_statements_for_40_cooperations_as_for_5(app, web, api):
    clients = {
        "tkksd": web("32.75", ["tkksd"]),
        "sekjen": web("KEMENDAGRI", ["sekjen_verifier"]),
        "tkksd_api": api("32.75", "tkksd"),
    }

    def measure() -> dict[str, int]:
        from sikd.cooperations.rollup import refresh_rollup
        from sikd.core.extensions import db

        with app.app_context():  # as the periodic sweep does, between requests
            refresh_rollup()
            db.session.commit()
            db.session.remove()
        return {path: page_statements(clients[who], path) for who, path in LIST_PAGES}

    _create(api, 5)
    small = measure()
    _create(api, 35)
    large = measure()
    assert large == small
    assert max(large.values()) <= 15, large
    inbox = clients["tkksd_api"].get("/api/v1/inbox").get_json()
    assert inbox["total"] == 40  # all forty wait for the TKKSD: none was left off the count


def test_queue_and_overdue_lists_ask_as_many_statements_for_4_submissions_as_for_1(
    app, client, make_user, kinds, monkeypatch
):
    from sikd.core import clock

    people = journey_people(client, make_user)
    gubernur = app.test_client()
    from sikd.testing import login

    user = make_person(app, "32", ["gubernur_verifier"])
    assert login(gubernur, user.email).status_code == 302
    today = clock.now().date()

    sekjen, tkksd = app.test_client(), app.test_client()
    for c, code, roles in (
        (sekjen, "KEMENDAGRI", ["sekjen_verifier"]),
        (tkksd, "32.75", ["tkksd"]),
    ):
        assert login(c, make_person(app, code, roles).email).status_code == 302
    # six days on, the Gubernur's 5 days (Perwal 57/2023 Pasal 66(3)) have passed and the sweep
    # has not run yet: the queue, the national view and the register's overdue list show them
    later = clock.now() + timedelta(days=6)

    def measure() -> tuple[dict[str, int], str, str]:
        from sikd.cooperations.rollup import refresh_rollup
        from sikd.core.extensions import db

        app.extensions["sikd_clock"] = FixedClock(later)
        try:
            refresh_rollup(later)  # as the periodic sweep does, between requests
            db.session.commit()
            counts = {
                "/gubernur": page_statements(gubernur, "/gubernur"),
                "/nasional": page_statements(sekjen, "/nasional"),
                "/kerja-sama?overdue=1": page_statements(tkksd, "/kerja-sama?overdue=1"),
            }
            queue = gubernur.get("/gubernur").get_data(as_text=True)
            national = sekjen.get("/nasional").get_data(as_text=True)
            return counts, queue, national
        finally:
            app.extensions.pop("sikd_clock", None)

    to_gubernur_with_rencana(people, kinds, today)
    one, queue, _ = measure()
    assert queue.count("Teruskan ke Kemendagri") == 1
    for _ in range(3):
        to_gubernur_with_rencana(people, kinds, today)
    four, queue, national = measure()
    assert queue.count("Teruskan ke Kemendagri") == 4
    assert "Lewat tenggat (4)" in national
    assert four == one
    assert max(four.values()) <= 15, four
    # a page of the queue holds QUEUE_PAGE_SIZE cards, says how many wait, and pages on
    from sikd.cooperations import queues

    monkeypatch.setattr(queues, "QUEUE_PAGE_SIZE", 3)
    first, second = (gubernur.get(f"/gubernur?halaman={n}").get_data(as_text=True) for n in (1, 2))
    assert (
        first.count("Teruskan ke Kemendagri") == 3 and second.count("Teruskan ke Kemendagri") == 1
    )
    assert "4 pengajuan menunggu</strong> · halaman 1 dari 2" in first
    assert 'href="/gubernur?halaman=2"' in first


def test_counting_hook_sees_a_query_per_row_when_there_is_one(app_ctx):
    """The counter itself: a loop of queries is counted one by one (so equal counts above
    mean no per-row query, not a blind counter)."""
    from sqlalchemy import text

    from sikd.core.extensions import db

    with counting() as seen:
        for _ in range(3):
            db.session.execute(text("select 1"))
    assert seen["n"] >= 3
