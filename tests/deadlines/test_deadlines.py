"""Deadlines that cannot be lost: DPRD silence (Permendagri 25/2020 tahap 5; Perwal Bekasi
57/2023 Pasal 65), reminders, the sweep's idempotence."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from sikd.core.clock import FixedClock
from sikd.rules import WorkingCalendar, effective_rulebook
from sikd.testing import TEST_PASSWORD
from sikd.testing.api import ApiUser
from sikd.testing.journeys import SISTER_CITY

WIB = ZoneInfo("Asia/Jakarta")
START = datetime(2026, 1, 5, 9, 0, tzinfo=WIB)  # a Monday


@pytest.fixture
def clock_at(app):
    def set_clock(instant: datetime) -> None:
        app.extensions["sikd_clock"] = FixedClock(instant)

    return set_clock


def daerah_people(client, make_user, code: str, provinsi: str) -> dict:
    def api(c, role):
        return ApiUser(client, make_user(c, [role]), TEST_PASSWORD)

    return {
        "opd": api(code, "opd"),
        "tkksd": api(code, "tkksd"),
        "kd": api(code, "kepala_daerah"),
        "dprd": api(code, "sekretariat_dprd"),
        "gubernur": api(provinsi, "gubernur_verifier"),
        "sekjen": api("KEMENDAGRI", "sekjen_verifier"),
        "kemlu": api("KEMLU", "kemlu_reviewer"),
    }


def to_dprd(p: dict, code: str, when: datetime, clock_at) -> int:
    """Walk a sister-city cooperation to the DPRD stage; it reaches the DPRD at ``when``."""
    kinds = effective_rulebook(code).as_dict()["document_kinds"]
    today = when.date()
    clock_at(when - timedelta(days=3))
    body = dict(
        SISTER_CITY,
        persyaratan=[
            x["code"]
            for x in effective_rulebook(code).as_dict()["persyaratan"]
            if "KSDPL" in x.get("types", ["KSDPL"])
        ],
    )
    cid = p["opd"].post("/api/v1/cooperations", json=body).get_json()["id"]
    p["tkksd"].act(cid, "lanjut_penjajakan", kinds, today)
    p["kd"].act(cid, "sepakat", kinds, today)
    p["sekjen"].act(cid, "beri_tanggapan", kinds, today)
    p["kemlu"].act(cid, "beri_tanggapan_kemlu", kinds, today)
    p["kd"].act(cid, "loi_ditandatangani", kinds, today)
    p["opd"].act(cid, "ajukan_telaah", kinds, today)
    clock_at(when)
    p["tkksd"].act(cid, "ajukan_ke_dprd", kinds, today)
    assert p["tkksd"].get(f"/api/v1/cooperations/{cid}").get_json()["stage"] == "persetujuan_dprd"
    return cid


def stage(p, cid):
    return p["tkksd"].get(f"/api/v1/cooperations/{cid}").get_json()["stage"]


def test_bekasi_dprd_silent_is_deemed_approved_on_calendar_day_46_pasal_65_ayat_3(
    client, make_user, clock_at, cli
):
    """Perwal Bekasi 57/2023 Pasal 65(2)–(3): 45 *hari* after the Sekretariat DPRD received it."""
    p = daerah_people(client, make_user, "32.75", "32")
    cid = to_dprd(p, "32.75", START, clock_at)
    day45_late = datetime.combine(
        (START + timedelta(days=45)).date(), datetime.min.time(), WIB
    ) + timedelta(hours=23)
    assert "0 tenggat dijalankan" in cli("deadlines", "run", "--now", day45_late.isoformat()).output
    assert stage(p, cid) == "persetujuan_dprd"
    day46 = datetime.combine(
        (START + timedelta(days=46)).date(), datetime.min.time(), WIB
    ) + timedelta(hours=0, minutes=5)
    out = cli("deadlines", "run", "--now", day46.isoformat()).output
    assert "deemed_approved" in out
    assert stage(p, cid) == "penyampaian_rencana"
    events = p["tkksd"].get(f"/api/v1/cooperations/{cid}/timeline").get_json()["events"]
    deemed = [e for e in events if e["expiry"] == "deemed_approved"]
    assert len(deemed) == 1 and "Pasal 65" in deemed[0]["basis"]
    assert "0 tenggat dijalankan" in cli("deadlines", "run", "--now", day46.isoformat()).output


def test_surakarta_dprd_silent_not_deemed_approved_before_working_day_46_pmdn25_tahap_5(
    client, make_user, clock_at, cli
):
    """Permendagri 25/2020 tahap 5: 45 *hari kerja*; Kota Surakarta has no variant."""
    p = daerah_people(client, make_user, "33.72", "33")
    cid = to_dprd(p, "33.72", START, clock_at)
    cal = WorkingCalendar()
    day45 = cal.add_days(START.date(), 45, "hari_kerja")
    day46 = cal.add_days(START.date(), 46, "hari_kerja")
    assert (day45 - START.date()).days > 45  # weekends and holidays make it longer than 45 hari
    # the calendar day 46 that ended Bekasi's wait changes nothing here
    calendar_day46 = datetime.combine(
        (START + timedelta(days=46)).date(), datetime.min.time(), WIB
    ) + timedelta(hours=10)
    assert (
        "0 tenggat dijalankan"
        in cli("deadlines", "run", "--now", calendar_day46.isoformat()).output
    )
    end_of_day45 = datetime.combine(day45, datetime.min.time(), WIB) + timedelta(
        hours=23, minutes=59
    )
    assert (
        "0 tenggat dijalankan" in cli("deadlines", "run", "--now", end_of_day45.isoformat()).output
    )
    assert stage(p, cid) == "persetujuan_dprd"
    morning46 = datetime.combine(day46, datetime.min.time(), WIB) + timedelta(hours=8)
    assert "deemed_approved" in cli("deadlines", "run", "--now", morning46.isoformat()).output
    assert stage(p, cid) == "penyampaian_rencana"
    events = p["tkksd"].get(f"/api/v1/cooperations/{cid}/timeline").get_json()["events"]
    assert any(
        e["expiry"] == "deemed_approved" and "Permendagri 25/2020" in e["basis"] for e in events
    )


def test_dprd_answer_before_the_deadline_closes_it(client, make_user, clock_at, cli):
    p = daerah_people(client, make_user, "32.75", "32")
    cid = to_dprd(p, "32.75", START, clock_at)
    kinds = effective_rulebook("32.75").as_dict()["document_kinds"]
    clock_at(START + timedelta(days=10))
    p["dprd"].act(cid, "setujui", kinds, START.date())
    deadlines = p["tkksd"].get(f"/api/v1/cooperations/{cid}/timeline").get_json()["deadlines"]
    dprd = [d for d in deadlines if d["stage"] == "persetujuan_dprd"]
    assert [d["status"] for d in dprd] == ["closed"]
    assert (
        "0 tenggat dijalankan"
        in cli("deadlines", "run", "--now", (START + timedelta(days=60)).isoformat()).output
    )


def test_holder_is_reminded_one_working_day_before_and_on_the_day(client, make_user, clock_at, cli):
    """Reminders to the holder before a deadline (issue: one working day before, and on the day)."""
    p = daerah_people(client, make_user, "32.75", "32")
    cid = to_dprd(p, "32.75", START, clock_at)
    kinds = effective_rulebook("32.75").as_dict()["document_kinds"]
    clock_at(START + timedelta(days=1))
    p["dprd"].act(cid, "setujui", kinds, START.date())
    p["kd"].act(cid, "sampaikan", kinds, START.date())  # to the Gubernur: 5 hari
    timeline = p["tkksd"].get(f"/api/v1/cooperations/{cid}/timeline").get_json()
    due = datetime.fromisoformat(
        [d for d in timeline["deadlines"] if d["stage"] == "rencana_di_gubernur"][0]["due_at"]
    )
    due_local = due.astimezone(WIB).date()
    cal = WorkingCalendar()
    day_before = due_local - timedelta(days=1)
    while not cal.is_working_day(day_before):
        day_before -= timedelta(days=1)
    early = datetime.combine(day_before, datetime.min.time(), WIB) - timedelta(hours=1)
    assert "0 pengingat" in cli("deadlines", "run", "--now", early.isoformat()).output
    first = datetime.combine(day_before, datetime.min.time(), WIB) + timedelta(hours=9)
    assert "1 pengingat" in cli("deadlines", "run", "--now", first.isoformat()).output
    assert "0 pengingat" in cli("deadlines", "run", "--now", first.isoformat()).output  # only once
    saturday = datetime.combine(
        due_local - timedelta(days=1), datetime.min.time(), WIB
    ) + timedelta(hours=9)
    assert (
        "1 pengingat" in cli("deadlines", "run", "--now", saturday.isoformat()).output
    )  # the rulebook's own
    on_day = datetime.combine(due_local, datetime.min.time(), WIB) + timedelta(hours=9)
    assert "1 pengingat" in cli("deadlines", "run", "--now", on_day.isoformat()).output
    notes = p["gubernur"].get("/api/v1/notifications").get_json()["items"]
    # the two the platform always sends, plus the rulebook's own "1 hari before" (a Saturday here)
    assert sum("Pengingat" in n["title"] for n in notes) == 3
    assert not [
        n
        for n in p["tkksd"].get("/api/v1/notifications").get_json()["items"]
        if "Pengingat" in n["title"]
    ]
