"""Filing documents on a cooperation and handing them out: shared by the API and the pages.

A document is always reached through its cooperation, which the caller must be allowed to see
(and, to upload, to act on); downloads are audited on the cooperation's chain.
"""

from __future__ import annotations

from flask import Response, redirect, stream_with_context
from flask_login import current_user
from sqlalchemy import select

from sikd.cooperations.access import actor_level, get_visible
from sikd.cooperations.history import record_on_cooperation
from sikd.cooperations.state import rulebook_of
from sikd.core.api import error_response
from sikd.core.errors import AppError
from sikd.core.extensions import db
from sikd.core.storage import StorageUnavailable
from sikd.documents.models import Document, DocumentVersion
from sikd.documents.services import download_url, open_version, upload_document
from sikd.tenancy.scope import tenant_scope

UPLOAD_ROLES = {
    "own": {"opd", "tkksd", "kepala_daerah", "sekretariat_dprd", "tim_pengawasan"},
    "provinsi": {"gubernur_verifier"},
    "kemendagri": {"sekjen_verifier", "sekjen_leader"},
    "kemlu": {"kemlu_reviewer"},
    # the partner daerah of a KSDD files its own letters while it holds the cooperation
    "partner": {"opd", "tkksd", "kepala_daerah", "sekretariat_dprd"},
}


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
    if level != "own" and coop.holder_level != level:
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
    with tenant_scope(coop.tenant_id):
        version = upload_document(
            coop.tenant_id,
            coop.id,
            kind,
            coop.stage,
            fileobj,
            filename,
            user.id,
            fields=fields,
            document_id=document_id,
            title=kinds[kind].get("label", kind),
            document_kind=kinds[kind],
            regulations=rulebook.get("regulations"),
            commit=False,
        )
        record_on_cooperation(
            coop,
            user,
            "document.uploaded",
            "document",
            version.document_id,
            f"{kinds[kind].get('label', kind)} versi {version.number} diunggah ({version.filename})",
            {"sha256": version.sha256, "size": version.size, "kind": kind},
        )
        db.session.commit()
    return version


def send_version(doc_id: int, version_id: int):
    version = db.session.scalar(
        select(DocumentVersion).where(
            DocumentVersion.id == version_id, DocumentVersion.document_id == doc_id
        )
    )
    doc = db.session.get(Document, doc_id) if version is not None else None
    if version is None or doc is None or doc.cooperation_id is None:
        return error_response(
            "not_found", "Dokumen tidak ditemukan atau tidak dapat Anda lihat.", 404
        )
    coop = get_visible(doc.cooperation_id)  # same visibility as the cooperation
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
    try:
        url = download_url(version, expires_seconds=300)
    except StorageUnavailable as exc:
        return error_response("storage_unavailable", str(exc), 503)
    if url:
        return redirect(url, code=302)
    stream = open_version(version)
    headers = {"Content-Disposition": f'attachment; filename="{version.filename}"'}
    return Response(
        stream_with_context(iter(lambda: stream.read(64 * 1024), b"")),
        mimetype=version.content_type,
        headers=headers,
    )


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
