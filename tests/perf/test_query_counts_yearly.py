"""The yearly duties (Perwal Bekasi 57/2023 Pasal 85 — the second, on Pengawasan — and 88) in the
Kotak Masuk, the Pemantauan & Evaluasi list and ``GET /api/v1/pengawasan`` ask a fixed number of
statements however many rounds and follow-ups they list. A follow-up met by a document
(Pasal 85(7): the evaluation's recommendation) read its cooperation's documents once per row (twice
in the Kotak Masuk), and the Kepala Daerah's Kotak Masuk read them again per row for the actions
of its packages. A letter filed after the report still meets its follow-up.

The rounds are written directly, as the sweep (an open pemantauan) and the tim's report (an
evaluasi whose recommendation awaits a letter) leave them, on cooperations made through the API:
the walk to pelaksanaan per cooperation is covered by ``tests/yearly``. Counted with the same hook
as ``make bench``; no timings."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from sikd.cooperations.models import Cooperation
from sikd.cooperations.rounds import MonitoringRound
from sikd.core import clock
from sikd.core.extensions import db
from sikd.rules import effective_rulebook
from sikd.tenancy.scope import system_scope
from sikd.tenancy.services import get_tenant
from sikd.testing.journeys import SISTER_CITY
from sikd.testing.perf import counting, page_statements
from sikd.testing.web import text

CODE = "32.75"
# Pasal 85(7): "menagih kewajiban mitra" is met by a letter (a document), not by an action
RECOMMENDATION = "menagih_kewajiban_mitra"

PAGES = [
    ("tkksd", "/beranda"),
    ("kd", "/beranda"),
    ("tim", "/beranda"),
    ("tkksd", "/pemantauan-evaluasi"),
    ("tim", "/pemantauan-evaluasi"),
    ("kd_api", "/api/v1/pengawasan"),
    ("tim_api", "/api/v1/pengawasan"),
]


def _follow_up() -> dict:
    jadwal = effective_rulebook(CODE).as_dict()["jadwal"]
    follow = jadwal["evaluasi"]["pengawasan"]["tindak_lanjut"][RECOMMENDATION]
    assert follow.get("documents") and not follow.get("actions")  # met by a document only
    return follow


def _add_rounds(coop: Cooperation, evaluasi: int, now, open_pemantauan: bool = True) -> None:
    """An open pemantauan (``open_pemantauan``), and ``evaluasi`` reported evaluasi whose
    follow-up still awaits its letter."""
    follow = _follow_up()
    common = {"tenant_id": coop.tenant_id, "cooperation_id": coop.id, "reason": "terjadwal"}
    if open_pemantauan:  # every other one past its report's due date
        late = coop.id % 2 == 0
        opened = now - timedelta(days=45 if late else 0)
        db.session.add(
            MonitoringRound(
                **common,
                kind="pemantauan",
                scheduled_on=opened.date(),
                due_on=(opened + timedelta(days=30)).date(),
                status="late" if late else "open",
                opened_at=opened,
            )
        )
    for i in range(evaluasi):
        opened = now - timedelta(days=40 + 200 * i)
        db.session.add(
            MonitoringRound(
                **common,
                kind="evaluasi",
                scheduled_on=opened.date(),
                due_on=(opened + timedelta(days=30)).date(),
                status="reported",
                opened_at=opened,
                reported_at=opened + timedelta(days=28),
                report={"catatan": "Mitra belum memenuhi kewajibannya", "lampiran": {}},
                rekomendasi=RECOMMENDATION,
                tindak_lanjut={
                    "label": follow["label"],
                    "actions": [],
                    "documents": list(follow["documents"]),
                    "status": "open",
                },
            )
        )


def _with_rounds(app, api, n: int) -> list[int]:
    """``n`` more cooperations, each with an open pemantauan and an evaluasi whose follow-up
    still awaits its letter; their ids."""
    opd = api(CODE, "opd")
    for i in range(n):
        body = {**SISTER_CITY, "title": f"Kota Kembar Bekasi dipantau {i}"}
        assert opd.post("/api/v1/cooperations", json=body).status_code == 201
    with app.app_context(), system_scope():
        tenant = get_tenant(CODE)
        watched = select(MonitoringRound.cooperation_id)
        coops = db.session.scalars(
            select(Cooperation).where(
                Cooperation.tenant_id == tenant.id, Cooperation.id.not_in(watched)
            )
        ).all()
        assert len(coops) == n
        for coop in coops:
            _add_rounds(coop, 1, clock.now())
        db.session.commit()
        return [c.id for c in coops]


def _home_line(client) -> tuple[int, int, int]:
    """(awaiting the tim's report, of which late, follow-ups owed) as the Kotak Masuk says."""
    page = text(client.get("/beranda"))
    found = [re.search(p, page) for p in (r"(\d+) menunggu laporan", r"\((\d+) terlambat\)",
                                          r"(\d+) rekomendasi evaluasi menunggu")]  # fmt: skip
    return tuple(int(m.group(1)) if m else 0 for m in found)


def _list_line(client) -> tuple[int, int, int]:
    """The same three, counted from the list (``GET /api/v1/pengawasan``)."""
    items = client.get("/api/v1/pengawasan").get_json()["items"]
    return (
        sum(i["item"] == "laporan" for i in items),
        sum(i["late"] for i in items),
        sum(i["item"] == "tindak_lanjut" for i in items),
    )


def test_yearly_duties_ask_as_many_statements_for_6_cooperations_as_for_1(app, web, api):
    clients = {
        "tkksd": web(CODE, ["tkksd"]),
        "kd": web(CODE, ["kepala_daerah"]),
        "tim": web(CODE, ["tim_pengawasan"]),
        "kd_api": api(CODE, "kepala_daerah"),
        "tim_api": api(CODE, "tim_pengawasan"),
        "tkksd_api": api(CODE, "tkksd"),
    }

    def same_counts_as_the_lists() -> None:
        """The Kotak Masuk's line counts what the list holds, for each role."""
        for role in ("tkksd", "kd", "tim"):
            assert _home_line(clients[role]) == _list_line(clients[f"{role}_api"]), role

    def listed() -> tuple[int, int]:
        follow_ups = clients["kd_api"].get("/api/v1/pengawasan").get_json()["items"]
        reports = clients["tim_api"].get("/api/v1/pengawasan").get_json()["items"]
        assert {i["item"] for i in follow_ups} <= {"tindak_lanjut"}
        assert {i["item"] for i in reports} <= {"laporan"}
        assert all(i["tindak_lanjut"]["status"] == "open" for i in follow_ups)
        return len(follow_ups), len(reports)

    _with_rounds(app, api, 1)
    small = {(who, path): page_statements(clients[who], path) for who, path in PAGES}
    assert listed() == (1, 1)
    same_counts_as_the_lists()
    ids = _with_rounds(app, api, 5)
    large = {(who, path): page_statements(clients[who], path) for who, path in PAGES}
    assert listed() == (6, 6)
    same_counts_as_the_lists()
    assert _list_line(clients["tim_api"])[1] == 3  # every other round is late
    assert large == small
    assert max(large.values()) <= 15, large

    # the letter filed after the report meets one follow-up (read from the list's one query)
    kinds = effective_rulebook(CODE).as_dict()["document_kinds"]
    [letter] = _follow_up()["documents"]
    filed = api(CODE, "tkksd").upload(ids[0], letter, kinds, clock.now().date())
    assert filed.status_code == 201, filed.get_json()
    assert listed() == (5, 6)
    owed = clients["kd_api"].get("/api/v1/pengawasan").get_json()["items"]
    assert ids[0] not in {i["cooperation"]["id"] for i in owed}
    assert "5 rekomendasi evaluasi menunggu tindak lanjut" in text(clients["kd"].get("/beranda"))
    same_counts_as_the_lists()


def test_rounds_of_a_cooperation_ask_as_many_statements_for_4_follow_ups_as_for_1(app, api):
    """``GET /api/v1/cooperations/<id>/pengawasan``: each follow-up met by a document read the
    cooperation's documents again."""
    tkksd = api(CODE, "tkksd")
    [cid] = _with_rounds(app, api, 1)

    def statements() -> tuple[int, list[str]]:
        path = f"/api/v1/cooperations/{cid}/pengawasan"
        tkksd.get(path)
        with counting() as seen:
            response = tkksd.get(path)
        assert response.status_code == 200, response.get_json()
        items = response.get_json()["items"]
        return seen["n"], [i["tindak_lanjut"]["status"] for i in items if i["tindak_lanjut"]]

    small, follow_ups = statements()
    assert follow_ups == ["open"]
    with app.app_context(), system_scope():
        coop = db.session.get(Cooperation, cid)
        _add_rounds(coop, 3, clock.now() - timedelta(days=1), open_pemantauan=False)
        db.session.commit()
    large, follow_ups = statements()
    assert follow_ups == ["open"] * 4
    assert large == small
