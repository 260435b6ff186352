"""The deadline sweep: acts on every due deadline, and sends the reminders that are due.

The deadlines table in PostgreSQL is the source of truth: due rows are taken with
``FOR UPDATE SKIP LOCKED``, each re-checked against the cooperation (locked too) before the
expiry action, so a stage that moved on only closes the deadline; several sweepers may run at
once, and a run that finds nothing changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from sikd.cooperations import monitoring, schedules
from sikd.cooperations.actions import apply_decision
from sikd.cooperations.models import Cooperation, CooperationStatus
from sikd.cooperations.notices import notify_reminder
from sikd.cooperations.rollup import refresh_rollup
from sikd.cooperations.state import (
    TRANSACTION_DOCUMENTS,
    engine_state,
    preload_rulebooks,
    rulebook_of,
    rules_of,
)
from sikd.cooperations.summary import refresh_summary
from sikd.cooperations.sweep_quiet import fire_quiet
from sikd.cooperations.terms import end_term, end_terms
from sikd.core import clock
from sikd.core.extensions import db
from sikd.core.i18n import format_tanggal
from sikd.core.jobs import HOLD_JOBS, enqueue_held
from sikd.deadlines.models import Deadline, DeadlineStatus
from sikd.deadlines.services import (
    due_candidates,
    reminder_instants,
    spec_of,
)
from sikd.pemetaan import services as pemetaan
from sikd.rules.models import RulebookVersion
from sikd.rules.overrides import working_calendar
from sikd.tenancy.models import Tenant
from sikd.tenancy.scope import ASYNC_COMMIT, system_scope, tenant_scope
from sikd.workflow import engine
from sikd.workflow.types import Actor, Refusal


@dataclass
class SweepResult:
    fired: list[str] = field(default_factory=list)
    obsolete: int = 0
    reminders: int = 0
    late: int = 0
    ended: list[str] = field(default_factory=list)  # cooperations whose term ran out


def sweep_deadlines(now: datetime | None = None, batch: int = 500) -> SweepResult:
    """Act on every due deadline as of ``now``; idempotent, safe to run from several workers.

    Candidates are read in batches (by owner, then due instant and id). The batch's deadlines
    that only remind change no stage and are applied together (:mod:`.sweep_quiet`). Each
    transition is then its own transaction: the deadline row and its cooperation are locked
    with ``SKIP LOCKED`` and the row re-checked as still open, so of two sweepers exactly one
    applies it, and a user acting on the cooperation at that moment is not waited for (the
    next run takes it)."""
    now = now or clock.now()
    result = SweepResult()
    with system_scope():
        after: tuple[int, datetime, int] | None = None
        with _batch_session() as session:
            while True:
                candidates = due_candidates(now, batch, after)
                pinned = _load_references(candidates) if candidates else {}
                db.session.commit()
                if not candidates:
                    break
                try:
                    quiet, obsolete = fire_quiet([c[0] for c in candidates], now)
                    db.session.commit()
                except Exception:
                    db.session.rollback()
                    raise
                result.obsolete += obsolete
                todo = [c for c in candidates if c[0] not in quiet]
                # by owner: consecutive transitions share the owner's decoded rulebook
                decoded: set[int] = set()
                for i, (deadline_id, _, tenant_id) in enumerate(todo):
                    version = pinned.get(deadline_id)
                    if version is not None and version not in decoded:  # the next owners'
                        decoded = _next_versions(todo[i:], pinned)
                        preload_rulebooks(decoded)
                    # the owner's scope from the start: the transaction sets it once
                    with tenant_scope(tenant_id):
                        _fire_one(deadline_id, now, result)
                enqueue_held(session)  # the batch's e-mails, once its transitions committed
                after = candidates[-1][2], candidates[-1][1], candidates[-1][0]
        _send_reminders(now, result)
        _late_now_met(now)
        pemetaan.remind_next_cycles(now)
        refresh_rollup(now)
        db.session.commit()
    result.ended += end_terms(now)  # those without a term schedule row (terms.end_term)
    return result


@contextmanager
def _batch_session() -> Iterator[Session]:
    """What the transitions of a sweep share, each still its own transaction:

    - tenants and the batch's rulebook versions are read once per batch and held (the session
      keeps loaded rows across commits), so a transition does not read them again;
    - the documents a transition reads are read once in its transaction;
    - the e-mail jobs of the committed transitions are enqueued once per batch;
    - a transition commits without waiting for its WAL flush (``synchronous_commit=off``, set
      with the scope at the start of each transaction): a crash may lose the last few
      milliseconds of transitions as a whole (never half of one, never out of order: a later
      synchronous commit flushes them), and what is lost is still due, so the next sweep
      applies it; no e-mail of it was sent, as jobs go out only after the batch."""
    session = db.session()
    session.info.update({ASYNC_COMMIT: True, HOLD_JOBS: [], TRANSACTION_DOCUMENTS: {}})
    try:
        yield session
    finally:
        for key in (ASYNC_COMMIT, TRANSACTION_DOCUMENTS, _HELD_ROWS):
            session.info.pop(key, None)
        try:
            enqueue_held(session)  # committed transitions keep their e-mails
        finally:
            session.info.pop(HOLD_JOBS, None)


@event.listens_for(Session, "after_commit")
def _forget_documents_at_commit(session: Session) -> None:
    if session.info.get(TRANSACTION_DOCUMENTS):
        session.info[TRANSACTION_DOCUMENTS] = {}


@event.listens_for(Session, "after_rollback")
def _forget_documents(session: Session) -> None:
    if session.info.get(TRANSACTION_DOCUMENTS):
        session.info[TRANSACTION_DOCUMENTS] = {}


_HELD_ROWS = "sikd_sweep_reference_rows"
PRELOAD_AT_ONCE = 32  # rulebooks decoded at once (half the decoded cache)


def _load_references(candidates: list[tuple[int, datetime, int]]) -> dict[int, int]:
    """Every tenant (a few hundred rows) and the rulebook versions (without their JSON) the
    batch's cooperations pinned, in three queries; held for the batch, so the transitions find
    them in the identity map (owners, parents, holders, rulebooks) instead of reading each.
    Returns the pinned version of each deadline's cooperation."""
    pinned = dict(
        db.session.execute(
            select(Deadline.id, Cooperation.rulebook_version_id)
            .join(Cooperation, Cooperation.id == Deadline.cooperation_id)
            .where(Deadline.id.in_([c[0] for c in candidates]))
        ).all()
    )
    rows: list = list(db.session.scalars(select(Tenant)))
    versions = set(pinned.values())
    rows += db.session.scalars(select(RulebookVersion).where(RulebookVersion.id.in_(versions)))
    db.session.info[_HELD_ROWS] = rows
    return pinned


def _next_versions(ordered: list[tuple[int, datetime, int]], pinned: dict[int, int]) -> set[int]:
    """The distinct pinned versions of the next rows (as many as are decoded at once)."""
    out: set[int] = set()
    for deadline_id, _, _ in ordered:
        version = pinned.get(deadline_id)
        if version is not None and version not in out:
            if len(out) == PRELOAD_AT_ONCE:
                break
            out.add(version)
    return out


def _fire_one(deadline_id: int, now: datetime, result: SweepResult) -> None:
    """One due deadline in its own transaction (skipped when another holds it or did it)."""
    locked = db.session.execute(
        select(Deadline, Cooperation)
        .join(Cooperation, Cooperation.id == Deadline.cooperation_id)
        .where(
            Deadline.id == deadline_id,
            Deadline.status == DeadlineStatus.OPEN,
            Deadline.due_at < now,
        )
        .with_for_update(of=[Deadline, Cooperation], skip_locked=True)
    ).first()
    if locked is None:
        # nothing written and no row locked: commit, which ends the transaction as a rollback
        # would, but keeps the connection's prepared statements (psycopg forgets them all on
        # ROLLBACK, and two sweepers skip each other's rows at every batch: every statement
        # was then planned again, tripling PostgreSQL's CPU per transition)
        db.session.commit()
        return
    try:
        _fire(locked[0], locked[1], now, result)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise


def _fire(row: Deadline, coop: Cooperation, now: datetime, result: SweepResult) -> None:
    if row.jadwal is not None:
        _fire_schedule(row, coop, now, result)
        return
    spec = spec_of(row)
    if coop.stage != row.stage or coop.status != CooperationStatus.BERJALAN:
        row.status, row.closed_at = DeadlineStatus.OBSOLETE, now
        result.obsolete += 1
        return
    decision = engine.on_deadline_expired(rulebook_of(coop), engine_state(coop), spec)
    row.status, row.fired_at = DeadlineStatus.FIRED, now
    if decision is None:  # nothing happens on expiry: the row no longer counts as next
        refresh_summary(coop, rules_of(coop))
        return
    apply_decision(coop, decision, now, user=None, actor_level="system")
    result.fired.append(f"{coop.number}:{row.stage}:{spec.on_expiry}")


REMINDER_CHUNK = 100  # reminders told in one transaction


def _reminder_chunks(owed: list) -> Iterator[list]:
    """Consecutive runs of at most REMINDER_CHUNK rows whose cooperations pinned at most
    PRELOAD_AT_ONCE rulebook versions (so a chunk's rulebooks are decoded in one query)."""
    chunk: list = []
    versions: set[int] = set()
    for item in owed:
        version = item[1].rulebook_version_id
        if len(chunk) == REMINDER_CHUNK or (
            version not in versions and len(versions) == PRELOAD_AT_ONCE
        ):
            yield chunk
            chunk, versions = [], set()
        chunk.append(item)
        versions.add(version)
    if chunk:
        yield chunk


def upcoming_with_cooperations(now: datetime) -> list[tuple[Deadline, Cooperation]]:
    """Open deadlines not yet due with their cooperations (and owners), in one query."""
    rows = db.session.execute(
        select(Deadline, Cooperation)
        .join(Cooperation, Cooperation.id == Deadline.cooperation_id)
        .where(Deadline.status == DeadlineStatus.OPEN, Deadline.due_at >= now)
    )
    return [(row[0], row[1]) for row in rows]


def _send_reminders(now: datetime, result: SweepResult) -> None:
    """Reminders that are due: the upcoming rows with their cooperations in one query, then
    the rows owing a reminder are locked (``SKIP LOCKED``) and told a chunk at a time (by
    owner, each chunk one transaction whose owners' rulebooks are decoded in one query)."""
    cal = working_calendar()
    owed, scheduled = [], []
    for row, coop in upcoming_with_cooperations(now):
        if row.jadwal is not None:
            scheduled.append((row.id, coop))
            continue
        if coop.stage != row.stage:
            continue
        labels = [
            label
            for label, instant in reminder_instants(row, cal, coop.tenant.timezone)
            if label not in (row.reminders_sent or []) and now >= instant
        ]
        if labels:
            owed.append((row.id, coop, labels))
    db.session.commit()
    owed.sort(key=lambda o: (o[1].tenant_id, o[0]))
    for chunk in _reminder_chunks(owed):
        preload_rulebooks({coop.rulebook_version_id for _, coop, _ in chunk})
        locked = {
            row.id: row
            for row in db.session.scalars(
                select(Deadline)
                .where(
                    Deadline.id.in_([row_id for row_id, _, _ in chunk]),
                    Deadline.status == DeadlineStatus.OPEN,
                )
                .with_for_update(skip_locked=True)
            )
        }
        for row_id, coop, labels in chunk:
            row = locked.get(row_id)
            if row is None:  # another sweeper has it, or it closed meanwhile
                continue
            fresh = [label for label in labels if label not in (row.reminders_sent or [])]
            row.reminders_sent = [*(row.reminders_sent or []), *fresh]
            with tenant_scope(coop.tenant_id):
                for label in fresh:
                    notify_reminder(coop, rules_of(coop), row, label, now)
                    result.reminders += 1
        db.session.commit()
    for row_id, coop in scheduled:
        row = db.session.scalar(
            select(Deadline)
            .where(Deadline.id == row_id, Deadline.status == DeadlineStatus.OPEN)
            .with_for_update(skip_locked=True)
        )
        if row is not None:
            _remind_schedule(row, coop, cal, now, result)
        db.session.commit()


# ---------------------------------------------------------------- schedules (rulebook ``jadwal``)


def _fire_schedule(row: Deadline, coop: Cooperation | None, now: datetime, result) -> None:
    """A period of a schedule fell due: met, late (and the next period armed), or the end of
    the term (the cooperation goes to its ending, which needs the checklist of Pasal 79)."""
    if coop is None or coop.status != CooperationStatus.BERJALAN:
        row.status, row.closed_at = DeadlineStatus.OBSOLETE, now
        result.obsolete += 1
        return
    with tenant_scope(coop.tenant_id), system_scope():
        if row.spec.get("on_expiry") == "berakhir":
            _term_ends(row, coop, now, result)
            return
        if row.spec.get("on_expiry") == "pengawasan":  # the round opens for the tim
            monitoring.fire_schedule(row, coop, now)
            result.fired.append(f"{coop.number}:{row.jadwal}:{row.period}")
            return
        if row.spec.get("round_id"):  # the report of a round fell due
            monitoring.round_due(row, coop, now)
            result.late += row.status == DeadlineStatus.LATE
            result.fired.append(f"{coop.number}:{row.jadwal}:{row.period}")
            return
        if schedules.is_met(coop, row):
            schedules.close_row(coop, row, now)
        else:
            schedules.mark_late(coop, row, now)
            result.late += 1
        schedules.rearm_next(coop, row)
    result.fired.append(f"{coop.number}:{row.jadwal}:{row.period}")


def _term_ends(row: Deadline, coop: Cooperation, now: datetime, result) -> None:
    """At the end date the cooperation is over unless an extension was approved (which
    re-armed the schedule from the new end date): flag ``berakhir`` and start the ending."""
    row.status, row.fired_at = DeadlineStatus.FIRED, now
    if coop.term_end is not None and coop.term_end.isoformat() > (row.period or ""):
        row.status = DeadlineStatus.OBSOLETE
        return
    coop.flags = sorted(set(coop.flags or ()) | {"berakhir"})
    rules = rules_of(coop)
    ending = rules.action(coop.process, coop.stage, "akhiri")
    if ending is not None:
        stage = rules.stage_map(coop.process)[coop.stage]
        roles = frozenset(rules.action_roles(stage, ending))
        decision = engine.decide(
            rulebook_of(coop), engine_state(coop), "akhiri", Actor(roles=roles, level="own")
        )
        if not isinstance(decision, Refusal):
            apply_decision(coop, decision, now, user=None, actor_level="system")
    schedules.tell(
        coop,
        row,
        "schedule_ended",
        f"{coop.number}: jangka waktu berakhir",
        (
            f"Jangka waktu kerja sama '{coop.title}' berakhir {row.period} tanpa perpanjangan "
            f"yang disetujui ({rules.cite(row.spec.get('basis') or '')}). Lengkapi berita acara "
            "pengakhiran (inventarisasi, kewajiban, aset) untuk menetapkan kerja sama berakhir."
        ),
        now,
        f"ended:{row.id}",
    )
    result.fired.append(f"{coop.number}:{row.jadwal}:berakhir")
    if end_term(coop, now):  # the one ending of a term: status, audit, both daerah told
        result.ended.append(coop.number)


def _remind_schedule(row: Deadline, coop: Cooperation | None, cal, now: datetime, result) -> None:
    if coop is None or coop.status != CooperationStatus.BERJALAN:
        return
    for label, instant in reminder_instants(row, cal, coop.tenant.timezone):
        if label in (row.reminders_sent or []) or now < instant:
            continue
        row.reminders_sent = [*(row.reminders_sent or []), label]
        with tenant_scope(coop.tenant_id):
            if row.spec.get("on_expiry") != "berakhir" and schedules.is_met(coop, row):
                continue
            due = row.due_at.astimezone(instant.tzinfo).date()
            schedules.tell(
                coop,
                row,
                "reminder",
                f"Pengingat: {row.spec.get('label')} {coop.number}",
                (
                    f"{row.spec.get('label')} untuk '{coop.title}' jatuh pada "
                    f"{format_tanggal(due)} ({rules_of(coop).cite(row.spec.get('basis') or '')})."
                ),
                now,
                f"reminder:{row.id}:{label}",
            )
        result.reminders += 1


def _late_now_met(now: datetime) -> None:
    """A late period whose document has since been filed is met (late, but no longer open)."""
    late = db.session.scalars(
        select(Deadline)
        .where(Deadline.status == DeadlineStatus.LATE)
        .with_for_update(skip_locked=True)
    ).all()
    for row in late:
        coop = db.session.get(Cooperation, row.cooperation_id)
        if coop is None:
            continue
        with tenant_scope(coop.tenant_id):
            if schedules.is_met(coop, row):
                schedules.close_row(coop, row, now)
