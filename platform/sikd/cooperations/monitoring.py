"""Pemantauan and evaluasi on a schedule (PMDN23 Pasal 10 huruf d; Perwal Bekasi 57/2023
Pasal 85 (the second, Pengawasan), 88).

The first pemantauan is a ``jadwal`` row due 6 months after signing. When a schedule row with
``on_expiry: pengawasan`` falls due, the sweep opens a :class:`MonitoringRound` (the tim
pembinaan dan pengawasan's inbox item) whose report is due ``report_within`` later, tracked by a
second deadline row pointing at the round (``spec.round_id``, ``on_expiry: terlambat``), so an
unreported round is late for the holder, the TKKSD and the supervisor like any schedule. The
report attaches the documents the rulebook names and arms the next schedule 6 months after it
(pemantauan → evaluasi → pemantauan …). A round may also be opened "pada saat diperlukan".
An evaluation's recommendation (the matrix's ``rekomendasi``) opens its follow-up, met by the
named action on the cooperation or by a document of the named kind filed after the report.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, or_, select

from sikd.accounts.models import User
from sikd.audit import services as audit
from sikd.cooperations import schedules
from sikd.cooperations.access import get_visible, of_cooperation
from sikd.cooperations.models import Cooperation, CooperationStatus
from sikd.cooperations.rounds import MonitoringRound
from sikd.cooperations.state import (
    current_documents,
    documents_read_once,
    preload_rulebook_versions,
)
from sikd.core.dates import add_span
from sikd.core.errors import AppError
from sikd.core.extensions import db
from sikd.core.i18n import format_tanggal
from sikd.deadlines.models import Deadline, DeadlineStatus
from sikd.workflow.rulebook import Rulebook
from sikd.workflow.types import Decision

KINDS = ("pemantauan", "evaluasi")
OPEN = ("open", "late")


def rules_of_kind(coop: Cooperation, kind: str) -> dict[str, Any]:
    j = schedules.jadwal_of(coop).get(kind)
    if not j or not j.get("pengawasan"):
        raise AppError(
            "pengawasan_tidak_berlaku",
            f"Aturan kerja sama ini tidak mengatur {kind} untuk jenis {coop.type}.",
            status=409,
        )
    return j


def _local_day(coop: Cooperation, instant: datetime) -> date:
    return instant.astimezone(schedules.zone(coop)).date()


def open_round(
    coop: Cooperation, kind: str, scheduled_on: date, reason: str, now: datetime, alasan: str = ""
) -> MonitoringRound:
    """A round for the tim pembinaan dan pengawasan, with the deadline row of its report."""
    j = rules_of_kind(coop, kind)
    within = j["pengawasan"]["report_within"]
    due = add_span(scheduled_on, within["amount"], within["unit"])
    rnd = MonitoringRound(
        tenant_id=coop.tenant_id,
        cooperation_id=coop.id,
        kind=kind,
        reason=reason,
        scheduled_on=scheduled_on,
        due_on=due,
        status="open",
        opened_at=now,
        report={"alasan": alasan} if alasan else {},
    )
    db.session.add(rnd)
    db.session.flush()
    row = schedules.open_row(coop, kind, j, due, f"r{rnd.id}", now)
    row.spec = {**row.spec, "on_expiry": "terlambat", "round_id": rnd.id, "reminders": []}
    schedules.tell(
        coop,
        row,
        "pengawasan_dibuka",
        f"{j['label']}: {coop.number}",
        (
            f"{j['label']} atas '{coop.title}' dijadwalkan {format_tanggal(scheduled_on)} "
            f"({Rulebook(schedules.rulebook_of(coop)).cite(j['basis'])}). Sampaikan laporannya "
            f"kepada ketua TKKSD paling lambat {format_tanggal(due)}."
        ),
        now,
        f"round:{rnd.id}",
    )
    return rnd


def fire_schedule(row: Deadline, coop: Cooperation, now: datetime) -> None:
    """The schedule fell due: the round opens (the item appears in the tim's inbox)."""
    row.status, row.fired_at = DeadlineStatus.FIRED, now
    open_round(coop, row.jadwal or "", _local_day(coop, row.due_at), "terjadwal", now)


def round_due(row: Deadline, coop: Cooperation, now: datetime) -> None:
    """The report of a round fell due: closed if reported, else late (and told)."""
    rnd = db.session.get(MonitoringRound, row.spec["round_id"])
    if rnd is None or rnd.status in ("reported", "obsolete"):
        schedules.close_row(coop, row, now)
        return
    rnd.status = "late"
    schedules.mark_late(coop, row, now)


def arm_next(coop: Cooperation, kind: str, after: date, now: datetime) -> Deadline | None:
    """The next schedule of ``kind``, 6 months (the rulebook's span) after ``after``."""
    j = schedules.jadwal_of(coop).get(kind)
    if not j or j["anchor"] == "diperlukan":  # no rhythm: opened only when needed
        return None
    due = add_span(after, j["amount"], j["unit"])
    return schedules.open_row(coop, kind, j, due, due.isoformat(), now)


def _scheduled_rows(coop_id: int, kind: str) -> list[Deadline]:
    """Open schedule rows of ``kind`` not yet turned into a round."""
    return [
        r
        for r in schedules.rows_of(coop_id, ("open",))
        if r.jadwal == kind and "round_id" not in (r.spec or {})
    ]


TIM = "tim_pengawasan"


def own_running(user: User, coop_id: int) -> Cooperation:
    """The cooperation, locked, when ``user`` is of the tim (or the TKKSD) of the daerah that
    owns it and it runs: 404 when not visible, 403 for anyone else, 409 when not running."""
    coop = get_visible(coop_id, for_update=True)
    if coop.tenant_id != user.tenant_id or not user.has_role(TIM, "tkksd"):
        raise AppError(
            "bukan_tim_pengawasan",
            "Pemantauan dan evaluasi dilakukan oleh Tim Pembinaan dan Pengawasan daerah pemilik "
            "kerja sama.",
            status=403,
        )
    if coop.status != CooperationStatus.BERJALAN:
        raise AppError("kerja_sama_tidak_berjalan", "Kerja sama ini tidak berjalan.", status=409)
    return coop


def open_when_needed(
    coop: Cooperation, kind: str, alasan: str, now: datetime, user: User | None = None
) -> MonitoringRound:
    """Pasal 85(3), (5): "pada saat diperlukan". The scheduled row it replaces goes obsolete.
    Only once the cooperation is signed: pemantauan and evaluasi are of its pelaksanaan (84)."""
    if coop.term_start is None:
        raise AppError(
            "not_signed",
            "Pemantauan dan evaluasi dilakukan atas pelaksanaan kerja sama (Perwal Kota Bekasi "
            "57/2023 Pasal 84; Permendagri 23/2009 Pasal 10 huruf d). Kerja sama ini belum "
            "ditandatangani; buka pemantauan setelah naskahnya ditandatangani.",
            status=409,
        )
    if not alasan.strip():
        raise AppError(
            "alasan_wajib",
            "Tuliskan alasan mengapa pemantauan/evaluasi diperlukan sekarang.",
            status=422,
            field_errors={"alasan": ["Wajib diisi."]},
        )
    for row in _scheduled_rows(coop.id, kind):
        row.status, row.closed_at = DeadlineStatus.OBSOLETE, now
    rnd = open_round(coop, kind, _local_day(coop, now), "diperlukan", now, alasan.strip())
    db.session.flush()
    audit.record(
        tenant_id=coop.tenant_id,
        action=f"pengawasan.{kind}_dibuka",
        object_type="cooperation",
        object_id=coop.id,
        summary=f"{kind.capitalize()} {coop.number} dibuka pada saat diperlukan: {alasan.strip()}",
        at=now,
        actor=user,
        data={"round": rnd.id, "kind": kind, "alasan": alasan.strip()},
    )
    return rnd


def _attachments(
    coop: Cooperation, rnd: MonitoringRound, spec: dict[str, Any], basis: str
) -> dict[str, int]:
    """``{kind: version id}`` of the documents the report attaches; refuses what is missing.
    The report itself (the first kind) must be filed since the round opened."""
    current: dict[str, Any] = {}
    for doc in current_documents(coop):
        v = doc.current_version
        if v is not None and (doc.kind not in current or v.uploaded_at > current[doc.kind][1]):
            current[doc.kind] = (v.id, v.uploaded_at)
    required = list(spec["documents"])
    missing = [k for k in required if k not in current]
    if required and required[0] in current and current[required[0]][1] < rnd.opened_at:
        missing.append(required[0])
    one_of = list(spec.get("one_of") or ())
    if one_of and not any(k in current for k in one_of):
        missing.append(" atau ".join(one_of))
    if missing:
        rules = Rulebook(schedules.rulebook_of(coop))
        names = ", ".join(rules.document_label(k) if "atau" not in k else k for k in missing)
        raise AppError(
            "lampiran_kurang",
            f"Laporan belum dapat disampaikan; lampirkan dahulu: {names}.",
            status=409,
            missing=sorted(set(missing)),
            basis=rules.cite(basis),
        )
    wanted = required + list(spec.get("optional_documents") or ()) + one_of
    return {k: current[k][0] for k in wanted if k in current}


def _recommendation(coop: Cooperation, version_id: int | None) -> str | None:
    for doc in current_documents(coop):
        v = doc.current_version
        if v is not None and v.id == version_id:
            return (v.fields or {}).get("rekomendasi")
    return None


def report(
    coop: Cooperation, rnd: MonitoringRound, user: Any, catatan: str, now: datetime
) -> MonitoringRound:
    """The tim reports the round to the ketua TKKSD (Pasal 88); the next schedule is armed."""
    if rnd.status not in OPEN:
        raise AppError("sudah_dilaporkan", "Putaran ini sudah dilaporkan.", status=409)
    j = rules_of_kind(coop, rnd.kind)
    spec = j["pengawasan"]
    rnd.report = {
        **(rnd.report or {}),
        "catatan": catatan,
        "lampiran": _attachments(coop, rnd, spec, j["basis"]),
    }
    rnd.status, rnd.reported_at, rnd.reported_by = "reported", now, user.id
    for row in schedules.rows_of(coop.id):
        if (row.spec or {}).get("round_id") == rnd.id:
            schedules.close_row(coop, row, now)
    if rnd.kind == "evaluasi":
        _open_follow_up(coop, rnd, spec, now)
    today = _local_day(coop, now)
    for row in _scheduled_rows(coop.id, spec["next"]):  # a report re-sets the next date
        row.status, row.closed_at = DeadlineStatus.OBSOLETE, now
    arm_next(coop, spec["next"], today, now)
    audit.record(
        tenant_id=coop.tenant_id,
        action=f"pengawasan.{rnd.kind}",
        object_type="cooperation",
        object_id=coop.id,
        summary=f"Laporan {rnd.kind} {coop.number} disampaikan"
        + (f"; rekomendasi: {rnd.rekomendasi}" if rnd.rekomendasi else ""),
        at=now,
        actor=user,
        data={"round": rnd.id, "lampiran": rnd.report["lampiran"], "rekomendasi": rnd.rekomendasi},
    )
    return rnd


def _open_follow_up(
    coop: Cooperation, rnd: MonitoringRound, spec: dict[str, Any], now: datetime
) -> None:
    rnd.rekomendasi = _recommendation(coop, rnd.report["lampiran"].get("matriks_evaluasi"))
    follow = (spec.get("tindak_lanjut") or {}).get(rnd.rekomendasi or "")
    if follow is None:
        return
    rnd.tindak_lanjut = {
        "label": follow["label"],
        "actions": list(follow.get("actions") or ()),
        "documents": list(follow.get("documents") or ()),
        "status": "open",
    }


def after_decision(coop: Cooperation, decision: Decision, now: datetime) -> None:
    """A follow-up is met by its action; an ended cooperation's open rounds are obsolete."""
    rounds = db.session.scalars(
        select(MonitoringRound).where(of_cooperation(MonitoringRound, coop))
    ).all()
    for rnd in rounds:
        follow = rnd.tindak_lanjut or {}
        if follow.get("status") == "open" and decision.action in follow.get("actions", ()):
            rnd.tindak_lanjut = {**follow, "status": "done", "done_at": now.isoformat()}
        if decision.terminal and rnd.status in OPEN:
            rnd.status = "obsolete"


def met_by_filing(
    follow: dict[str, Any], since: datetime, filed: Iterable[tuple[str, datetime]]
) -> bool:
    """A follow-up that names documents is met once one of those kinds is filed, ``(kind,
    uploaded_at of its current version)``, at or after ``since`` (the report, or the round's
    opening when there is none)."""
    kinds = set(follow.get("documents") or ())
    return any(kind in kinds and uploaded_at >= since for kind, uploaded_at in filed)


def follow_up_done(coop: Cooperation, rnd: MonitoringRound) -> bool:
    """Met by its action (marked done) or by a document (:func:`met_by_filing`)."""
    follow = rnd.tindak_lanjut or {}
    if follow.get("status") == "done":
        return True
    if not follow.get("documents"):
        return False
    filed = [
        (doc.kind, doc.current_version.uploaded_at)
        for doc in current_documents(coop)
        if doc.current_version is not None
    ]
    return met_by_filing(follow, rnd.reported_at or rnd.opened_at, filed)


def awaits_document(rnd: MonitoringRound) -> bool:
    """An open follow-up that a document of a named kind may meet (:func:`follow_up_done`);
    ``rnd``: a round, or a row with its ``tindak_lanjut``."""
    follow = rnd.tindak_lanjut or {}
    return follow.get("status") != "done" and bool(follow.get("documents"))


def describe_all(coop: Cooperation, rounds: list[MonitoringRound]) -> list[dict[str, Any]]:
    """:func:`describe` of a cooperation's rounds, its documents read at most once."""
    with documents_read_once([coop] if any(awaits_document(r) for r in rounds) else []):
        return [describe(coop, rnd) for rnd in rounds]


def describe(coop: Cooperation, rnd: MonitoringRound) -> dict[str, Any]:
    j = schedules.jadwal_of(coop).get(rnd.kind) or {}
    follow = rnd.tindak_lanjut
    if follow is not None:
        follow = {**follow, "status": "done" if follow_up_done(coop, rnd) else "open"}
    return {
        "id": rnd.id,
        "kind": rnd.kind,
        "label": j.get("label"),
        "cooperation": {"id": coop.id, "number": coop.number, "title": coop.title},
        "reason": rnd.reason,
        "scheduled_on": rnd.scheduled_on.isoformat(),
        "due_on": rnd.due_on.isoformat(),
        "status": rnd.status,
        "late": rnd.status == "late",
        "reported_at": rnd.reported_at.isoformat() if rnd.reported_at else None,
        "lampiran": (rnd.report or {}).get("lampiran", {}),
        "alasan": (rnd.report or {}).get("alasan"),
        "rekomendasi": rnd.rekomendasi,
        "tindak_lanjut": follow,
        "basis": Rulebook(schedules.rulebook_of(coop)).cite(j.get("basis") or ""),
    }


def rounds_of(coop_id: int, tenant_id: int | None = None) -> list[MonitoringRound]:
    """The rounds of a cooperation (row-level security keeps the current tenant's); with
    ``tenant_id`` (the owner's, as the owner reads them) by the tenant-led index."""
    query = select(MonitoringRound).where(MonitoringRound.cooperation_id == coop_id)
    if tenant_id is not None:
        query = query.where(MonitoringRound.tenant_id == tenant_id)
    return list(db.session.scalars(query.order_by(MonitoringRound.opened_at, MonitoringRound.id)))


FOLLOWERS = ("tkksd", "kepala_daerah")  # who owes an evaluation's follow-up


def follow_up_owed():
    """A round whose follow-up is not marked done (a document may still have met it)."""
    return and_(
        MonitoringRound.tindak_lanjut.is_not(None),
        MonitoringRound.tindak_lanjut["status"].astext.is_distinct_from("done"),
    )


def running_rounds(tenant_id: int, *columns):
    """``columns`` of the tenant's rounds of its running cooperations (the Kotak Masuk's)."""
    return (
        select(*columns)
        .select_from(MonitoringRound)
        .join(Cooperation, Cooperation.id == MonitoringRound.cooperation_id)
        .where(
            MonitoringRound.tenant_id == tenant_id,
            Cooperation.status == CooperationStatus.BERJALAN,
        )
    )


def inbox(tenant_id: int, roles: list[str]) -> list[dict[str, Any]]:
    """The tim's open rounds (due date first), and the follow-ups the TKKSD and kepala daerah
    still owe, of the user's own tenant. Only the rounds that may be listed are read (open ones
    for the tim, those with a follow-up not yet done for the TKKSD and kepala daerah), not the
    tenant's rounds of every year. :mod:`sikd.cooperations.monitoring_counts` counts them."""
    tim, follows = TIM in roles, bool(set(FOLLOWERS) & set(roles))
    wanted = []
    if tim:
        wanted.append(MonitoringRound.status.in_(OPEN))
    if follows:
        wanted.append(follow_up_owed())
    if not wanted:
        return []
    rows = db.session.execute(
        running_rounds(tenant_id, MonitoringRound, Cooperation)
        .where(or_(*wanted))
        .order_by(MonitoringRound.due_on, MonitoringRound.id)
    ).all()
    preload_rulebook_versions(coop for _, coop in rows)
    out = []
    with documents_read_once(coop for rnd, coop in rows if awaits_document(rnd)):
        for rnd, coop in rows:
            if rnd.status in OPEN and tim:
                out.append({"item": "laporan", **describe(coop, rnd)})
            elif rnd.tindak_lanjut and follows and not follow_up_done(coop, rnd):
                out.append({"item": "tindak_lanjut", **describe(coop, rnd)})
    return out
