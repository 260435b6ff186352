"""Pages of domestic cooperation: both sides on the detail page (with each side's facts), the
KSDPK scoring form, and the supervision queue of the Gubernur and Kemendagri."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from sikd.cooperations import selection, supervision
from sikd.cooperations.facts import set_fact
from sikd.cooperations.models import Cooperation
from sikd.cooperations.pages import bp
from sikd.cooperations.partners import facts_by_side, settable_facts
from sikd.cooperations.state import rules_of
from sikd.core.errors import AppError
from sikd.core.extensions import db
from sikd.web.panels import detail_panel

FACT_LABELS = {
    "membebani_masyarakat": "Membebani masyarakat dan daerah (Pasal 27, 43)",
    "belum_dianggarkan": "Belum dianggarkan dalam APBD tahun berjalan (Pasal 27, 43)",
    "perubahan_menambah_beban": "Perubahan PKS menambah beban (Pasal 34(3), 46(5))",
    "beberapa_calon_mitra": "Ada beberapa calon mitra yang dinilai (Pasal 39(2))",
    "mitra_membebani_masyarakat": "Membebani masyarakat dan daerah mitra (Pasal 27)",
    "mitra_belum_dianggarkan": "Belum dianggarkan dalam APBD daerah mitra (Pasal 27)",
    "mitra_perubahan_menambah_beban": "Perubahan PKS menambah beban daerah mitra (Pasal 34(3))",
}


@detail_panel
def domestic_panel(coop: Cooperation) -> dict[str, Any]:
    if coop.type not in supervision.DOMESTIC_TYPES:
        return {"domestic": None}
    sides = facts_by_side(rules_of(coop), coop.process)
    current = set(coop.facts or ())
    facts = {
        side: [(f, FACT_LABELS.get(f, f), f in current) for f in sorted(names)]
        for side, names in sides.items()
    }
    show_selection = coop.stage == selection.SELECTION_STAGE or bool(selection.records_of(coop))
    return {
        "domestic": {
            "facts": facts,
            "settable": settable_facts(current_user, coop),
            "phase": supervision.phase_of(coop),
            "phases": supervision.PHASES,
            "selection": selection.ranking(coop) if show_selection else None,
            "berita_acara": selection.records_of(coop) if show_selection else [],
            "criteria": selection.criteria_of(coop),
            "can_score": coop.stage == selection.SELECTION_STAGE
            and current_user.tenant_id == coop.tenant_id
            and current_user.has_role("tkksd"),
        }
    }


def _back(coop_id: int, anchor: str):
    return redirect(url_for("cooperation_pages.detail", coop_id=coop_id) + anchor)


@bp.route("/kerja-sama/<int:coop_id>/fakta", methods=["POST"])
@login_required
def set_fact_page(coop_id: int):
    value = request.form.get("value") == "1"
    try:
        set_fact(
            current_user,
            coop_id,
            request.form.get("fact", ""),
            value,
            request.form.get("alasan", ""),
        )
        flash("Fakta kerja sama diperbarui dan dicatat dalam jejak audit.", "success")
    except AppError as exc:
        db.session.rollback()
        if exc.status == 404:
            raise
        flash(exc.message, "danger")
    return _back(coop_id, "#para-pihak")


@bp.route("/kerja-sama/<int:coop_id>/penilaian", methods=["POST"])
@login_required
def score_page(coop_id: int):
    raw = (request.form.get("score") or "").strip()
    try:
        selection.score_candidate(
            current_user,
            coop_id,
            request.form.get("candidate", ""),
            request.form.get("criterion", ""),
            int(raw) if raw.isdigit() else raw,
            request.form.get("note", ""),
        )
        flash("Penilaian calon mitra tersimpan.", "success")
    except AppError as exc:
        db.session.rollback()
        if exc.status == 404:
            raise
        flash(exc.message, "danger")
    return _back(coop_id, "#penilaian")


@bp.route("/pengawasan")
@login_required
def supervision_page():
    phase = request.args.get("tahap") or None
    try:
        items = supervision.queue(current_user, phase)
    except AppError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
        return redirect(url_for("cooperation_pages.home"))
    return render_template(
        "cooperations/supervision.html",
        items=items,
        phase=phase,
        phases=supervision.PHASES,
        note_kinds=supervision.NOTE_KINDS,
        basis=supervision.BASIS,
        reports=supervision.reports_for(current_user),
    )


@bp.route("/pengawasan/<int:coop_id>/catatan", methods=["POST"])
@login_required
def supervision_note_page(coop_id: int):
    try:
        supervision.add_note(
            current_user, coop_id, request.form.get("kind", ""), request.form.get("text", "")
        )
        flash("Catatan pengawasan tersimpan; daerah yang diawasi diberi tahu.", "success")
    except AppError as exc:
        db.session.rollback()
        if exc.status in (403, 404):  # not one's to supervise: the refusal page, not a redirect
            raise
        flash(exc.message, "danger")
    return redirect(url_for("cooperation_pages.supervision_page"))
