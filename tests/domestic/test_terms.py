"""The term of a domestic cooperation: reminders before it ends, ``berakhir`` at its end unless
extended, and an approved extension's end date kept everywhere (Perwal Kota Bekasi 57/2023
Pasal 26, 42; Permendagri 23/2009 Pasal 6 huruf d angka 4), on the shipped rulebooks."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from sikd.cooperations.models import Cooperation
from sikd.cooperations.sweep import sweep_deadlines
from sikd.core.extensions import db
from sikd.deadlines.models import Deadline, DeadlineStatus
from sikd.notifications.models import Notification
from sikd.tenancy.scope import system_scope
from sikd.testing.domestic import detail, kinds_of, ksdpk_to_pelaksanaan, stage

BEKASI = "32.75"
WIB = ZoneInfo("Asia/Jakarta")
NEW_END = date(2030, 4, 10)


def _term_rows(coop_id: int) -> list[Deadline]:
    with system_scope():
        rows = db.session.scalars(
            select(Deadline).where(
                Deadline.cooperation_id == coop_id, Deadline.stage == "pelaksanaan"
            )
        ).all()
    return [r for r in rows if r.spec.get("starts") == "perjanjian_kerja_sama.tanggal_berakhir"]


def _reminders(coop_id: int) -> list[str]:
    db.session.rollback()
    with system_scope():
        return list(
            db.session.scalars(
                select(Notification.title).where(
                    Notification.cooperation_id == coop_id, Notification.kind == "reminder"
                )
            )
        )


def test_extension_to_2030_04_10_is_kept_and_rearms_the_reminders_pasal_42(cast, app_ctx):
    """Pasal 42(1)-(2): an extension agreed by the parties, with its rencana tindak, sets a
    new end date; the detail, the register and the term-end deadline all show 2030-04-10, and
    the reminders (6 and 1 bulan before, from the rulebook) come before that date, not the old."""
    kinds, today = kinds_of(BEKASI), date.today()
    cid = ksdpk_to_pelaksanaan(cast, BEKASI, kinds, today)
    old_end = today + timedelta(days=300)  # as the test driver fills the PKS
    first = _term_rows(cid)
    assert [r.due_at.astimezone(WIB).date() for r in first] == [old_end]

    kepala = cast(BEKASI, "kepala_daerah")
    kepala.act(cid, "ajukan_perpanjangan", kinds, today)
    kepala.act(cid, "disepakati", kinds, today, {"tanggal_berakhir_baru": NEW_END.isoformat()})

    body = detail(kepala, cid).get_json()
    assert body["term_end"] == NEW_END.isoformat() == body["term_extended_until"]
    listed = kepala.get("/api/v1/cooperations").get_json()["items"]
    assert next(c for c in listed if c["id"] == cid)["term_end"] == NEW_END.isoformat()
    rows = _term_rows(cid)
    open_rows = [r for r in rows if r.status == DeadlineStatus.OPEN]
    assert [r.due_at.astimezone(WIB).date() for r in open_rows] == [NEW_END]
    timeline = kepala.get(f"/api/v1/cooperations/{cid}/timeline").get_json()
    assert any(d["due_at"].startswith("2030-04-10") for d in timeline["deadlines"])

    # six months before the old end date nothing is reminded any more
    sweep_deadlines(datetime.combine(old_end - timedelta(days=182), datetime.min.time(), WIB))
    assert not [t for t in _reminders(cid) if "tenggat" in t]
    sweep_deadlines(datetime(2029, 10, 10, 8, 0, tzinfo=WIB))
    assert len(_reminders(cid)) == 1
    # a later step (a report) re-enters pelaksanaan: the term still ends on 2030-04-10
    cast(BEKASI, "opd").act(cid, "ajukan_laporan", kinds, today)
    kepala.act(cid, "sampaikan_laporan", kinds, today)
    assert detail(kepala, cid).get_json()["term_end"] == NEW_END.isoformat()
    reopened = [r for r in _term_rows(cid) if r.status == DeadlineStatus.OPEN]
    assert [r.due_at.astimezone(WIB).date() for r in reopened] == [NEW_END]


def test_term_end_makes_it_berakhir_and_the_pengakhiran_needs_the_checklist(cast, app_ctx):
    """Pasal 42(1): the term ends on its date unless extended; Permendagri 23/2009 Pasal 6
    huruf d angka 4: ending records the inventory of assets and obligations."""
    kinds, today = kinds_of(BEKASI), date.today()
    cid = ksdpk_to_pelaksanaan(cast, BEKASI, kinds, today)
    end = today + timedelta(days=300)
    sweep_deadlines(datetime.combine(end, datetime.min.time(), WIB) + timedelta(hours=8))
    assert detail(cast(BEKASI, "tkksd"), cid).get_json()["status"] == "berjalan"
    result = sweep_deadlines(
        datetime.combine(end + timedelta(days=1), datetime.min.time(), WIB) + timedelta(hours=8)
    )
    db.session.rollback()
    with system_scope():
        number = db.session.get(Cooperation, cid).number
    assert result.ended == [number]
    kepala = cast(BEKASI, "kepala_daerah")
    assert detail(kepala, cid).get_json()["status"] == "berakhir"
    # the sweep started the pengakhiran itself (the term-end schedule, Perwal 57/2023 Pasal 79),
    # which requires the berita acara with the checklist
    assert stage(kepala, cid) == "pengakhiran"
    listing = kepala.actions(cid)
    info = next(a for a in listing["actions"] if a["id"] == "tetapkan_berakhir")
    assert info["missing_documents"] == ["berita_acara_pengakhiran"]
    fields = kinds["berita_acara_pengakhiran"]["fields"]
    assert {"inventarisasi_barang", "pemenuhan_kewajiban"} <= {f["name"] for f in fields}
    kepala.act(cid, "tetapkan_berakhir", kinds, today)
    assert detail(kepala, cid).get_json()["status"] == "selesai"


def test_internal_report_is_scheduled_every_six_months_pasal_33_1(cast, app_ctx):
    """Pasal 33(1) (48 for KSDPK): the Perangkat Daerah reports to the Kepala Daerah
    periodically; the period (6 bulan, an ambiguity of the Perwal decided in the rulebook) is
    opened as a reminder when pelaksanaan starts."""
    kinds, today = kinds_of(BEKASI), date.today()
    cid = ksdpk_to_pelaksanaan(cast, BEKASI, kinds, today)
    with system_scope():
        rows = db.session.scalars(
            select(Deadline).where(
                Deadline.cooperation_id == cid,
                Deadline.stage == "pelaksanaan",
                Deadline.status == DeadlineStatus.OPEN,
            )
        ).all()
    periodic = [r for r in rows if "33(1)" in r.spec["basis"]]
    assert len(periodic) == 1
    assert periodic[0].spec["amount"] == 6 and periodic[0].spec["unit"] == "bulan"
    assert periodic[0].spec["on_expiry"] == "remind"
