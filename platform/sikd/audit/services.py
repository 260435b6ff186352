"""The audit log: every state change writes one entry in the same transaction.

Entries are chained per tenant: ``hash = sha256(prev_hash + canonical JSON of the entry)``.
Appending takes a transaction-scoped advisory lock on the tenant, so the chain has no forks.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select, text

from sikd.audit.models import AuditEntry
from sikd.core.extensions import db

GENESIS = "0" * 64
_LOCK_NAMESPACE = 7_300_001


def _canonical(entry: AuditEntry) -> str:
    return json.dumps(
        {
            "tenant_id": entry.tenant_id,
            "seq": entry.seq,
            "at": entry.at.astimezone(UTC).isoformat(),  # as PostgreSQL returns it
            "actor_user_id": entry.actor_user_id,
            "actor_label": entry.actor_label,
            "action": entry.action,
            "object_type": entry.object_type,
            "object_id": entry.object_id,
            "summary": entry.summary,
            "data": entry.data,
        },
        sort_keys=True,
        ensure_ascii=False,
        default=str,
        separators=(",", ":"),
    )


def _digest(prev_hash: str, entry: AuditEntry) -> str:
    return hashlib.sha256((prev_hash + _canonical(entry)).encode()).hexdigest()


def record(
    *,
    tenant_id: int,
    action: str,
    object_type: str,
    object_id: Any,
    summary: str,
    at: datetime,
    actor: Any = None,
    actor_label: str | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry to ``tenant_id``'s chain inside the caller's transaction."""
    session = db.session
    session.execute(
        text("select pg_advisory_xact_lock(:ns, :t)"), {"ns": _LOCK_NAMESPACE, "t": tenant_id}
    )
    last = session.execute(
        select(AuditEntry.seq, AuditEntry.hash)
        .where(AuditEntry.tenant_id == tenant_id)
        .order_by(AuditEntry.seq.desc())
        .limit(1)
    ).first()
    seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
    label = actor_label or (f"{actor.full_name} <{actor.email}>" if actor is not None else "sistem")
    entry = AuditEntry(
        tenant_id=tenant_id,
        seq=seq,
        at=at,
        actor_user_id=getattr(actor, "id", None),
        actor_label=label,
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        summary=summary,
        data=json.loads(json.dumps(data or {}, default=str)),
        prev_hash=prev,
    )
    entry.hash = _digest(prev, entry)
    session.add(entry)
    session.flush()
    return entry


@dataclass
class ChainReport:
    tenant_id: int
    entries: int
    ok: bool
    broken_at_seq: int | None = None
    reason: str = ""


def verify_chain(tenant_id: int) -> ChainReport:
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.tenant_id == tenant_id).order_by(AuditEntry.seq)
    ).all()
    prev = GENESIS
    for expected_seq, entry in enumerate(entries, start=1):
        if entry.seq != expected_seq:
            return ChainReport(tenant_id, len(entries), False, entry.seq, "nomor urut terputus")
        if entry.prev_hash != prev:
            return ChainReport(tenant_id, len(entries), False, entry.seq, "prev_hash tidak cocok")
        if _digest(prev, entry) != entry.hash:
            return ChainReport(tenant_id, len(entries), False, entry.seq, "isi entri telah diubah")
        prev = entry.hash
    return ChainReport(tenant_id, len(entries), True)


def tenants_with_entries() -> list[int]:
    return list(db.session.scalars(select(AuditEntry.tenant_id).group_by(AuditEntry.tenant_id)))


def count_entries(tenant_id: int) -> int:
    return db.session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.tenant_id == tenant_id)
    )
