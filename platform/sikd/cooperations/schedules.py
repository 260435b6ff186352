"""The schedules of a running cooperation (rulebook ``jadwal``): term end, the extension notice,
the annual report, the partner's half-yearly report.

Each period is a row in the deadlines table (``jadwal`` set, not bound to a stage), written in
the transaction that gives the reason for it (the cooperation entering pelaksanaan, an approved
extension, the previous period falling due) and fired by the same sweep as every other deadline
(:mod:`sikd.cooperations.sweep`). Nothing lives only in Redis.

A period is *met* by an action named in ``fulfilled_by.actions`` (closed at once) or by a
document of a kind in ``fulfilled_by.documents`` filed since the period began (checked when it
falls due, and on every sweep while it is late). Unmet at its due instant it becomes ``late``:
the cooperation carries the flag ``terlambat_<jadwal>`` and the holder, the TKKSD and the
supervisor (the Gubernur for a kab/kota, Kemendagri for a provinsi) are told.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from sikd.cooperations.models import Cooperation, StageEvent
from sikd.cooperations.state import current_versions, field_lookup, rulebook_of
from sikd.core.dates import add_span
from sikd.core.extensions import db
from sikd.core.i18n import format_tanggal
from sikd.deadlines.models import Deadline, DeadlineStatus
from sikd.notifications.services import add_notification
from sikd.routing.services import tenant_by_code
from sikd.rules.overrides import working_calendar
from sikd.tenancy.models import KEMENDAGRI, TIMEZONES
from sikd.tenancy.scope import owned_by
from sikd.workflow.rulebook import Rulebook
from sikd.workflow.types import Decision

RUNNING_STAGE = "pelaksanaan"
STAGE_MARK = "jadwal"  # the ``stage`` of a schedule row: never a stage id, so never closed by one
# where an approved extension states the new end date (input of the action, or a document field)
EXTENSIONS = {
    "setujui_perpanjangan": ("input", "tanggal_berakhir_baru"),
    "disepakati": ("rencana_tindak_perpanjangan", "tanggal_berakhir_baru"),
}


def jadwal_of(coop: Cooperation) -> dict[str, dict[str, Any]]:
    """The schedules of the cooperation's pinned rulebook that apply to its type."""
    every = rulebook_of(coop).get("jadwal") or {}
    return {jid: j for jid, j in every.items() if coop.type in (j.get("types") or ())}


def _zone(coop: Cooperation) -> ZoneInfo:
    return ZoneInfo(TIMEZONES[coop.tenant.timezone])


def _end_of_day(coop: Cooperation, day: date) -> datetime:
    """23:59:59.999999 local time of ``day`` (the house rule for every due instant)."""
    return datetime.combine(day + timedelta(days=1), datetime.min.time(), _zone(coop)) - timedelta(
        microseconds=1
    )


def signing_date(coop: Cooperation, now: datetime) -> date:
    """When the agreement was signed: the signed naskah, else the term start, else today."""
    signed = field_lookup(coop)("naskah_ditandatangani", "tanggal_penandatanganan")
    if signed:
        return date.fromisoformat(str(signed)[:10])
    return coop.term_start or now.astimezone(_zone(coop)).date()


def _first_due(
    coop: Cooperation, j: dict[str, Any], now: datetime, signed_on: date | None = None
) -> tuple[date, str] | None:
    """(due date, period label) of the first period, or None when its anchor is not known."""
    anchor = j["anchor"]
    if anchor in ("laporan_pengawasan", "diperlukan"):  # armed by a report, or never by itself
        return None
    if anchor == "akhir_jangka_waktu":
        if coop.term_end is None:
            return None
        sign = -1 if j.get("before") else 1
        return add_span(coop.term_end, sign * j["amount"], j["unit"]), coop.term_end.isoformat()
    start = signed_on or signing_date(coop, now)
    if anchor == "awal_tahun":  # the year signed is reported in the first week of the next
        due = add_span(date(start.year + 1, 1, 1), j["amount"], j["unit"])
        return due, str(start.year)
    due = add_span(start, j["amount"], j["unit"])
    return due, due.isoformat()


def _open_row(
    coop: Cooperation,
    jid: str,
    j: dict[str, Any],
    due: date,
    period: str,
    starts: datetime,
    calendar_version: str | None = None,
) -> Deadline:
    row = Deadline(
        tenant_id=coop.tenant_id,
        cooperation_id=coop.id,
        stage=STAGE_MARK,
        spec={
            "jadwal": jid,
            "label": j["label"],
            "amount": j["amount"],
            "unit": j["unit"],
            "on_expiry": j["on_expiry"],
            "reminders": list(j.get("reminders") or ()),
            "basis": j["basis"],
        },
        starts_at=starts,
        due_at=_end_of_day(coop, due),
        calendar_version=calendar_version or working_calendar().version,
        status=DeadlineStatus.OPEN,
        reminders_sent=[],
        jadwal=jid,
        period=period,
    )
    db.session.add(row)
    return row


def arm(coop: Cooperation, now: datetime, only: set[str] | None = None) -> list[Deadline]:
    """Open the first period of each schedule (or of those in ``only``)."""
    opened = []
    for jid, j in jadwal_of(coop).items():
        if only is not None and jid not in only:
            continue
        first = _first_due(coop, j, now)
        if first is not None:
            opened.append(_open_row(coop, jid, j, first[0], first[1], now))
    db.session.flush()
    return opened


def arm_catching_up(
    coop: Cooperation,
    now: datetime,
    *,
    signed_on: date | None = None,
    calendar_version: str | None = None,
) -> list[Deadline]:
    """Arm the schedules of a cooperation that was signed before SIKD knew it (an imported
    one), from its real dates, as :func:`arm` does on signing. No period is skipped silently:

    * a first period whose due date has passed keeps that date, so the next sweep takes it
      (late unless its document is filed since, and the following period is armed from it);
    * of a repeating schedule only the latest period already due is armed, not one for each
      year before the import: one late period to answer, whose successor the sweep arms;
    * a pemantauan (``on_expiry: pengawasan``) already due is due at once: the next sweep opens
      its round dated that day, with the rulebook's full time for the report.

    ``signed_on`` and ``calendar_version``, when the caller knows them (an import of many rows),
    spare a query per cooperation and per row.
    """
    opened = []
    for jid, j in jadwal_of(coop).items():
        first = _first_due(coop, j, now, signed_on)
        if first is None:
            continue
        due, period = first
        every = j.get("every")
        while every:
            following = add_span(due, every["amount"], every["unit"])
            if _end_of_day(coop, following) >= now:
                break
            due = following
            period = str(int(period) + 1) if period.isdigit() else due.isoformat()
        row = _open_row(coop, jid, j, due, period, now, calendar_version)
        if j.get("on_expiry") == "pengawasan" and row.due_at < now:
            row.due_at = now
        opened.append(row)
    db.session.flush()
    return opened


open_row = _open_row  # for cooperations.monitoring: a round's schedule and report rows
zone = _zone


def rearm_next(coop: Cooperation, row: Deadline) -> Deadline | None:
    """The next period of a repeating schedule, counted from the due date of ``row``."""
    j = jadwal_of(coop).get(row.jadwal or "")
    if not j or not j.get("every"):
        return None
    every = j["every"]
    last_due = row.due_at.astimezone(_zone(coop)).date()
    due = add_span(last_due, every["amount"], every["unit"])
    period = str(int(row.period) + 1) if (row.period or "").isdigit() else due.isoformat()
    return _open_row(coop, row.jadwal, j, due, period, row.due_at)


def rows_of(coop_id: int, statuses: tuple[str, ...] = ("open", "late")) -> list[Deadline]:
    return list(
        db.session.scalars(
            select(Deadline)
            .where(
                Deadline.cooperation_id == coop_id,
                Deadline.jadwal.is_not(None),
                Deadline.status.in_(statuses),
            )
            .order_by(Deadline.due_at)
        )
    )


def is_met(coop: Cooperation, row: Deadline) -> bool:
    """A document the schedule asks for was filed since the period began."""
    j = jadwal_of(coop).get(row.jadwal or "") or {}
    kinds = set((j.get("fulfilled_by") or {}).get("documents") or ())
    return any(
        kind in kinds and uploaded_at >= row.starts_at
        for kind, uploaded_at, _ in current_versions(coop)
    )


def close_row(coop: Cooperation, row: Deadline, now: datetime) -> None:
    """The period is met (or no longer applies); the late flag goes when nothing is late."""
    was_late = row.status == DeadlineStatus.LATE
    row.status, row.closed_at = DeadlineStatus.CLOSED, now
    if was_late:
        _clear_flag(coop, row.jadwal)


def late_flag(jid: str) -> str:
    return f"terlambat_{jid}"


def _clear_flag(coop: Cooperation, jid: str | None) -> None:
    still = [r for r in rows_of(coop.id, ("late",)) if r.jadwal == jid]
    if not still:
        coop.flags = [f for f in coop.flags or () if f != late_flag(jid or "")]


def mark_late(coop: Cooperation, row: Deadline, now: datetime) -> None:
    row.status, row.fired_at = DeadlineStatus.LATE, now
    coop.flags = sorted(set(coop.flags or ()) | {late_flag(row.jadwal or "")})
    due = format_tanggal(row.due_at.astimezone(_zone(coop)).date())
    title = f"Terlambat: {row.spec.get('label')} {coop.number}"
    body = (
        f"{row.spec.get('label')} untuk '{coop.title}' ({coop.tenant.name}) belum dipenuhi "
        f"sampai {due} ({row.spec.get('basis')}). Penuhi kewajiban ini dan lampirkan dokumennya "
        "pada kerja sama."
    )
    tell(coop, row, "schedule_late", title, body, now, f"late:{row.id}")


def tell(
    coop: Cooperation, row: Deadline, kind: str, title: str, body: str, now: datetime, key: str
) -> None:
    """The holder (the schedule's roles), the TKKSD and the supervisor are told."""
    j = jadwal_of(coop).get(row.jadwal or "") or {}
    roles = sorted(set(j.get("roles") or ()) | {"tkksd"})
    add_notification(coop.tenant_id, coop, kind, title, body, roles, now, dedupe_key=key)
    supervisor = coop.tenant.parent if coop.tenant.is_kabkota else tenant_by_code(KEMENDAGRI)
    if supervisor is not None and kind == "schedule_late":
        roles = ["gubernur_verifier"] if coop.tenant.is_kabkota else ["sekjen_verifier"]
        add_notification(
            supervisor.id, coop, kind, title, body, roles, now, dedupe_key=f"{key}:pengawas"
        )


def _extended_end(coop: Cooperation, decision: Decision, from_stage: str) -> date | None:
    where = EXTENSIONS.get(decision.action or "")
    if where is None or (decision.action == "disepakati" and from_stage != "perpanjangan"):
        return None
    source, name = where
    # the date the parties agreed on the action itself wins; else the rencana tindak states it
    value = (decision.inputs or {}).get(name)
    if not value and source != "input":
        value = field_lookup(coop)(source, name)
    return date.fromisoformat(str(value)[:10]) if value else None


def latest_extension(coop: Cooperation) -> date | None:
    """The end date of the last approved extension (Perwal 57/2023 Pasal 78(3)), if any."""
    event = db.session.scalar(
        select(StageEvent)
        .where(  # the owner's rows (the tenant-led index: a cooperation's history, not 1.5 M)
            owned_by(StageEvent, coop.tenant_id),
            StageEvent.cooperation_id == coop.id,
            StageEvent.action == "setujui_perpanjangan",
        )
        .order_by(StageEvent.at.desc(), StageEvent.id.desc())
        .limit(1)
    )
    value = (event.inputs or {}).get("tanggal_berakhir_baru") if event else None
    return date.fromisoformat(str(value)[:10]) if value else None


def after_decision(
    coop: Cooperation, decision: Decision, from_stage: str | None, now: datetime
) -> None:
    """Keep the schedules in step with a decision written in the same transaction."""
    if decision.terminal:
        for row in rows_of(coop.id):
            close_row(coop, row, now)
        return
    extended = _extended_end(coop, decision, from_stage) if from_stage else None
    if extended is None and coop.term_end is not None and from_stage is not None:
        earlier = latest_extension(coop)  # the naskah's own date must not undo an extension
        if earlier is not None and earlier > coop.term_end:
            coop.term_end = earlier
    if extended is not None:
        # the term may already carry the new date (cooperations.terms stores it first); what
        # matters is whether the term schedules were armed for it
        coop.term_end = extended
        by_term = {jid for jid, j in jadwal_of(coop).items() if j["anchor"] == "akhir_jangka_waktu"}
        armed = [row for row in rows_of(coop.id) if row.jadwal in by_term]
        if not any(row.period == extended.isoformat() for row in armed):
            for row in armed:
                row.status, row.closed_at = DeadlineStatus.OBSOLETE, now
            arm(coop, now, by_term)
    if decision.to_stage == RUNNING_STAGE and not _ever_armed(coop.id):
        arm(coop, now)
    _met_by_action(coop, decision, now)


def _ever_armed(coop_id: int) -> bool:
    return (
        db.session.scalar(
            select(Deadline.id)
            .where(Deadline.cooperation_id == coop_id, Deadline.jadwal.is_not(None))
            .limit(1)
        )
        is not None
    )


def _met_by_action(coop: Cooperation, decision: Decision, now: datetime) -> None:
    if not decision.action:
        return
    for jid, j in jadwal_of(coop).items():
        if decision.action not in ((j.get("fulfilled_by") or {}).get("actions") or ()):
            continue
        rows = [r for r in rows_of(coop.id) if r.jadwal == jid]
        if rows:  # the earliest period still due (or late) is the one this action meets
            was_open = rows[0].status == DeadlineStatus.OPEN
            close_row(coop, rows[0], now)
            if was_open:  # a late period had its successor armed when it fell due
                rearm_next(coop, rows[0])


def describe(coop: Cooperation, row: Deadline) -> dict[str, Any]:
    rules = Rulebook(rulebook_of(coop))
    return {
        "cooperation": {"id": coop.id, "number": coop.number, "tenant": coop.tenant.code},
        "jadwal": row.jadwal,
        "label": row.spec.get("label"),
        "period": row.period,
        "due_at": row.due_at.isoformat(),
        "status": row.status,
        "late": row.status == DeadlineStatus.LATE,
        "basis": rules.cite(row.spec.get("basis") or ""),
        "reminders_sent": list(row.reminders_sent or ()),
    }
