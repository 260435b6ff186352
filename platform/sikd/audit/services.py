"""The audit log: every state change writes one entry in the same transaction.

Entries are chained per tenant: ``hash = sha256(prev_hash + canonical JSON of the entry)``.
Appending takes a transaction-scoped advisory lock on the tenant, so the chain has no forks.

The chain alone cannot show that its newest entries were deleted: what remains is still a valid
chain. Every insert therefore also advances the tenant's ``audit_heads`` row (a trigger owned by
the table owner; the app role may only read it): how many entries were ever appended, and the seq
and hash of the newest. :func:`verify_chain` checks the chain against that head.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select, text

from sikd.audit.models import AuditEntry, AuditHead
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
    missing: int = 0  # entries the chain or its head show to be gone


def _tenant_name(tenant_id: int) -> str:
    from sikd.tenancy.models import Tenant

    tenant = db.session.get(Tenant, tenant_id)
    return tenant.name if tenant is not None else f"instansi #{tenant_id}"


_RESTORE = (
    "Pulihkan entri yang hilang dari cadangan basis data dan laporkan kejadian ini "
    "kepada pengelola keamanan."
)


def verify_chain(tenant_id: int) -> ChainReport:
    """Walk ``tenant_id``'s chain, then compare its end with the tenant's head.

    Finds an edited entry (hash), a missing middle entry (seq gap), a missing tail and a
    replaced newest entry (head), also when later entries were appended after the deletion.
    """
    entries = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.tenant_id == tenant_id)
        .order_by(AuditEntry.seq)
        .execution_options(populate_existing=True)  # as stored now, not as this session saw it
    ).all()
    problem = _walk(tenant_id, entries) or _against_head(tenant_id, entries)
    if problem is None:
        return ChainReport(tenant_id, len(entries), True)
    seq, reason, missing = problem
    return ChainReport(tenant_id, len(entries), False, seq, reason, missing)


# A problem found: (seq where the chain breaks, reason in Indonesian, entries missing)
_Problem = tuple[int | None, str, int]


def _walk(tenant_id: int, entries: list[AuditEntry]) -> _Problem | None:
    """Each entry follows the previous one: consecutive seq, matching prev_hash, true hash."""
    prev = GENESIS
    for expected_seq, entry in enumerate(entries, start=1):
        if entry.seq != expected_seq:
            gone = entry.seq - expected_seq
            if gone > 0:
                span = f"#{expected_seq}" if gone == 1 else f"#{expected_seq}–#{entry.seq - 1}"
                return (
                    entry.seq,
                    f"nomor urut terputus: {gone} entri ({span}) hilang dari jejak audit "
                    f"{_tenant_name(tenant_id)}. {_RESTORE}",
                    gone,
                )
            return entry.seq, "nomor urut terputus", 0
        if entry.prev_hash != prev:
            return entry.seq, "prev_hash tidak cocok", 0
        if _digest(prev, entry) != entry.hash:
            return entry.seq, "isi entri telah diubah", 0
        prev = entry.hash
    return None


def _against_head(tenant_id: int, entries: list[AuditEntry]) -> _Problem | None:
    """The chain's end agrees with the head the app role cannot move (a deleted tail shows)."""
    head = head_of(tenant_id)
    count = len(entries)
    last = entries[-1] if entries else None
    name = _tenant_name(tenant_id)
    if head is None:
        if last is None:
            return None
        return (
            last.seq,
            f"kepala rantai jejak audit {name} tidak ada, sehingga penghapusan entri terakhir "
            f"tidak dapat diperiksa. {_RESTORE}",
            0,
        )
    last_seq = last.seq if last is not None else 0
    outside = (
        "ditambahkan di luar aplikasi. Periksa entri tersebut dan laporkan kejadian ini kepada "
        "pengelola keamanan."
    )
    if head.last_seq > last_seq:
        gone = head.entries - count
        return (
            last_seq + 1,
            f"rantai terpotong: {gone} entri terakhir jejak audit {name} hilang "
            f"(kepala rantai mencatat {head.entries} entri sampai #{head.last_seq}, "
            f"tersisa {count} entri sampai #{last_seq}). {_RESTORE}",
            gone,
        )
    if head.last_seq < last_seq:
        return (
            head.last_seq + 1,
            f"jejak audit {name} memuat entri sesudah #{head.last_seq} yang tidak tercatat di "
            f"kepala rantai: entri itu {outside}",
            0,
        )
    if last is not None and head.last_hash != last.hash:
        return (
            last.seq,
            f"entri terakhir jejak audit {name} tidak sama dengan yang tercatat di kepala "
            f"rantai: entri itu diganti atau diubah. {_RESTORE}",
            0,
        )
    gone = head.entries - count
    if gone > 0:
        return (
            last_seq,
            f"kepala rantai mencatat {head.entries} entri, tersisa {count}: {gone} entri "
            f"jejak audit {name} hilang lalu rantainya disambung lagi. {_RESTORE}",
            gone,
        )
    if gone < 0:
        return (
            last_seq,
            f"jejak audit {name} memuat {-gone} entri lebih banyak daripada yang tercatat di "
            f"kepala rantai: ada entri yang {outside}",
            0,
        )
    return None


def tenants_with_entries() -> list[int]:
    """Tenants with an audit chain: entries now, or a head (all its entries may be gone)."""
    with_entries = select(AuditEntry.tenant_id).group_by(AuditEntry.tenant_id)
    with_head = select(AuditHead.tenant_id)
    return sorted(set(db.session.scalars(with_entries)) | set(db.session.scalars(with_head)))


def head_of(tenant_id: int) -> AuditHead | None:
    """The tenant's head as stored now (the trigger moves it behind the session's back)."""
    return db.session.scalars(
        select(AuditHead)
        .where(AuditHead.tenant_id == tenant_id)
        .execution_options(populate_existing=True)
    ).one_or_none()


def count_entries(tenant_id: int) -> int:
    return db.session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.tenant_id == tenant_id)
    )
