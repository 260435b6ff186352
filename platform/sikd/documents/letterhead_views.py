"""Pengaturan Kop Surat: the tenant administrator sets the letterhead and the nomor pattern,
with a preview of a letter as it will be printed."""

from __future__ import annotations

from datetime import date
from functools import wraps
from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from sikd.core.errors import render_error
from sikd.core.extensions import db
from sikd.core.security import framed_preview
from sikd.documents.letterhead import (
    LetterheadRefused,
    check_logo,
    format_number,
    kop_of,
    letterhead_of,
    number_parts,
    save_letterhead,
)
from sikd.documents.validation import UploadRefused
from sikd.tenancy.sequences import LetterSequence

bp = Blueprint("letterhead_pages", __name__, template_folder="templates")


def _tenant_admin(view):
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any):
        if not current_user.has_role("tenant_admin"):
            return render_error(
                403,
                "Pengaturan kop surat untuk peran Administrator Instansi. Minta administrator "
                "instansi Anda bila kop surat atau pola nomor surat perlu diubah.",
            )
        return view(*args, **kwargs)

    return login_required(wrapper)


def _today() -> date:
    from zoneinfo import ZoneInfo

    from sikd.core.clock import now

    return now().astimezone(ZoneInfo(current_user.tenant.tz_name)).date()


def next_nomor(tenant: Any, on: date) -> str:
    """The number the next letter would get (nothing is taken)."""
    last = db.session.scalar(
        select(LetterSequence.last).where(
            LetterSequence.tenant_id == tenant.id,
            LetterSequence.year == on.year,
            LetterSequence.series == "kerma",
        )
    )
    return format_number(number_parts(tenant), (last or 0) + 1, on)


def sample_context(tenant: Any, on: date) -> dict[str, Any]:
    kop = kop_of(tenant)
    return {
        "nomor": next_nomor(tenant, on),
        "tanggal": on,
        "judul": "Contoh Kerja Sama (pratinjau)",
        "mitra": "Pemerintah Kota Contoh",
        "tujuan": "Menteri Dalam Negeri c.q. Sekretaris Jenderal",
        "di": "Jakarta",
        "kop": kop,
        "penandatangan": {"jabatan": "Kepala Daerah", "nama": "Nama Pejabat"},
        "tembusan": [],
    }


def _page(status: int = 200, errors: dict | None = None, values: Any = None):
    tenant = current_user.tenant
    head = letterhead_of(tenant.id)
    return render_template(
        "documents/letterhead.html",
        head=head,
        values=values if values is not None else (head.__dict__ if head else {}),
        errors=errors or {},
        next_nomor=next_nomor(tenant, _today()),
        kop=kop_of(tenant),
    ), status


@bp.get("/pengaturan/kop-surat")
@_tenant_admin
def settings_page():
    return _page()


@bp.post("/pengaturan/kop-surat")
@_tenant_admin
def save():
    upload = request.files.get("logo")
    logo = None
    try:
        if upload is not None and upload.filename:
            from flask import current_app

            limit = current_app.config["SIKD_SETTINGS"].upload_max_bytes
            logo = check_logo(upload.stream, upload.filename, limit)
        save_letterhead(
            current_user, request.form, logo, remove_logo=bool(request.form.get("hapus_logo"))
        )
    except LetterheadRefused as exc:
        db.session.rollback()
        return _page(422, exc.errors, request.form)
    except UploadRefused as exc:
        db.session.rollback()
        return _page(422, {"logo": [exc.message]}, request.form)
    flash(
        "Kop surat dan pola nomor surat tersimpan. Surat berikutnya memakai pengaturan ini.",
        "success",
    )
    return redirect(url_for("letterhead_pages.settings_page"))


@bp.get("/pengaturan/kop-surat/pratinjau")
@framed_preview
@_tenant_admin
def preview():
    """The sample letter as HTML (what the PDF prints), with the saved settings."""
    from sikd.documents.rendering import render_letter_html

    html = render_letter_html(
        "surat_penyampaian_rencana", sample_context(current_user.tenant, _today())
    )
    return Response(html, mimetype="text/html")


@bp.get("/pengaturan/kop-surat/pratinjau.pdf")
@_tenant_admin
def preview_pdf():
    from sikd.documents.rendering import render_letter

    data = render_letter("surat_penyampaian_rencana", sample_context(current_user.tenant, _today()))
    return Response(
        data,
        mimetype="application/pdf",
        headers={"Content-Disposition": 'inline; filename="pratinjau-kop-surat.pdf"'},
    )
