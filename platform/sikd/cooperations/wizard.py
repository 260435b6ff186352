"""The create wizard: a new prakarsa, checked against the rulebook it will start under."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from sikd.accounts.pages import roles_required
from sikd.cooperations import forms
from sikd.cooperations.create import create_cooperation
from sikd.cooperations.pages import bp
from sikd.core.errors import AppError, render_error
from sikd.core.extensions import db
from sikd.core.i18n import partner_countries
from sikd.rules.loader import effective_rulebook
from sikd.web.filters import PARTNER_KINDS, PRAKARSA_ORIGINS, SUBTYPE_LABELS, TYPE_LABELS
from sikd.workflow.roles import CREATOR_ROLES

DOMESTIC_FACTS = [
    (
        "membebani_masyarakat",
        "Kerja sama membebani masyarakat dan/atau daerah (perlu persetujuan DPRD)",
        ("KSDD", "KSDPK"),
    ),
    (
        "belum_dianggarkan",
        "Belum dianggarkan dalam APBD tahun anggaran berjalan (perlu persetujuan DPRD)",
        ("KSDD", "KSDPK"),
    ),
    (
        "beberapa_calon_mitra",
        "Ada beberapa calon mitra yang perlu dinilai tim seleksi",
        ("KSDPK",),
    ),
]


def _creator_rulebook() -> dict[str, Any]:
    return effective_rulebook(current_user.tenant.code).data


def _create_page(form: forms.CreateForm, top_error: str | None = None, status: int = 200):
    rulebook = _creator_rulebook()
    from sikd.rules.schemas import COOPERATION_SUBTYPES

    return render_template(
        "cooperations/create.html",
        f=form,
        top_error=top_error,
        rulebook=rulebook,
        type_labels=TYPE_LABELS,
        subtypes={
            t: [(s, SUBTYPE_LABELS.get(s, s)) for s in subs]
            for t, subs in COOPERATION_SUBTYPES.items()
        },
        partner_kinds=PARTNER_KINDS,
        origins=PRAKARSA_ORIGINS,
        facts=DOMESTIC_FACTS,
        countries=partner_countries(),
        daerah=_daerah_choices(),
    ), status


def _daerah_choices() -> list[tuple[str, str]]:
    """Every provinsi and kab/kota but the user's own: the KSDD partner picker."""
    from sqlalchemy import select

    from sikd.tenancy.models import Tenant

    rows = db.session.execute(
        select(Tenant.code, Tenant.name)
        .where(
            Tenant.kind.in_(("provinsi", "kabupaten", "kota")), Tenant.id != current_user.tenant_id
        )
        .order_by(Tenant.code)
    ).all()
    return [(code, name) for code, name in rows]


@bp.route("/kerja-sama/baru", methods=["GET", "POST"])
@roles_required(*CREATOR_ROLES)
def create():
    if not current_user.tenant.is_daerah:
        return render_error(
            403, "Hanya pemerintah daerah yang dapat memprakarsai kerja sama daerah."
        )
    if request.method == "GET":
        initial = MultiDict({"type": request.args.get("jenis", ""), "prakarsa_origin": "daerah"})
        return _create_page(forms.CreateForm(initial))
    form, data = forms.read_create_form(request.form, _creator_rulebook())
    if form.errors:
        return _create_page(
            form, "Ada isian yang belum lengkap. Perbaiki yang ditandai merah lalu kirim lagi.", 422
        )
    try:
        coop = create_cooperation(current_user, data)
    except AppError as exc:
        db.session.rollback()
        for name, messages in exc.field_errors.items():
            for message in messages:
                form.error(name, message)
        return _create_page(form, exc.message, exc.status if exc.status != 422 else 422)
    flash(
        f"Prakarsa {coop.number} tercatat. Langkah berikutnya ada di bagian «Tindakan» di bawah.",
        "success",
    )
    return redirect(url_for("cooperation_pages.detail", coop_id=coop.id))
