"""Document pages: the upload form on a cooperation's detail page, downloads, and the documents
panel that the detail page shows."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from sikd.cooperations import forms
from sikd.cooperations.access import actor_level, of_cooperation
from sikd.cooperations.models import Cooperation
from sikd.cooperations.pages import detail_context, not_found_page, visible_or_none
from sikd.cooperations.state import rules_of
from sikd.core.errors import AppError, render_error
from sikd.core.extensions import db
from sikd.core.storage import StorageUnavailable
from sikd.documents.contents import ContentsRefused
from sikd.documents.models import Document
from sikd.documents.services import DocumentNotFound, DocumentRefused
from sikd.documents.uploads import UPLOAD_ROLES, send_version, store_upload
from sikd.documents.validation import UploadRefused
from sikd.web.panels import detail_panel

bp = Blueprint("document_pages", __name__)


def _can_upload(coop: Cooperation) -> bool:
    level = actor_level(current_user.tenant, coop)
    if level is None or not UPLOAD_ROLES.get(level, set()) & set(current_user.roles):
        return False
    return level == "own" or coop.holder_level == level


@detail_panel
def documents_panel(coop: Cooperation) -> dict[str, Any]:
    """The documents of the cooperation, with every version, and whether the user may upload."""
    documents = db.session.scalars(
        select(Document)
        .where(of_cooperation(Document, coop))
        .options(selectinload(Document.versions))
        .order_by(Document.created_at, Document.id)
    ).all()
    return {"documents": documents, "can_upload": _can_upload(coop)}


def _store(coop: Cooperation, kind: str, fileobj, contents: dict, document_id: int | None):
    """(version, 201, "", {}) or (None, status, message, field errors); rolled back on refusal."""
    status, message, errors = 201, "", {}
    try:
        version = store_upload(
            current_user, coop, kind, fileobj.stream, fileobj.filename, contents, document_id
        )
    except AppError as exc:
        status, message, errors = exc.status, exc.message, dict(exc.field_errors)
    except ContentsRefused as exc:
        status, message, errors = 422, exc.message, dict(exc.errors)
    except (UploadRefused, DocumentRefused) as exc:
        status, message, errors = 422, exc.message, {"berkas": [exc.message]}
    except StorageUnavailable as exc:
        status, message = 503, str(exc)
    except DocumentNotFound as exc:
        status, message = 404, str(exc)
    if status != 201:
        db.session.rollback()
        return None, status, message, errors
    return version, status, message, errors


@bp.post("/kerja-sama/<int:coop_id>/dokumen")
@login_required
def upload(coop_id: int):
    coop = visible_or_none(coop_id)
    if coop is None:
        return not_found_page()
    kinds = rules_of(coop).document_kinds()
    kind = request.form.get("kind", "")
    contents = forms.document_fields(kinds.get(kind) or {}, request.form)
    document_id = request.form.get("document_id", type=int)
    fileobj = request.files.get("berkas")
    if fileobj is None or not fileobj.filename:
        version, status = None, 422
        message = "Pilih berkas dokumen yang akan diunggah."
        errors = {"berkas": ["Pilih berkas (PDF, DOCX, XLSX, ODT, JPEG, atau PNG)."]}
    else:
        version, status, message, errors = _store(coop, kind, fileobj, contents, document_id)
    if status != 201:
        coop = visible_or_none(coop_id)
        if coop is None:
            return not_found_page()
        if errors.get("berkas") is None and fileobj is not None and fileobj.filename:
            message += " Pilih berkasnya lagi sebelum mengirim ulang."
        ctx = detail_context(
            coop,
            top_error={
                "title": "Dokumen belum tersimpan",
                "message": message,
                "status": status,
                "missing": (),
            },
            upload_errors=errors,
            upload_values=request.form,
            upload_kind=(kind, document_id),
        )
        return render_template("cooperations/detail.html", **ctx), status
    label = (kinds.get(kind) or {}).get("label", kind)
    flash(f"{label} versi {version.number} tersimpan ({version.filename}).", "success")
    anchor = request.form.get("kembali_ke", "dokumen")
    return redirect(url_for("cooperation_pages.detail", coop_id=coop.id) + f"#{anchor}")


@bp.route("/dokumen/<int:doc_id>/versi/<int:version_id>/unduh")
@login_required
def download(doc_id: int, version_id: int):
    response = send_version(doc_id, version_id)
    if isinstance(response, tuple):  # a refusal from the shared download (JSON); show a page
        body, status = response
        message = (body.get_json(silent=True) or {}).get("message")
        return render_error(status, message)
    return response
