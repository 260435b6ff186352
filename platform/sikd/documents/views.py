"""Document pages: the upload form on a cooperation's detail page, downloads, and the documents
panel that the detail page shows."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from sikd.cooperations import forms
from sikd.cooperations.access import actor_level
from sikd.cooperations.models import Cooperation
from sikd.cooperations.pages import detail_context, not_found_page, visible_or_none
from sikd.cooperations.state import TRANSACTION_DOCUMENTS, filed_documents, rules_of
from sikd.core.errors import AppError, render_error
from sikd.core.extensions import db
from sikd.core.storage import StorageUnavailable
from sikd.documents.contents import ContentsRefused
from sikd.documents.letter_signing import SIGNING_ROLES, sign_letter
from sikd.documents.models import Letter
from sikd.documents.publication import may_publish, set_public
from sikd.documents.services import DocumentNotFound, DocumentRefused
from sikd.documents.signatures import summary_text
from sikd.documents.signing import asks_for_nik
from sikd.documents.uploads import UPLOAD_ROLES, may_file_now, send_version, store_upload
from sikd.documents.validation import UploadRefused
from sikd.tenancy.scope import scoped
from sikd.web.panels import detail_panel

bp = Blueprint("document_pages", __name__)


def _can_upload(coop: Cooperation) -> bool:
    level = actor_level(current_user.tenant, coop)
    if level is None or not UPLOAD_ROLES.get(level, set()) & set(current_user.roles):
        return False
    return may_file_now(coop, level)


def coop_letters(coop: Cooperation) -> list[Letter]:
    """The letters the user's tenant requested on the cooperation, newest first; read once for
    the panels of a page that only reads (TRANSACTION_DOCUMENTS): the letters in progress and
    the letters to sign come from the same rows."""
    cache = db.session.info.get(TRANSACTION_DOCUMENTS)
    key = ("letters", coop.id, current_user.tenant_id)
    if cache is not None and key in cache:
        return cache[key]
    letters = list(
        db.session.scalars(
            scoped(Letter, current_user.tenant_id)
            .where(Letter.cooperation_id == coop.id)
            .order_by(Letter.id.desc())
        )
    )
    if cache is not None:
        cache[key] = letters
    return letters


def _signable(coop: Cooperation, documents) -> dict[int, Letter]:
    """The letters of this cooperation the user's tenant issued and the user may sign now
    (rendered as PDF, its current version not yet validly signed), by document id."""
    if not SIGNING_ROLES & set(current_user.roles):
        return {}
    letters = [
        lt
        for lt in coop_letters(coop)
        if lt.status == "done" and lt.fmt == "pdf" and lt.document_id is not None
    ]
    current = {d.id: d.current_version for d in documents if not d.superseded}
    out = {}
    for letter in letters:
        version = current.get(letter.document_id)
        if version is not None and (version.signature or {}).get("status") != "sah":
            out[letter.document_id] = letter
    return out


@detail_panel
def documents_panel(coop: Cooperation) -> dict[str, Any]:
    """The documents of the cooperation, with every version, and what the user may do: upload,
    mark a document public, sign a letter the user's tenant issued."""
    documents = filed_documents(coop)
    signable = _signable(coop, documents)
    return {
        "documents": documents,
        "can_upload": _can_upload(coop),
        "can_publish": may_publish(current_user, coop),
        "signable_letters": signable,
        "tte_asks_nik": bool(signable) and asks_for_nik(),
    }


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


def _refused_page(coop_id: int, title: str, exc: AppError):
    """A refusal of a form on the detail page: 403/404 as their pages, others on the page."""
    db.session.rollback()
    if exc.status in (403, 404):
        return render_error(exc.status, exc.message)
    coop = visible_or_none(coop_id)
    if coop is None:
        return not_found_page()
    ctx = detail_context(
        coop,
        top_error={"title": title, "message": exc.message, "status": exc.status, "missing": ()},
    )
    return render_template("cooperations/detail.html", **ctx), exc.status


@bp.post("/kerja-sama/<int:coop_id>/dokumen/<int:doc_id>/publik")
@login_required
def publish(coop_id: int, doc_id: int):
    """Mark one document public in the public register, or private again (the owner's TKKSD or
    tenant admin; audited)."""
    public = request.form.get("publik") == "1"
    try:
        doc, _ = set_public(current_user, coop_id, doc_id, public)
    except AppError as exc:
        return _refused_page(coop_id, "Status publik dokumen belum berubah", exc)
    if public:
        flash(f"{doc.title} diumumkan di daftar publik (versi terkini).", "success")
    else:
        flash(f"{doc.title} ditarik dari daftar publik.", "success")
    return redirect(url_for("cooperation_pages.detail", coop_id=coop_id) + "#dokumen")


@bp.post("/kerja-sama/<int:coop_id>/surat/<int:letter_id>/tandatangani")
@login_required
def sign(coop_id: int, letter_id: int):
    """The signing official signs a letter of this cooperation that the tenant issued; the
    signed PDF is a new version, checked and audited by the same service as the API."""
    coop = visible_or_none(coop_id)
    if coop is None:
        return not_found_page()
    letter = db.session.scalar(
        scoped(Letter, current_user.tenant_id).where(
            Letter.id == letter_id, Letter.cooperation_id == coop.id
        )
    )
    if letter is None:
        return render_error(404, "Surat tidak ditemukan atau tidak dapat Anda lihat.")
    nik = (request.form.get("nik") or "").strip()[:32] or None
    passphrase = request.form.get("passphrase") or None
    try:
        version = sign_letter(current_user, letter.id, nik=nik, passphrase=passphrase)
    except AppError as exc:
        return _refused_page(coop_id, "Surat belum ditandatangani", exc)
    flash(
        f"Surat nomor {letter.nomor} ditandatangani (versi {version.number}). "
        f"Hasil pemeriksaan: {summary_text(version.signature)}",
        "success",
    )
    return redirect(url_for("cooperation_pages.detail", coop_id=coop_id) + "#dokumen")
