"""Documents a tenant publishes in the public register (issue 14 item 3, issue 16 item 5).

Every document is private until the owning tenant's TKKSD or tenant admin marks it public, one
document at a time (audited on the cooperation's chain, and the public register's cache moves).
A public document shows on the public page of its cooperation while that cooperation is listed
there (signed: running or ended), with its kind, the date of its current version and the
electronic-signature check of that version in Indonesian, and anyone may download that current
version (rate-limited and cached like the register's pages). Nothing else of the document
leaves: not its title, not its file name (the download is named after the kind and the
cooperation's number), not its earlier versions, not its structured contents.
"""

from __future__ import annotations

import json
from pathlib import PurePath
from typing import Any

from flask import Blueprint, send_file
from sqlalchemy import select

from sikd.cooperations.access import get_visible, of_cooperation
from sikd.cooperations.history import record_on_cooperation
from sikd.cooperations.models import Cooperation
from sikd.cooperations.queries import publicly_listed
from sikd.cooperations.state import rules_of
from sikd.core.errors import AppError, NotFound, render_error
from sikd.core.extensions import db, limiter
from sikd.core.storage import ObjectNotFound, StorageUnavailable, get_storage
from sikd.documents.models import Document, DocumentVersion
from sikd.documents.signatures import summary_text
from sikd.documents.uploads import NO_DOCUMENT, PUBLISH_ROLES
from sikd.tenancy.scope import owned_by, system_scope
from sikd.web.panels import public_panel
from sikd.web.public_cache import CACHE_SECONDS, cached_value, public_changed, public_limit

bp = Blueprint("public_documents", __name__)

NOT_PUBLIC = (
    "Dokumen ini tidak diumumkan di daftar publik. Buka halaman kerja samanya di daftar publik "
    "untuk melihat dokumen yang diumumkan."
)


def may_publish(user: Any, coop: Cooperation) -> bool:
    """The owning tenant's TKKSD or tenant admin (the detail page shows the form to them)."""
    return user.tenant_id == coop.tenant_id and bool(PUBLISH_ROLES & set(user.roles))


def set_public(user: Any, coop_id: int, doc_id: int, public: bool) -> tuple[Document, bool]:
    """Mark one document of a cooperation public or private; returns it and whether it changed.

    The cooperation is found through the caller's visibility and must be the caller's tenant's
    own (another tenant, even one that supervises it, gets 404, as for a foreign one); the
    document only through that cooperation (404). Then the role (403)."""
    coop = get_visible(coop_id)
    if coop.tenant_id != user.tenant_id:
        raise NotFound("not_found", NO_DOCUMENT)
    doc = db.session.scalar(
        select(Document).where(of_cooperation(Document, coop), Document.id == doc_id)
    )
    if doc is None:
        raise NotFound("not_found", NO_DOCUMENT)
    if not PUBLISH_ROLES & set(user.roles):
        raise AppError(
            "role_not_allowed",
            "Dokumen diumumkan di daftar publik oleh TKKSD atau Administrator Instansi.",
            status=403,
        )
    if public and doc.superseded:
        raise AppError(
            "superseded",
            "Dokumen ini sudah digantikan; umumkan dokumen penggantinya.",
            status=409,
        )
    changed = doc.public != public
    if changed:
        doc.public = public
        label = kind_label(coop, doc.kind)
        summary = (
            f"{label} diumumkan di daftar publik"
            if public
            else f"{label} ditarik dari daftar publik"
        )
        record_on_cooperation(
            coop,
            user,
            "document.public" if public else "document.private",
            "document",
            doc.id,
            summary,
            {"public": public, "version_id": doc.current_version_id},
        )
    db.session.commit()
    if changed:
        public_changed()
    return doc, changed


def kind_label(coop: Cooperation, kind: str) -> str:
    spec = rules_of(coop).document_kinds().get(kind) or {}
    return str(spec.get("label") or kind.replace("_", " ").capitalize())


def _published(coop_id: int, doc_id: int | None = None):
    """Public, not superseded documents of a listed cooperation, with their current version."""
    query = (
        select(Document, DocumentVersion, Cooperation)
        .join(Cooperation, Cooperation.id == Document.cooperation_id)
        .join(DocumentVersion, DocumentVersion.id == Document.current_version_id)
        .where(
            Cooperation.id == coop_id,
            owned_by(Document, Cooperation.tenant_id),
            owned_by(DocumentVersion, Cooperation.tenant_id),
            Document.public.is_(True),
            Document.superseded.is_(False),
            publicly_listed(),
        )
        .order_by(Document.created_at, Document.id)
    )
    if doc_id is not None:
        query = query.where(Document.id == doc_id)
    return db.session.execute(query).all()


@public_panel
def public_documents_panel(coop_id: int) -> dict[str, Any]:
    """For the public page of a listed cooperation (called in the system scope)."""
    items = []
    for doc, version, coop in _published(coop_id):
        signature = version.signature
        items.append(
            {
                "id": doc.id,
                "jenis": kind_label(coop, doc.kind),
                "versi": version.number,
                "tanggal": version.uploaded_at,
                "tte": summary_text(signature),
                "tte_status": (signature or {}).get("status"),
            }
        )
    return {"public_documents": items}


def _download_name(coop: Cooperation, doc: Document, version: DocumentVersion) -> str:
    suffix = PurePath(version.filename).suffix.lower()[:8]
    return f"{kind_label(coop, doc.kind)} {coop.number.replace('/', '-')} v{version.number}{suffix}"


def _lookup(coop_id: int, doc_id: int) -> bytes:
    """What the download needs (cached per generation): the object and how to name it."""
    with system_scope():
        rows = _published(coop_id, doc_id)
        if not rows:
            return b"{}"
        doc, version, coop = rows[0]
        return json.dumps(
            {
                "key": version.storage_key,
                "version": version.storage_version_id,
                "type": version.content_type,
                "name": _download_name(coop, doc, version),
                "sha256": version.sha256,
            }
        ).encode()


@bp.route("/publik/kerja-sama/<int:coop_id>/dokumen/<int:doc_id>")
@limiter.limit(public_limit)
def public_download(coop_id: int, doc_id: int):
    """The current version of a public document of a listed cooperation, for anyone."""
    found = json.loads(
        cached_value(f"dokumen:{coop_id}:{doc_id}", lambda: _lookup(coop_id, doc_id))
    )
    if not found:
        return render_error(404, NOT_PUBLIC)
    try:
        stream = get_storage().open(found["key"], found["version"])
    except ObjectNotFound:
        return render_error(404, NOT_PUBLIC)
    except StorageUnavailable as exc:
        return render_error(503, str(exc))
    # the name goes through the framework's RFC 6266 / 5987 encoding, as every download
    response = send_file(
        stream,
        mimetype=found["type"],
        as_attachment=True,
        download_name=found["name"],
        conditional=False,
        etag=False,
    )
    response.set_etag(found["sha256"])
    response.headers["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
