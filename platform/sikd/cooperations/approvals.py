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


PACKAGES_SHOWN = 10  # approved one at a time: the next appears as each is decided


def packages_for_approval(coops: list[Cooperation]) -> tuple[list[dict[str, Any]], bool]:
    """For a Kepala Daerah: the first :data:`PACKAGES_SHOWN` of the cooperations (in the
    list's order, overdue first) whose stage action is ready (nothing missing, no field to
    fill), each with its prepared documents and the actions to approve with; and whether more
    are ready. The documents are read for the first few rows, and for the rest of the page only
    when those did not fill the list (two queries at most, however long the page)."""
    if not current_user.has_role("kepala_daerah") or not coops:
        return [], False
    preload_rulebook_versions(coops)
    out: list[dict[str, Any]] = []
    head = PACKAGES_SHOWN + 1  # one more than is shown tells whether more are ready
    for chunk in (coops[:head], coops[head:]):
        if not chunk:
            continue
        with documents_read_once(chunk) as documents:  # one query for the chunk
            for coop in chunk:
                ready = [
                    a
                    for a in available_actions(current_user, coop)
                    if a.kind == "advance" and a.ready and not any(i.required for i in a.inputs)
                ]
                if not ready:
                    continue
                if len(out) == PACKAGES_SHOWN:
                    return out, True
                out.append({"coop": coop, "actions": ready, "documents": documents[coop.id]})
    return out, False


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
