"""The Kepala Daerah approves what the staff prepared, on one screen.

At the stages where the Kepala Daerah acts (the LoI, the submission to the Menteri, …) the
TKKSD/OPD file the documents and generate the letters; the Kepala Daerah's Kotak Masuk opens
with each prepared package — its documents to read — and two buttons: approve (the stage's
action, taken as it is) or return it to the staff with a note (recorded on the cooperation's
audit chain and sent to the staff as their turn; the stage does not change, so no deadline of
the law moves)."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, url_for
from flask_login import current_user, login_required

from sikd.cooperations.access import actor_level
from sikd.cooperations.actions import available_actions
from sikd.cooperations.history import record_on_cooperation
from sikd.cooperations.models import Cooperation
from sikd.cooperations.pages import bp, not_found_page, visible_or_none
from sikd.cooperations.state import documents_read_once, preload_rulebook_versions
from sikd.core import clock
from sikd.core.errors import render_error
from sikd.core.extensions import db
from sikd.notifications.services import add_notification
from sikd.tenancy.scope import tenant_scope

STAFF = ["tkksd", "opd"]


def packages_for_approval(coops: list[Cooperation]) -> list[dict[str, Any]]:
    """For a Kepala Daerah: the cooperations whose stage action is ready (nothing missing, no
    field to fill), each with its prepared documents and the actions to approve with."""
    if not current_user.has_role("kepala_daerah") or not coops:
        return []
    preload_rulebook_versions(coops)
    out = []
    with documents_read_once(coops) as documents:  # one query for the list, not one per row
        for coop in coops:
            ready = [
                a
                for a in available_actions(current_user, coop)
                if a.kind == "advance" and a.ready and not any(i.required for i in a.inputs)
            ]
            if ready:
                out.append({"coop": coop, "actions": ready, "documents": documents[coop.id]})
    return out


@bp.post("/kerja-sama/<int:coop_id>/kembalikan-ke-staf")
@login_required
def return_to_staff(coop_id: int):
    from flask import request

    coop = visible_or_none(coop_id)
    if coop is None:
        return not_found_page()
    own = actor_level(current_user.tenant, coop) == "own" and coop.holder_level == "own"
    if not (own and current_user.has_role("kepala_daerah")):
        return render_error(
            403, "Hanya Kepala Daerah pemrakarsa yang dapat mengembalikan berkas ke stafnya."
        )
    note = (request.form.get("catatan") or "").strip()[:2000]
    if len(note) < 3:
        flash(
            f"{coop.number}: berkas belum dikembalikan. Tulis catatan untuk staf: apa yang perlu "
            "diperbaiki.",
            "danger",
        )
        return redirect(url_for("cooperation_pages.home") + f"#paket-{coop.id}", 303)
    with tenant_scope(coop.tenant_id):
        record_on_cooperation(
            coop,
            current_user,
            "package.returned",
            "cooperation",
            coop.id,
            f"Berkas {coop.stage_label or coop.stage} dikembalikan ke staf: {note}",
            {"catatan": note, "stage": coop.stage},
        )
        add_notification(
            coop.tenant_id,
            coop,
            "package_returned",
            f"{coop.number}: berkas dikembalikan Kepala Daerah",
            f"Kepala Daerah mengembalikan berkas «{coop.title}» ({coop.stage_label or coop.stage})"
            f" dengan catatan: {note}. Perbaiki dokumennya (unggah versi baru) di halaman "
            "kerja sama ini.",
            STAFF,
            clock.now(),
        )
    db.session.commit()
    flash(
        f"{coop.number} «{coop.title}»: berkas dikembalikan ke staf dengan catatan Anda.",
        "success",
    )
    return redirect(url_for("cooperation_pages.home"))
