"""Disputes on the detail page of a running KSDPL/KSDLL (Perwal Bekasi 57/2023 Pasal 82-83)."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for
from flask_login import current_user, login_required

from sikd.cooperations import disputes
from sikd.cooperations.access import get_visible
from sikd.cooperations.models import Cooperation, CooperationStatus
from sikd.cooperations.pages import bp
from sikd.core import clock
from sikd.core.errors import AppError
from sikd.core.extensions import db
from sikd.web.panels import detail_panel
from sikd.web.refusals import refused_back


@detail_panel
def dispute_panel(coop: Cooperation) -> dict[str, Any]:
    if coop.type not in disputes.TYPES:
        return {"perselisihan": None}
    items = [disputes.describe(d) for d in disputes.disputes_of(coop)]
    can_act = (
        current_user.tenant_id == coop.tenant_id
        and current_user.has_role(*disputes.ROLES)
        and coop.status == CooperationStatus.BERJALAN
    )
    if not items and not can_act:
        return {"perselisihan": None}
    return {
        "perselisihan": {
            "items": items,
            "can_act": can_act,
            "can_open": can_act and all(d["status"] == "selesai" for d in items),
            "basis": disputes.BASIS,
        }
    }


def _back(coop_id: int):
    return redirect(url_for("cooperation_pages.detail", coop_id=coop_id) + "#perselisihan")


def _run(coop_id: int, fn, done: str):
    try:
        coop = get_visible(coop_id, for_update=True)  # 404 for a foreign one
        fn(coop)
        db.session.commit()
    except AppError as exc:
        return refused_back(exc, _back(coop_id))
    flash(done, "success")
    return _back(coop_id)


@bp.post("/kerja-sama/<int:coop_id>/perselisihan")
@login_required
def dispute_open_page(coop_id: int):
    uraian = request.form.get("uraian", "")[:4000]
    return _run(
        coop_id,
        lambda coop: disputes.open_dispute(current_user, coop, uraian, clock.now()),
        f"Perselisihan dicatat. {disputes.next_actor('negosiasi')}.",
    )


@bp.post("/kerja-sama/<int:coop_id>/perselisihan/<int:dispute_id>/langkah")
@login_required
def dispute_step_page(coop_id: int, dispute_id: int):
    langkah = request.form.get("langkah", "")
    catatan = request.form.get("catatan", "")[:4000]

    def run(coop):
        d = disputes.get_dispute(coop, dispute_id)
        if langkah not in disputes.STEPS:
            raise AppError("invalid_input", "Pilih langkah penyelesaian.", status=422)
        disputes.step(current_user, coop, d, langkah, catatan, clock.now())

    label = disputes.STEP_LABELS.get(langkah, "")
    return _run(coop_id, run, f"{label}. {disputes.next_actor(langkah)}.")
