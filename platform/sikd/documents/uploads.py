"""Filing documents on a cooperation and handing them out: shared by the API and the pages.

A document is always reached through its cooperation, which the caller must be allowed to see
(and, to upload, to act on); downloads are audited on the cooperation's chain.
"""

from __future__ import annotations

from flask import redirect, send_file
from flask_login import current_user
from sqlalchemy import or_, select

from sikd.cooperations.access import actor_level, filing_tenant_id, visibility_filter
from sikd.cooperations.history import record_on_cooperation
from sikd.cooperations.models import Cooperation
from sikd.cooperations.partners import record_for_partner
from sikd.cooperations.state import rulebook_of, rules_of
from sikd.core.api import error_response
from sikd.core.errors import AppError, NotFound
from sikd.core.extensions import db
from sikd.core.storage import ObjectNotFound, StorageUnavailable
from sikd.documents.models import Document, DocumentVersion
from sikd.documents.services import download_url, open_version, upload_document
from sikd.tenancy.scope import owned_by, tenant_scope
from sikd.web.public_cache import public_changed

UPLOAD_ROLES = {
    "own": {"opd", "tkksd", "kepala_daerah", "sekretariat_dprd", "tim_pengawasan"},
    "provinsi": {"gubernur_verifier"},
    "kemendagri": {"sekjen_verifier", "sekjen_leader"},
    "kemlu": {"kemlu_reviewer"},
    # the partner daerah of a KSDD files its own letters while it holds the cooperation
    "partner": {"opd", "tkksd", "kepala_daerah", "sekretariat_dprd"},
}


def may_file_now(coop, level: str | None) -> bool:
    """The owner files at any time; another level while it holds the cooperation, or while the
    current stage lets it act (the partner daerah's own DPRD approval at a parallel stage, its
    own report or proposal during pelaksanaan: Perwal Bekasi 57/2023 Pasal 27, 33-35)."""
    if level is None:
        return False
    if level == "own" or coop.holder_level == level:
        return True
    stage = rules_of(coop).stage(coop.process, coop.stage) or {}
    return level in (stage.get("parallel") or {}) or any(
        a.get("level") == level for a in stage.get("actions") or ()
    )


def store_upload(
    user, coop, kind: str, fileobj, filename: str, fields: dict | None, document_id: int | None
):
    """Shared by the API and the web form: authorize, validate, store. Raises on refusal."""
    level = actor_level(user.tenant, coop)
    allowed = UPLOAD_ROLES.get(level or "", set())
    if level is None or not allowed & set(user.roles):
        raise AppError(
            "role_not_allowed",
            "Peran Anda tidak dapat mengunggah dokumen untuk kerja sama ini.",
            status=403,
        )
    if not may_file_now(coop, level):
        raise AppError(
            "not_holder",
            "Anda hanya dapat mengunggah dokumen saat kerja sama ini sedang di instansi Anda.",
            status=409,
        )
    rulebook = rulebook_of(coop)
    kinds = rulebook.get("document_kinds") or {}
    if kind not in kinds:
        raise AppError(
            "unknown_document_kind",
            f"Jenis dokumen {kind!r} tidak dikenal dalam aturan instansi. Pilih jenis dari daftar.",
            field_errors={"kind": ["Jenis dokumen tidak dikenal."]},
        )
    # each side keeps its own documents: the partner daerah's upload is its own (its tenant,
    # its storage prefix, its audit chain); both sides read the shared file (Pasal 21-35)
    owner_id = filing_tenant_id(user, coop)
    label = kinds[kind].get("label", kind)
    with tenant_scope(owner_id):
        version = upload_document(
            owner_id,
            coop.id,
            kind,
            coop.stage,
            fileobj,
            filename,
            user.id,
            fields=fields,
            document_id=document_id,
            title=label,
            document_kind=kinds[kind],
            regulations=rulebook.get("regulations"),
            commit=False,
        )
    summary = f"{label} versi {version.number} diunggah ({version.filename})"
    data = {"sha256": version.sha256, "size": version.size, "kind": kind}
    if owner_id != coop.tenant_id:
        record_for_partner(coop, user, "document.uploaded", summary, data)
        summary = f"{summary} oleh {user.tenant.name}"
    record_on_cooperation(
        coop, user, "document.uploaded", "document", version.document_id, summary, data
    )
    public = version.document.public
    if public and not (user.tenant_id == coop.tenant_id and PUBLISH_ROLES & set(user.roles)):
        # a version the TKKSD did not publish is not public by itself: withdrawn until it is
        version.document.public = False
        record_on_cooperation(
            coop,
            user,
            "document.private",
            "document",
            version.document_id,
            f"{label} ditarik dari daftar publik: versi {version.number} baru diunggah; TKKSD "
            "mengumumkannya kembali bila versi ini boleh dibuka untuk umum",
            {"version_id": version.id, "alasan": "versi_baru"},
        )
    db.session.commit()
    if public:  # the public register shows the new version, or no longer the document
        public_changed()
    return version


NO_DOCUMENT = "Dokumen tidak ditemukan atau tidak dapat Anda lihat."
# who may put a document of the owning daerah in the public register (and keep a new version
# of a public document public by uploading it)
PUBLISH_ROLES = {"tkksd", "tenant_admin"}


def visible_document(doc_id: int) -> tuple[Document, Cooperation]:
    """A document found only through a cooperation the caller may see, else :class:`NotFound`.

    Both layers apply: the app filter here (the document's owner is one side of the
    cooperation, the cooperation is visible to the caller's tenant), and row-level security
    underneath.
    """
    row = db.session.execute(
        select(Document, Cooperation)
        .join(Cooperation, Cooperation.id == Document.cooperation_id)
        .where(
            Document.id == doc_id,
            or_(
                owned_by(Document, Cooperation.tenant_id),
                owned_by(Document, Cooperation.partner_tenant_id),
            ),
            visibility_filter(),
        )
    ).first()
    if row is None:
        raise NotFound("not_found", NO_DOCUMENT)
    return row[0], row[1]


def visible_version(doc_id: int, version_id: int) -> tuple[DocumentVersion, Document, Cooperation]:
    """A version of a document of a cooperation the caller may see, else :class:`NotFound`."""
    doc, coop = visible_document(doc_id)
    version = db.session.scalar(
        select(DocumentVersion).where(
            owned_by(DocumentVersion, doc.tenant_id),
            DocumentVersion.document_id == doc.id,
            DocumentVersion.id == version_id,
        )
    )
    if version is None:
        raise NotFound("not_found", NO_DOCUMENT)
    return version, doc, coop


def _served(version: DocumentVersion):
    """The response that hands the bytes out: a short-lived S3 link, or the stream itself.

    The file name goes through the framework's RFC 6266 / 5987 encoding (``send_file`` with
    ``download_name``; the S3 link carries the same header), so any name is a valid header.
    """
    url = download_url(version, expires_seconds=300)
    if url:
        response = redirect(url, code=302)
    else:
        stream = open_version(version)
        response = send_file(
            stream,
            mimetype=version.content_type,
            as_attachment=True,
            download_name=version.filename,
            conditional=False,
            etag=False,
        )
        response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def send_version(doc_id: int, version_id: int):
    """Authorize, prepare the download, and only then audit it (a failed one is not a download)."""
    version, doc, coop = visible_version(doc_id, version_id)  # 404 before anything else
    try:
        response = _served(version)
    except ObjectNotFound:
        return error_response(
            "object_missing",
            "Berkas dokumen ini tidak ditemukan di penyimpanan. Hubungi admin instansi Anda.",
            404,
        )
    except StorageUnavailable as exc:
        return error_response("storage_unavailable", str(exc), 503)
    record_on_cooperation(
        coop,
        current_user,
        "document.downloaded",
        "document",
        doc.id,
        f"{doc.title} versi {version.number} diunduh oleh {current_user.email}",
        {"version_id": version.id, "by_tenant": current_user.tenant.code},
    )
    db.session.commit()
    return response


def request_cooperation_letter(user, coop, kind: str, context: dict, fmt: str = "pdf"):
    """Number a letter in the issuer's yearly sequence and queue its rendering."""
    from sikd.documents.issuing import request_letter
    from sikd.documents.letters import LetterRefused

    level = actor_level(user.tenant, coop)
    if level is None or not UPLOAD_ROLES.get(level, set()) & set(user.roles):
        raise AppError(
            "role_not_allowed",
            "Peran Anda tidak dapat membuat surat untuk kerja sama ini.",
            status=403,
        )
    defaults = {"judul": coop.title, "mitra": coop.partner_name, "daerah": coop.tenant.name}
    full = {**defaults, **(context or {})}
    try:
        letter = request_letter(
            user.tenant_id, kind, full, user.id, cooperation_id=coop.id, fmt=fmt
        )
    except LetterRefused as exc:
        raise AppError(
            "letter_context", str(exc), field_errors={k: [str(v)] for k, v in exc.errors.items()}
        ) from exc
    record_on_cooperation(
        coop,
        user,
        "letter.requested",
        "letter",
        letter.id,
        f"surat {kind} nomor {letter.nomor} diminta oleh {user.tenant.name}",
    )
    db.session.commit()
    return letter


# --- short-lived download links -----------------------------------------------------------
# A link the app signs and enforces itself: valid for DOWNLOAD_LINK_SECONDS, only for the user
# it was made for, and authorization is checked again when it is used.


def link_serializer():
    from flask import current_app
    from itsdangerous import URLSafeTimedSerializer

    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="sikd-unduh")


def download_link(doc_id: int, version_id: int, user_id: int) -> str:
    return "/unduh/" + link_serializer().dumps([doc_id, version_id, user_id])


def link_seconds() -> int:
    from flask import current_app

    return int(current_app.config.get("SIKD_DOWNLOAD_LINK_SECONDS", 300))
