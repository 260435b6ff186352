"""Documents of a cooperation: upload (streamed), list, download (authorized, audited)."""

from __future__ import annotations

import json

from flask import request
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from werkzeug.exceptions import RequestEntityTooLarge

from sikd.cooperations.access import (
    filing_tenant_id,
    get_visible,
    parties,
    visible_first,
)
from sikd.cooperations.history import record_on_cooperation
from sikd.cooperations.partners import record_for_partner
from sikd.cooperations.state import filed_documents
from sikd.core.api import (
    api_login_required,
    cooperation_error,
    documented_errors,
    error_response,
)
from sikd.core.errors import AppError, upload_limit_message
from sikd.core.extensions import db
from sikd.core.storage import StorageUnavailable
from sikd.documents.api_schemas import (
    DOWNLOAD_RESPONSES,
    UPLOAD_BODY,
    DocumentList,
    DocumentOut,
    LetterOut,
    LetterRequest,
    LinkOut,
    PublicBody,
    SupersedeBody,
)
from sikd.documents.contents import ContentsRefused
from sikd.documents.models import Document
from sikd.documents.services import (
    DocumentNotFound,
    DocumentRefused,
    supersede_document,
)
from sikd.documents.uploads import (
    download_link,
    link_seconds,
    link_serializer,
    request_cooperation_letter,
    send_version,
    store_upload,
    visible_document,
    visible_version,
)
from sikd.documents.validation import UploadRefused
from sikd.tenancy.scope import scoped, tenant_scope
from sikd.web.public_cache import public_changed

blp = Blueprint("documents", __name__, description="Dokumen kerja sama")


def document_dict(doc: Document) -> dict:
    return {
        "id": doc.id,
        "kind": doc.kind,
        "title": doc.title,
        "stage": doc.stage,
        "superseded": doc.superseded,
        "superseded_reason": doc.superseded_reason,
        "public": doc.public,
        "versions": [
            {
                "id": v.id,
                "number": v.number,
                "filename": v.filename,
                "content_type": v.content_type,
                "size": v.size,
                "sha256": v.sha256,
                "uploaded_at": v.uploaded_at.isoformat(),
                "fields": v.fields,
                "signature": v.signature,  # the TTE check (sikd.documents.signatures)
                "download": f"/api/v1/documents/{doc.id}/versions/{v.id}/download",
            }
            for v in sorted(doc.versions, key=lambda v: v.number)
        ],
        "current_version_id": doc.current_version_id,
    }


def _document_id(raw: str | None) -> int | None:
    """The multipart ``document_id``: empty for a new document, else a positive id."""
    if raw is None or raw == "":
        return None
    if not raw.isascii() or not raw.isdigit() or not 0 < int(raw) <= 2**31 - 1:
        raise AppError(
            "invalid_input",
            "Isian document_id harus nomor dokumen (bilangan bulat positif) atau dikosongkan.",
            field_errors={"document_id": ["Nomor dokumen harus bilangan bulat positif."]},
        )
    return int(raw)


def upload_error(exc: Exception):
    if isinstance(exc, AppError):
        return cooperation_error(exc)
    if isinstance(exc, ContentsRefused):
        return error_response("invalid_contents", exc.message, 422, errors=exc.errors)
    if isinstance(exc, UploadRefused | DocumentRefused):
        return error_response(exc.code, exc.message, 422, errors={"file": [exc.message]})
    if isinstance(exc, StorageUnavailable):
        return error_response("storage_unavailable", str(exc), 503)
    if isinstance(exc, DocumentNotFound):
        return error_response("not_found", str(exc), 404)
    if isinstance(exc, RequestEntityTooLarge):
        return error_response(
            "too_large", upload_limit_message(), 413, errors={"file": [upload_limit_message()]}
        )
    raise exc


@blp.route("/cooperations/<int:coop_id>/documents")
class CooperationDocuments(MethodView):
    decorators = [api_login_required]

    @blp.response(200, DocumentList)
    @documented_errors(blp, 401, 404)
    def get(self, coop_id):
        """Dokumen kerja sama ini dengan semua versinya."""
        coop = get_visible(coop_id)
        return {"items": [document_dict(d) for d in filed_documents(coop)]}

    @blp.doc(requestBody=UPLOAD_BODY)
    @blp.response(201, DocumentOut)
    @documented_errors(blp, 401, 403, 404, 413, 422, 503)
    def post(self, coop_id):
        """Unggah berkas (multipart: kind, file, fields = JSON isi terstruktur, document_id untuk versi baru)."""
        try:
            coop = get_visible(coop_id)
            upload = request.files.get("file")
            if upload is None or not upload.filename:
                return error_response(
                    "file_required",
                    "Pilih berkas yang akan diunggah.",
                    422,
                    errors={"file": ["Wajib diisi."]},
                )
            try:
                fields = json.loads(request.form.get("fields") or "{}")
            except ValueError:
                return error_response(
                    "invalid_fields",
                    "Isian 'fields' harus JSON yang sah.",
                    422,
                    errors={"fields": ["JSON tidak sah."]},
                )
            doc_id = _document_id(request.form.get("document_id"))
            version = store_upload(
                current_user,
                coop,
                request.form.get("kind", ""),
                upload.stream,
                upload.filename,
                fields,
                doc_id,
            )
        except Exception as exc:  # noqa: BLE001 - mapped to a JSON refusal or re-raised
            db.session.rollback()
            return upload_error(exc)
        return document_dict(db.session.get(Document, version.document_id))


@blp.route("/documents/<int:doc_id>/versions/<int:version_id>/download")
class Download(MethodView):
    decorators = [api_login_required]

    @blp.doc(**DOWNLOAD_RESPONSES)
    @documented_errors(blp, 401, 404, 503)
    def get(self, doc_id, version_id):
        """Unduh: izin diperiksa dulu (sama dengan izin melihat kerja samanya), lalu tautan singkat."""
        return send_version(doc_id, version_id)


@blp.route("/cooperations/<int:coop_id>/documents/<int:doc_id>/public")
class DocumentPublic(MethodView):
    decorators = [visible_first, api_login_required]

    @blp.arguments(PublicBody)
    @blp.response(200, DocumentOut)
    @documented_errors(blp, 401, 403, 404, 409, 422)
    def put(self, body, coop_id, doc_id):
        """Umumkan dokumen di daftar publik (public: true) atau tarik kembali (false); diaudit.

        Hanya TKKSD atau Administrator Instansi pemrakarsa; versi terkini yang diumumkan."""
        from sikd.documents.publication import set_public

        try:
            doc, _ = set_public(current_user, coop_id, doc_id, body["public"])
        except AppError:
            db.session.rollback()
            raise
        return document_dict(doc)


@blp.route("/documents/<int:doc_id>/supersede")
class Supersede(MethodView):
    decorators = [api_login_required]

    @blp.arguments(SupersedeBody)
    @blp.response(200, DocumentOut)
    @documented_errors(blp, 401, 403, 404)
    def post(self, body, doc_id):
        """Tandai dokumen digantikan (dengan alasan); versinya tetap tersimpan."""
        try:
            doc, coop = visible_document(doc_id)
            side = filing_tenant_id(current_user, coop)
            if current_user.tenant_id not in parties(coop) or doc.tenant_id != side:
                raise AppError(
                    "role_not_allowed",
                    "Hanya pihak yang mengunggah dokumen ini yang dapat menggantinya.",
                    status=403,
                )
            reason = body["reason"]
            with tenant_scope(side):
                supersede_document(
                    side,
                    doc.id,
                    reason,
                    current_user.id,
                    cooperation_id=coop.id,
                    commit=False,
                )
            summary = f"{doc.title} digantikan: {reason}"
            if side != coop.tenant_id:  # the partner's own document: on its own chain too
                record_for_partner(coop, current_user, "document.superseded", summary)
            record_on_cooperation(
                coop, current_user, "document.superseded", "document", doc.id, summary
            )
            public = doc.public
            db.session.commit()
            if public:  # a superseded document leaves the public register
                public_changed()
        except Exception as exc:  # noqa: BLE001
            db.session.rollback()
            return upload_error(exc)
        return document_dict(doc)


# --- generated letters --------------------------------------------------------------------


def letter_dict(letter) -> dict:
    return {
        "id": letter.id,
        "kind": letter.kind,
        "nomor": letter.nomor,
        "tanggal": letter.tanggal.isoformat(),
        "status": letter.status,
        "progress": letter.progress,
        "document_id": letter.document_id,
        "error": letter.error,
        "cooperation_id": letter.cooperation_id,
    }


@blp.route("/cooperations/<int:coop_id>/letters")
class CooperationLetters(MethodView):
    decorators = [api_login_required]

    @blp.arguments(LetterRequest)
    @blp.response(202, LetterOut)
    @documented_errors(blp, 401, 403, 404)
    def post(self, body, coop_id):
        """Buat surat dari templat (nomor dari urutan tahunan instansi Anda); dirender oleh pekerja."""
        try:
            coop = get_visible(coop_id)
            letter = request_cooperation_letter(
                current_user,
                coop,
                body["kind"],
                body["context"],
                body["fmt"],
            )
        except DocumentRefused as exc:
            db.session.rollback()
            return error_response(exc.code, exc.message, 422)
        return letter_dict(letter)


@blp.route("/letters/<int:letter_id>")
class LetterStatus(MethodView):
    decorators = [api_login_required]

    @blp.response(200, LetterOut)
    @documented_errors(blp, 401, 404)
    def get(self, letter_id):
        """Kemajuan pembuatan surat: queued → rendering → done (atau failed dengan alasannya)."""
        from sikd.documents.models import Letter

        # only the issuing tenant sees it (app filter here, row-level security underneath)
        letter = db.session.scalar(scoped(Letter).where(Letter.id == letter_id))
        if letter is None:
            return error_response(
                "not_found", "Surat tidak ditemukan atau tidak dapat Anda lihat.", 404
            )
        return letter_dict(letter)


# --- short-lived download links (see sikd.documents.uploads) ------------------------------


@blp.route("/documents/<int:doc_id>/versions/<int:version_id>/link")
class DownloadLink(MethodView):
    decorators = [api_login_required]

    @blp.response(200, LinkOut)
    @documented_errors(blp, 401, 404)
    def get(self, doc_id, version_id):
        """Tautan unduh berumur pendek untuk Anda sendiri (default 5 menit)."""
        visible_version(doc_id, version_id)  # 404 unless its cooperation is visible
        return {
            "url": download_link(doc_id, version_id, current_user.id),
            "expires_in_seconds": link_seconds(),
        }


def follow_download_link(token: str):
    from itsdangerous import BadSignature, SignatureExpired

    try:
        doc_id, version_id, user_id = link_serializer().loads(token, max_age=link_seconds())
    except SignatureExpired:
        return error_response(
            "link_expired",
            "Tautan unduh sudah kedaluwarsa. Buka kembali halaman dokumen untuk tautan baru.",
            410,
        )
    except BadSignature:
        return error_response("not_found", "Tautan unduh tidak sah.", 404)
    if not current_user.is_authenticated or current_user.id != user_id:
        return error_response("not_found", "Tautan unduh ini bukan untuk akun Anda.", 404)
    return send_version(doc_id, version_id)
