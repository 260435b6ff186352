"""The term (jangka waktu) of a cooperation: an approved extension's new end date, and the end.

* An approved extension carries ``tanggal_berakhir_baru`` in its inputs (KSDD Pasal 26, KSDPK
  Pasal 42, KSDPL/KSDLL Pasal 78 of Perwal Bekasi 57/2023). It is stored as
  ``term_extended_until`` and becomes ``term_end`` before the stage's deadlines are opened, so
  the term-end reminders of ``pelaksanaan`` re-arm on the new date
  (:func:`sikd.cooperations.state.field_lookup` reads the term in force).
* At the end date, a cooperation of any type still running becomes ``berakhir``: the stage stays
  where it is so the pengakhiran with its asset/obligation checklist (Permendagri 23/2009 Pasal
  6(d)4, 10(d)4) can still be recorded; ``selesai`` follows from there.

The end has one path, :func:`end_term`. The rulebook's ``akhir_jangka_waktu`` schedule row is its
trigger (``cooperations.sweep`` fires it at the end of the term day, starts the pengakhiran and
then calls :func:`end_term` in the same transaction); :func:`end_terms`, at the end of every
sweep, only catches the running cooperations that have no such row (a rulebook pinned before the
schedules, a register import) and is a no-op for every one the row already ended.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from sikd.cooperations.history import record_on_cooperation
from sikd.cooperations.models import Cooperation, CooperationStatus
from sikd.cooperations.partners import record_for_partner
from sikd.core import clock
from sikd.core.extensions import db
from sikd.deadlines.services import as_date
from sikd.notifications.services import add_notification
from sikd.tenancy.models import TIMEZONES
from sikd.tenancy.scope import system_scope, tenant_scope
from sikd.workflow.types import Decision

EXTENSION_INPUT = "tanggal_berakhir_baru"


def apply_extension(coop: Cooperation, decision: Decision) -> date | None:
    """Store the end date an approved extension sets; None when the decision sets none."""
    new_end = as_date((decision.inputs or {}).get(EXTENSION_INPUT))
    if new_end is None:
        return None
    coop.term_extended_until = new_end
    coop.term_end = new_end
    if coop.status == CooperationStatus.BERAKHIR and new_end >= _today(coop, None):
        coop.status = CooperationStatus.BERJALAN
    return new_end


def _today(coop: Cooperation, now: datetime | None) -> date:
    now = now or clock.now()
    return now.astimezone(ZoneInfo(TIMEZONES[coop.tenant.timezone])).date()


def end_terms(now: datetime) -> list[str]:
    """Every running cooperation whose term ended before today (its local date) becomes
    ``berakhir``; audited and told to its owner (and partner daerah). Idempotent."""
    ended = []
    with system_scope():
        rows = db.session.scalars(
            select(Cooperation)
            .where(
                Cooperation.status == CooperationStatus.BERJALAN,
                Cooperation.term_end.is_not(None),
                Cooperation.term_end < now.date(),
            )
            .with_for_update(of=Cooperation, skip_locked=True)
        ).all()
        for coop in rows:
            if end_term(coop, now):
                ended.append(coop.number)
        db.session.commit()
    return ended


def end_term(coop: Cooperation, now: datetime) -> bool:
    """End the term of a running cooperation whose end date is before today (its local date):
    ``berakhir``, audited on both chains, told to the owner and the partner daerah. False when
    there is nothing to end (already ended, extended, or not yet due)."""
    if (
        coop.status != CooperationStatus.BERJALAN
        or coop.term_end is None
        or coop.term_end >= _today(coop, now)
    ):
        return False
    _end(coop, now)
    return True


def _end(coop: Cooperation, now: datetime) -> None:
    coop.status = CooperationStatus.BERAKHIR
    coop.version += 1
    coop.updated_at = now
    when = coop.term_end.isoformat()
    summary = (
        f"jangka waktu berakhir {when}; kerja sama berstatus berakhir. Catat pengakhiran "
        "dengan inventarisasi aset dan kewajiban (Permendagri 23/2009 Pasal 6 huruf d angka 4)."
    )
    with tenant_scope(coop.tenant_id):
        record_on_cooperation(
            coop,
            None,
            "cooperation.term_ended",
            "cooperation",
            coop.id,
            summary,
            {"term_end": when},
            at=now,
            actor_label="sistem (jangka waktu)",
        )
        record_for_partner(coop, None, "cooperation.term_ended", summary, {"term_end": when})
    for tenant_id in {coop.tenant_id, coop.partner_tenant_id} - {None}:
        add_notification(
            tenant_id,
            coop,
            "term_ended",
            f"{coop.number}: jangka waktu berakhir",
            f"Kerja sama '{coop.title}' berakhir pada {when}. {summary}",
            ["tkksd", "kepala_daerah"],
            now,
            dedupe_key=f"term_ended:{coop.id}:{tenant_id}:{when}",
        )
