"""A cooperation as the engine and the pages see it: its rulebook, its documents, its state."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import and_, select, tuple_
from sqlalchemy.orm import contains_eager, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from sikd.cooperations.models import Cooperation, parties
from sikd.core.extensions import db
from sikd.rules.models import RulebookVersion
from sikd.workflow.rulebook import Rulebook
from sikd.workflow.types import CooperationState, SignatureFact

# Kinds whose fields carry the term (jangka waktu, ≤ 5 tahun: Perwal 57/2023 Pasal 78(1)).
TERM_KINDS = ("naskah", "perjanjian_kerja_sama", "kesepakatan_bersama")


# Decoded rulebooks by content hash, per process: a version never changes, and decoding one
# (~70 KB of JSON) per row was most of the national view's time. Bounded, least recently used.
_DECODED: OrderedDict[str, dict[str, Any]] = OrderedDict()
_DECODED_MAX = 64
_DECODED_LOCK = threading.Lock()


def rulebook_of(coop: Cooperation) -> dict[str, Any]:
    """The rulebook the cooperation started under (the pinned version), as the engine takes it
    (shared: callers read it, never change it)."""
    version = coop.rulebook_version  # the row without its JSON (deferred), by identity map
    key = version.content_hash
    with _DECODED_LOCK:
        data = _DECODED.get(key)
        if data is not None:
            _DECODED.move_to_end(key)
            return data
    data = version.rulebook  # loads and decodes the JSON of this version once
    with _DECODED_LOCK:
        _DECODED[key] = data
        while len(_DECODED) > _DECODED_MAX:
            _DECODED.popitem(last=False)
    return data


def preload_rulebooks(version_ids: Iterable[int]) -> None:
    """Decode the rulebooks of these versions not decoded yet, read in one query (at most half
    of what the cache holds, so the caller's next rows find theirs still there)."""
    ids = list(dict.fromkeys(version_ids))[: _DECODED_MAX // 2]
    with _DECODED_LOCK:
        known = list(_DECODED)
    rows = db.session.execute(
        select(RulebookVersion.content_hash, RulebookVersion.rulebook).where(
            RulebookVersion.id.in_(ids), RulebookVersion.content_hash.not_in(known)
        )
    )
    with _DECODED_LOCK:
        for key, data in rows:
            _DECODED[key] = data
            _DECODED.move_to_end(key)
        while len(_DECODED) > _DECODED_MAX:
            _DECODED.popitem(last=False)


def preload_rulebook_versions(coops: Iterable[Cooperation]) -> None:
    """The pinned versions of a list in one query (their hashes; the JSON stays deferred),
    attached to each cooperation (the identity map alone holds them only weakly)."""
    coops = list(coops)
    ids = {c.rulebook_version_id for c in coops}
    if not ids:
        return
    versions = {
        v.id: v
        for v in db.session.scalars(select(RulebookVersion).where(RulebookVersion.id.in_(ids)))
    }
    for coop in coops:
        set_committed_value(coop, "rulebook_version", versions.get(coop.rulebook_version_id))


def rules_of(coop: Cooperation) -> Rulebook:
    return Rulebook(rulebook_of(coop))


# session.info key: while a dict is there (the sweep's transitions, which upload nothing; a page
# that only reads; a list within :func:`documents_read_once`), the documents read once in a
# transaction are reused by the other readers in that transaction.
TRANSACTION_DOCUMENTS = "sikd_documents_this_transaction"
# session.info key: set (with TRANSACTION_DOCUMENTS) by a page that only reads and shows every
# version of every document (the detail page): the documents that count are taken from the one
# query that reads them all with their versions (:func:`filed_documents`).
EVERY_VERSION = "sikd_every_version_this_page"


def _document_model():
    return Cooperation.current_documents.property.mapper.class_  # documents own the model


def _current_of(docs: list[Any]) -> list[Any]:
    """The documents that count (not superseded, with a current version), by id, each with its
    current version set from the versions read with it."""
    current = []
    for doc in sorted(docs, key=lambda d: d.id):
        if doc.superseded or doc.current_version_id is None:
            continue
        version = next((v for v in doc.versions if v.id == doc.current_version_id), None)
        if version is not None:
            set_committed_value(doc, "current_version", version)
        current.append(doc)
    return current


def filed_documents(coop: Cooperation) -> list[Any]:
    """Every document filed on the cooperation by either side (oldest first) with all its
    versions, in one query. A version is kept under its document's tenant, so the versions are
    joined by ``(tenant_id, document_id)`` and the tenant-led unique index answers (by
    ``document_id`` alone PostgreSQL walks the whole index). Within a page that only reads
    (TRANSACTION_DOCUMENTS), read once and the documents that count are taken from it."""
    cache = db.session.info.get(TRANSACTION_DOCUMENTS)
    key = ("filed", coop.id)
    if cache is not None and key in cache:
        return cache[key]
    document = _document_model()
    version = document.versions.property.mapper.class_
    docs = list(
        db.session.scalars(
            select(document)
            .outerjoin(
                version,
                and_(version.tenant_id == document.tenant_id, version.document_id == document.id),
            )
            .where(document.tenant_id.in_(parties(coop)), document.cooperation_id == coop.id)
            .options(contains_eager(document.versions))
            .order_by(document.created_at, document.id, version.number)
            .execution_options(populate_existing=True)
        ).unique()
    )
    if cache is not None:
        cache[key] = docs
        current = _current_of(docs)
        set_committed_value(coop, "current_documents", current)
        cache[coop.id] = current
    return docs


def current_documents(coop: Cooperation) -> list[Any]:
    """The documents that count now, read afresh (an upload earlier in the transaction shows),
    with their current versions in the same query."""
    cache = db.session.info.get(TRANSACTION_DOCUMENTS)
    if cache is not None and coop.id not in cache and db.session.info.get(EVERY_VERSION):
        filed_documents(coop)
    if cache is not None and coop.id in cache:
        return cache[coop.id]
    document = _document_model()
    docs = list(
        db.session.scalars(
            select(document)
            .where(
                document.tenant_id.in_(parties(coop)),  # a KSDD partner files its own
                document.cooperation_id == coop.id,
                document.superseded.is_(False),
                document.current_version_id.is_not(None),
            )
            .options(joinedload(document.current_version))
            .order_by(document.id)
        ).unique()
    )
    set_committed_value(coop, "current_documents", docs)
    if cache is not None:
        cache[coop.id] = docs
    return docs


def counting_on(pairs: Iterable[tuple[int, int]]):
    """The condition "a document that counts now (not superseded, with a current version),
    filed by ``tenant`` on ``cooperation``" for ``(tenant, cooperation)`` pairs: a list's rows
    are read and visible already, so their documents are reached as the tenant-led index is,
    without reading the cooperations again."""
    document = _document_model()
    return and_(
        tuple_(document.tenant_id, document.cooperation_id).in_(sorted(set(pairs))),
        document.superseded.is_(False),
        document.current_version_id.is_not(None),
    )


def current_documents_of(coops: Iterable[Cooperation]) -> dict[int, list[Any]]:
    """:func:`current_documents` of several cooperations, by id, in one query (none for those
    the transaction's cache holds already, :func:`counting_on`); each row's
    ``current_documents`` is set too."""
    cache = db.session.info.get(TRANSACTION_DOCUMENTS) or {}
    coops = list({c.id: c for c in coops}.values())
    out: dict[int, list[Any]] = {c.id: cache[c.id] for c in coops if c.id in cache}
    unread = [c for c in coops if c.id not in out]
    if not unread:
        return out
    document = _document_model()
    docs = db.session.scalars(
        select(document)
        .where(counting_on((tenant_id, c.id) for c in unread for tenant_id in parties(c)))
        .options(joinedload(document.current_version))
        .order_by(document.id)
    ).unique()
    out.update({c.id: [] for c in unread})
    for doc in docs:
        out[doc.cooperation_id].append(doc)
    for coop in unread:
        set_committed_value(coop, "current_documents", out[coop.id])
    return out


@contextmanager
def documents_read_once(coops: Iterable[Cooperation]) -> Iterator[dict[int, list[Any]]]:
    """For a list that only reads: the documents that count of ``coops`` in one query
    (:func:`current_documents_of`), and within the block every reader of them (the engine's
    state, its signature facts, a follow-up met by a document) takes them from there, as
    within a page that only reads (TRANSACTION_DOCUMENTS), not by a query per row."""
    info = db.session.info
    installed = TRANSACTION_DOCUMENTS not in info
    cache = info.setdefault(TRANSACTION_DOCUMENTS, {})
    try:
        docs = current_documents_of(coops)
        cache.update(docs)
        yield docs
    finally:
        if installed:
            info.pop(TRANSACTION_DOCUMENTS, None)


def current_versions(coop: Cooperation) -> list[tuple[str, Any, dict[str, Any]]]:
    """``(kind, uploaded_at, fields)`` of the current version of each document that counts."""
    out = []
    for doc in current_documents(coop):
        version = doc.current_version
        if version is not None:
            out.append((doc.kind, version.uploaded_at, dict(version.fields or {})))
    return out


def document_fields(coop: Cooperation) -> dict[str, dict[str, Any]]:
    """``{kind: fields}``; where a kind has several documents, the latest upload wins."""
    latest: dict[str, tuple[Any, dict[str, Any]]] = {}
    for kind, uploaded_at, fields in current_versions(coop):
        if kind not in latest or uploaded_at >= latest[kind][0]:
            latest[kind] = (uploaded_at, fields)
    return {kind: fields for kind, (_, fields) in latest.items()}


def field_lookup(coop: Cooperation):
    """``field_of(kind, field)`` for the deadlines that count from a date in a document."""
    fields = document_fields(coop)
    extended = coop.term_extended_until

    def field_of(kind: str, name: str):
        if extended is not None and kind in TERM_KINDS and name == "tanggal_berakhir":
            return extended  # the term in force after an approved extension
        return (fields.get(kind) or {}).get(name)

    return field_of


def attached_document_kinds(coop: Cooperation) -> frozenset[str]:
    return frozenset(doc.kind for doc in current_documents(coop))


# The kinds whose signature a rulebook version requires, by its content hash (as _DECODED):
# lists ask per row, and a version never changes. A few names per version.
_SIGNED: dict[str, frozenset[str]] = {}


def _signed_kinds(coop: Cooperation) -> frozenset[str]:
    key = coop.rulebook_version.content_hash
    signed = _SIGNED.get(key)
    if signed is None:
        kinds = rules_of(coop).document_kinds()
        signed = frozenset(
            k for k, spec in kinds.items() if (spec.get("signature") or {}).get("required")
        )
        _SIGNED[key] = signed
    return signed


def signature_facts(coop: Cooperation) -> tuple[SignatureFact, ...]:
    """One fact per signature in the current version of each attached document of a kind with
    a ``signature`` rule (or one
    ``tidak_ditandatangani`` fact); a valid signer's roles are those of the SIKD account of the
    initiating tenant (or of the partner daerah, for its own documents) whose e-mail is the
    certificate's."""
    from sqlalchemy import func, select

    from sikd.accounts.models import User
    from sikd.tenancy.scope import system_scope

    signed_kinds = _signed_kinds(coop)
    if not signed_kinds:  # nothing to check: no query (lists build many states)
        return ()
    pending: list[tuple[str, str, str | None, str]] = []
    for doc in current_documents(coop):
        if doc.kind not in signed_kinds:  # only kinds the rulebook asks a signature of
            continue
        check = (doc.current_version.signature if doc.current_version else None) or {}
        sigs = check.get("signatures") or []
        if not sigs:
            pending.append((doc.kind, check.get("status") or "tidak_ditandatangani", None, ""))
        for sig in sigs:
            email = (sig.get("signer_email") or "").lower() or None
            text = str(sig.get("text") or "")
            pending.append((doc.kind, sig.get("status", ""), email, text.rsplit("; ", 1)[-1]))
    emails = {e for _, status, e, _ in pending if e and status == "sah"}
    roles: dict[str, frozenset[str]] = {}
    if emails:
        with system_scope():  # the acting tenant may be a ministry; only this tenant's accounts
            rows = db.session.execute(
                select(func.lower(User.email), User.roles).where(
                    User.tenant_id.in_(parties(coop)),
                    User.active.is_(True),
                    func.lower(User.email).in_(emails),
                )
            ).all()
        roles = {email: frozenset(r or ()) for email, r in rows}
    return tuple(
        SignatureFact(kind, status, roles.get(email or "", frozenset()), detail.rstrip("."))
        for kind, status, email, detail in pending
    )


def engine_state(coop: Cooperation, documents: frozenset[str] | None = None) -> CooperationState:
    """The engine's view; ``documents`` (the attached kinds) when the caller loaded them for a
    whole list, else read afresh."""
    return CooperationState(
        type=coop.type,
        subtype=coop.subtype,
        initiator_kind=coop.tenant.kind,
        process=coop.process,
        stage=coop.stage,
        facts=frozenset(coop.facts or ()),
        documents=attached_document_kinds(coop) if documents is None else documents,
        flags=frozenset(coop.flags or ()),
        version=coop.version,
        signatures=signature_facts(coop),
        approvals=frozenset(coop.approvals or ()),
    )


def state_summary(coop: Cooperation) -> dict[str, Any]:
    return {
        "id": coop.id,
        "number": coop.number,
        "stage": coop.stage,
        "status": coop.status,
        "version": coop.version,
        "holder_level": coop.holder_level,
        "holder_tenant": coop.holder_tenant.name,
    }
