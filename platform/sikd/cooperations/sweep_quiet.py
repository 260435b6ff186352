"""The sweep's quiet expiries: due deadlines whose expiry only reminds (``on_expiry: remind``, e.g.
the end of the term at ``pelaksanaan``, PERWAL57 Pasal 72), applied set-wise.

Such a deadline changes no stage, writes no stage event, no letter, no notification and no audit
entry (the engine's ``on_deadline_expired`` is None for it, :mod:`sikd.workflow.engine`): it is
marked fired, or obsolete when its cooperation has left its stage or no longer runs, and the
cooperation's next deadline (``next_due_at``, ``next_due_unit``,
:mod:`sikd.cooperations.summary`) is read again from the open deadlines of its stage. One whose
cooperation has an earlier (or equally) due deadline that does act is left to the row-by-row
path, which applies them in due order (that transition may close it first, as before). Row by
row that was a transaction, two locks, the cooperation's documents and its rulebook per deadline
(about half of all due deadlines at national scale); here it is three statements for a batch.
The rows are locked as the row-by-row path locks them (deadline and cooperation, ``SKIP
LOCKED``), so a row another sweeper or a user holds is left to them, and a second run finds
nothing.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, case, exists, select, update
from sqlalchemy.orm import aliased

from sikd.cooperations.models import Cooperation, CooperationStatus
from sikd.cooperations.summary import first_open_deadline
from sikd.core.extensions import db
from sikd.deadlines.models import Deadline, DeadlineStatus


def fire_quiet(ids: list[int], now: datetime) -> tuple[set[int], int]:
    """Apply the quiet expiries among the due deadlines ``ids`` in one transaction (the
    caller's; it commits). Returns the ids applied (fired or obsolete) and how many of them
    were obsolete."""
    other = aliased(Deadline)
    acts_first = exists().where(  # a due deadline of the same cooperation that acts, not later
        other.tenant_id == Deadline.tenant_id,
        other.cooperation_id == Deadline.cooperation_id,
        other.id != Deadline.id,
        other.status == DeadlineStatus.OPEN,
        other.jadwal.is_(None),
        other.due_at <= Deadline.due_at,
        other.spec["on_expiry"].astext != "remind",
    )
    locked = db.session.execute(
        select(
            Deadline.id,
            Cooperation.id,
            and_(
                Cooperation.stage == Deadline.stage,
                Cooperation.status == CooperationStatus.BERJALAN,
            ),
        )
        .join(Cooperation, Cooperation.id == Deadline.cooperation_id)
        .where(
            Deadline.id.in_(ids),
            Deadline.status == DeadlineStatus.OPEN,
            Deadline.due_at < now,
            Deadline.jadwal.is_(None),
            Deadline.spec["on_expiry"].astext == "remind",
            ~acts_first,
        )
        .with_for_update(of=[Deadline, Cooperation], skip_locked=True)
    ).all()
    if not locked:
        return set(), 0
    live = [row[0] for row in locked if row[2]]
    db.session.execute(
        update(Deadline)
        .where(Deadline.id.in_([row[0] for row in locked]))
        .values(
            status=case(
                (Deadline.id.in_(live), DeadlineStatus.FIRED), else_=DeadlineStatus.OBSOLETE
            ),
            fired_at=case((Deadline.id.in_(live), now), else_=None),
            closed_at=case((Deadline.id.in_(live), None), else_=now),
        )
        # objects of these rows the session still holds are brought up to date (expired)
        .execution_options(synchronize_session="fetch")
    )
    _refresh_next_due({row[1] for row in locked if row[2]})
    return {row[0] for row in locked}, len(locked) - len(live)


def _refresh_next_due(coop_ids: set[int]) -> None:
    """``next_due_at`` and ``next_due_unit`` of the cooperations, as ``refresh_summary`` reads
    them (:func:`~sikd.cooperations.summary.first_open_deadline`), or none."""
    if not coop_ids:
        return
    first = first_open_deadline(Cooperation.tenant_id, Cooperation.id, Cooperation.stage).correlate(
        Cooperation
    )
    db.session.execute(
        update(Cooperation)
        .where(Cooperation.id.in_(coop_ids))
        .values(
            next_due_at=first.with_only_columns(Deadline.due_at).scalar_subquery(),
            next_due_unit=first.with_only_columns(Deadline.spec["unit"].astext).scalar_subquery(),
        )
        .execution_options(synchronize_session="fetch")
    )
