"""The Kotak Masuk's line on the yearly duties: how many rounds await the tim's report (of which
late) and how many follow-ups are still owed. These are the items of
:func:`sikd.cooperations.monitoring.inbox`, counted without reading them whole: no cooperation,
round or document is loaded, only the columns the count needs, in at most three statements.
The list itself is the Pemantauan & Evaluasi page."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import and_, func, select

from sikd.cooperations.models import Cooperation
from sikd.cooperations.monitoring import (
    FOLLOWERS,
    OPEN,
    TIM,
    awaits_document,
    follow_up_owed,
    met_by_filing,
    running_rounds,
)
from sikd.cooperations.rounds import MonitoringRound
from sikd.cooperations.state import counting_on
from sikd.core.extensions import db


def _filed(pairs: set[tuple[int, int]]) -> dict[int, list[tuple[str, datetime]]]:
    """``(kind, uploaded_at)`` of the documents that count, by cooperation, for (filing tenant,
    cooperation) pairs (:func:`~sikd.cooperations.state.counting_on`), through their current
    versions."""
    if not pairs:
        return {}
    document = Cooperation.current_documents.property.mapper.class_
    version = document.versions.property.mapper.class_
    rows = db.session.execute(
        select(document.cooperation_id, document.kind, version.uploaded_at)
        .join(
            version,
            and_(
                version.tenant_id == document.tenant_id, version.id == document.current_version_id
            ),
        )
        .where(counting_on(pairs))
    ).all()
    filed: dict[int, list[tuple[str, datetime]]] = defaultdict(list)
    for coop_id, kind, uploaded_at in rows:
        filed[coop_id].append((kind, uploaded_at))
    return filed


def inbox_counts(tenant_id: int, roles: list[str]) -> dict[str, int]:
    """``{"laporan", "terlambat", "tindak_lanjut"}`` for a user of the tenant with ``roles``."""
    counts = {"laporan": 0, "terlambat": 0, "tindak_lanjut": 0}
    tim = TIM in roles
    if tim:
        laporan, late = db.session.execute(
            running_rounds(
                tenant_id, func.count(), func.count().filter(MonitoringRound.status == "late")
            ).where(MonitoringRound.status.in_(OPEN))
        ).one()
        counts.update(laporan=laporan, terlambat=late)
    if not set(FOLLOWERS) & set(roles):
        return counts
    owed = running_rounds(
        tenant_id,
        MonitoringRound.tindak_lanjut,
        MonitoringRound.status,
        MonitoringRound.reported_at,
        MonitoringRound.opened_at,
        Cooperation.id,
        Cooperation.tenant_id,
        Cooperation.partner_tenant_id,
    ).where(follow_up_owed())
    if tim:  # an open round is the tim's report to write, listed once (monitoring.inbox)
        owed = owed.where(MonitoringRound.status.not_in(OPEN))
    rows = [r for r in db.session.execute(owed).all() if r.tindak_lanjut]
    awaiting = [r for r in rows if awaits_document(r)]
    filed = _filed({(p, r.id) for r in awaiting for p in (r.tenant_id, r.partner_tenant_id) if p})
    for r in rows:
        since = r.reported_at or r.opened_at
        if awaits_document(r) and met_by_filing(r.tindak_lanjut, since, filed.get(r.id, ())):
            continue
        counts["tindak_lanjut"] += 1
        counts["terlambat"] += r.status == "late"
    return counts
