"""The create wizard: a new prakarsa, checked against the rulebook it will start under."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, or_
from werkzeug.datastructures import MultiDict

from sikd.accounts.pages import roles_required
from sikd.cooperations import forms
from sikd.cooperations.access import visible_query
from sikd.cooperations.create import NewCooperation, create_cooperation
from sikd.cooperations.models import Cooperation, CooperationStatus
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


def similar_open(data: NewCooperation) -> list[Cooperation]:
    """Running cooperations of the user's daerah that look like the new one: the same jenis
    and partner country, and the same partner or the same title (case and spaces aside)."""
    same = or_(
        func.lower(func.trim(Cooperation.partner_name)) == data.partner_name.strip().lower(),
        func.lower(func.trim(Cooperation.title)) == data.title.strip().lower(),
    )
    query = visible_query().where(
        Cooperation.tenant_id == current_user.tenant_id,
        Cooperation.status == CooperationStatus.BERJALAN,
        Cooperation.type == data.type,
        same,
    )
    if data.partner_country:
        query = query.where(Cooperation.partner_country == data.partner_country)
    return list(db.session.scalars(query.order_by(Cooperation.id).limit(5)))


def _create_page(
    form: forms.CreateForm,
    top_error: str | None = None,
    status: int = 200,
    similar: list[Cooperation] | None = None,
):
    rulebook = _creator_rulebook()
    from sikd.rules.vocabulary import COOPERATION_SUBTYPES

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
        similar=similar or [],
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
    similar = similar_open(data) if request.form.get("tetap_catat") != "1" else []
    if similar:
        return _create_page(
            form,
            "Sudah ada kerja sama berjalan yang mirip. Periksa dulu agar tidak tercatat dua kali.",
            409,
            similar,
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
        f"Prakarsa {coop.number} tercatat: «{coop.title}». Langkah berikutnya ada di bagian «Tindakan» di bawah.",
        "success",
    )
    return redirect(url_for("cooperation_pages.detail", coop_id=coop.id))
