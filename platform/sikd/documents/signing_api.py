"""API of signatures: one document version with its signature check; signing a letter."""

from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from sqlalchemy import select

from sikd.cooperations.access import get_visible
from sikd.core.api import api_login_required, documented_errors, error_response
from sikd.core.errors import AppError
from sikd.core.extensions import db
from sikd.documents.api_schemas import SignBody, VersionDetailOut
from sikd.documents.models import Document, DocumentVersion
from sikd.documents.signatures import summary_text

blp = Blueprint("document_signatures", __name__, description="Tanda tangan elektronik (TTE)")


def version_dict(doc: Document, v: DocumentVersion) -> dict:
    return {
        "id": v.id,
        "document_id": doc.id,
        "kind": doc.kind,
        "title": doc.title,
        "number": v.number,
        "filename": v.filename,
        "content_type": v.content_type,
        "size": v.size,
        "sha256": v.sha256,
        "uploaded_at": v.uploaded_at.isoformat(),
        "fields": v.fields,
        "current": v.id == doc.current_version_id,
        "signature": v.signature,
        "signature_text": summary_text(v.signature),
        "download": f"/api/v1/documents/{doc.id}/versions/{v.id}/download",
    }


@blp.route("/documents/<int:doc_id>/versions/<int:version_id>")
class VersionDetail(MethodView):
    decorators = [api_login_required]

    @blp.response(200, VersionDetailOut)
    @documented_errors(blp, 401, 404)
    def get(self, doc_id, version_id):
        """Satu versi dokumen dengan hasil pemeriksaan tanda tangan elektroniknya."""
        version = db.session.scalar(
            select(DocumentVersion).where(
                DocumentVersion.id == version_id, DocumentVersion.document_id == doc_id
            )
        )
        doc = db.session.get(Document, doc_id) if version is not None else None
        if doc is None or doc.cooperation_id is None:
            return error_response(
                "not_found", "Dokumen tidak ditemukan atau tidak dapat Anda lihat.", 404
            )
        get_visible(doc.cooperation_id)  # same visibility as the cooperation
        return version_dict(doc, version)


@blp.route("/letters/<int:letter_id>/sign")
class SignLetter(MethodView):
    decorators = [api_login_required]

    @blp.arguments(SignBody)
    @blp.response(201, VersionDetailOut)
    @documented_errors(blp, 401, 403, 404, 409, 503)
    def post(self, body, letter_id):
        """Tandatangani surat secara elektronik (NIK dan passphrase untuk layanan TTE); hasilnya versi baru."""
        from sikd.documents.letter_signing import sign_letter

        try:
            version = sign_letter(
                current_user, letter_id, nik=body["nik"], passphrase=body["passphrase"]
            )
        except AppError:
            db.session.rollback()
            raise
        doc = db.session.get(Document, version.document_id)
        return version_dict(doc, version)
