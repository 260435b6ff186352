"""A cooperation as the engine and the pages see it: its rulebook, its documents, its state."""

from __future__ import annotations

from typing import Any

from sikd.cooperations.models import Cooperation
from sikd.core.extensions import db
from sikd.workflow.rulebook import Rulebook
from sikd.workflow.types import CooperationState

# Kinds whose fields carry the term (jangka waktu, ≤ 5 tahun: Perwal 57/2023 Pasal 78(1)).
TERM_KINDS = ("naskah", "perjanjian_kerja_sama", "kesepakatan_bersama")


def rulebook_of(coop: Cooperation) -> dict[str, Any]:
    """The rulebook the cooperation started under (the pinned version), as the engine takes it."""
    return coop.rulebook_version.rulebook


def rules_of(coop: Cooperation) -> Rulebook:
    return Rulebook(rulebook_of(coop))


def current_documents(coop: Cooperation) -> list[Any]:
    """The documents that count now, read afresh (an upload earlier in the transaction shows)."""
    db.session.expire(coop, ["current_documents"])
    return list(coop.current_documents)


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


def engine_state(coop: Cooperation) -> CooperationState:
    return CooperationState(
        type=coop.type,
        subtype=coop.subtype,
        initiator_kind=coop.tenant.kind,
        process=coop.process,
        stage=coop.stage,
        facts=frozenset(coop.facts or ()),
        documents=attached_document_kinds(coop),
        flags=frozenset(coop.flags or ()),
        version=coop.version,
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
