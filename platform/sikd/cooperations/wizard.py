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


# The step each field is asked on; the summary (5) shows what no step owns (the service's).
STEPS = ("Jenis", "Mitra", "Objek dan persyaratan", "Asal dan manfaat", "Ringkasan")
STEP_OF = {
    "type": 1,
    "subtype": 2,
    "title": 2,
    "partner_name": 2,
    "partner_kind": 2,
    "partner_country": 2,
    "partner_tenant_code": 2,
    "objek": 3,
    "persyaratan": 3,
    "facts": 3,
    "prakarsa_origin": 4,
    "pemetaan_ref": 4,
    "estimated_cost": 4,
    "benefit_note": 4,
}
SUMMARY = len(STEPS)


def _first_step_with_errors(form: forms.CreateForm) -> int | None:
    steps = [STEP_OF.get(name, SUMMARY) for name in form.errors]
    return min(steps) if steps else None


def _continue_action(coop_type: str, subtype: str) -> dict[str, Any] | None:
    """The first stage's advance the signed-in user may take at once with what the wizard
    asked (asal prakarsa, butir pemetaan): offered as «Catat dan …» on the summary."""
    from sikd.workflow.rulebook import Rulebook

    book = Rulebook(_creator_rulebook())
    pid = book.process_for(coop_type, subtype) if coop_type and subtype else None
    if pid is None:
        return None
    stages = book.stages(pid)
    start = book.start_of(pid)
    first = next((st for st in stages if st["id"] == start), stages[0] if stages else None)
    if first is None:
        return None
    known = {"asal_prakarsa", "rujukan_pemetaan"}
    for action in Rulebook.actions_in(first):
        roles = set(Rulebook.action_roles(first, action))
        needs = {i["name"] for i in action.get("inputs") or () if i.get("required")}
        if (
            action.get("kind") == "advance"
            and roles & set(current_user.roles)
            and not action.get("requires_documents")
            and not first.get("requires_documents")
            and needs <= known
        ):
            return {"id": action["id"], "label": action.get("label", action["id"])}
    return None


def _create_page(
    form: forms.CreateForm,
    step: int = 1,
    top_error: str | None = None,
    status: int = 200,
    similar: list[Cooperation] | None = None,
    shown_errors_upto: int = 0,
):
    rulebook = _creator_rulebook()
    from sikd.rules.vocabulary import COOPERATION_SUBTYPES
    from sikd.workflow.rulebook import Rulebook

    # errors of steps not reached yet stay unsaid
    form.errors = {
        k: v for k, v in form.errors.items() if STEP_OF.get(k, SUMMARY) <= shown_errors_upto
    }
    t = form.get("type")
    if t in PARTNER_KINDS and len(PARTNER_KINDS[t]) == 1 and not form.get("partner_kind"):
        form.values["partner_kind"] = PARTNER_KINDS[t][0][0]
    _, data = forms.read_create_form(form.values, rulebook)
    return render_template(
        "cooperations/create.html",
        f=form,
        step=step,
        status=status,
        steps=STEPS,
        step_of=STEP_OF,
        top_error=top_error,
        rulebook=rulebook,
        persyaratan={ty: Rulebook(rulebook).persyaratan(ty) for ty in ("KSDPL", "KSDLL")},
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
        summary=data,
        continue_action=_continue_action(data.type, data.subtype) if step == SUMMARY else None,
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
    """One step per screen. Without JavaScript every «Lanjut» is a page load that checks the
    step; with it (sikd.js) the steps switch in the page and the server checks them all when
    the summary is asked for. Every value travels in the one form, so nothing is lost."""
    if not current_user.tenant.is_daerah:
        return render_error(
            403, "Hanya pemerintah daerah yang dapat memprakarsai kerja sama daerah."
        )
    if request.method == "GET":
        initial = MultiDict({"type": request.args.get("jenis", ""), "prakarsa_origin": "daerah"})
        return _create_page(forms.CreateForm(initial), step=2 if initial["type"] else 1)
    form, data = forms.read_create_form(request.form, _creator_rulebook())
    current = request.form.get("langkah", type=int) or 1
    # a form sent whole (no step, e.g. a script or an old page) is a request to create
    target = request.form.get("ke") or ("" if "langkah" in request.form else "catat")
    if target not in ("catat", "catat_lanjut"):
        goal = min(max(int(target) if target.isdigit() else current + 1, 1), SUMMARY)
        if goal <= current:  # back: nothing is checked
            return _create_page(form, goal)
        wrong = _first_step_with_errors(form)
        checked = goal - 1
        if wrong is not None and wrong <= checked:
            return _create_page(
                form,
                wrong,
                "Ada isian yang belum lengkap pada langkah ini. Perbaiki yang ditandai merah.",
                422,
                shown_errors_upto=checked,
            )
        similar = similar_open(data) if goal == SUMMARY else []
        return _create_page(form, goal, similar=similar)
    wrong = _first_step_with_errors(form)
    if wrong is not None:
        return _create_page(
            form,
            wrong,
            "Ada isian yang belum lengkap. Perbaiki yang ditandai merah lalu lanjutkan.",
            422,
            shown_errors_upto=SUMMARY,
        )
    similar = similar_open(data) if request.form.get("tetap_catat") != "1" else []
    if similar:
        return _create_page(
            form,
            SUMMARY,
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
        return _create_page(
            form,
            _first_step_with_errors(form) or SUMMARY,
            exc.message,
            exc.status,
            shown_errors_upto=SUMMARY,
        )
    message = f"Prakarsa {coop.number} tercatat: «{coop.title}»."
    follow = _continue_action(data.type, data.subtype) if target == "catat_lanjut" else None
    if follow:
        message += _continue(coop, follow)
    else:
        message += " Langkah berikutnya ada di bagian «Tindakan» di bawah."
    flash(message, "success")
    return redirect(url_for("cooperation_pages.detail", coop_id=coop.id))


def _continue(coop: Cooperation, follow: dict[str, Any]) -> str:
    """Take the first stage's advance right after creating (the user chose «Catat dan …»)."""
    from sikd.cooperations.actions import perform_action
    from sikd.cooperations.pages import known_inputs

    try:
        perform_action(current_user, coop.id, follow["id"], known_inputs(coop), coop.version)
    except AppError as exc:
        db.session.rollback()
        return f" «{follow['label']}» belum tercatat: {exc.message}"
    return f" Tindakan «{follow['label']}» juga tercatat."
