"""Pages of pemantauan and evaluasi (Perwal Bekasi 57/2023 Pasal 85 (the second, Pengawasan), 88):
the tim pembinaan dan pengawasan's list of rounds with their due dates, and on the cooperation's
detail page the rounds, what each report must attach, the report form and "pada saat diperlukan".
The evaluation's matrix (with its rekomendasi) is a document uploaded like any other; the report
reads the recommendation from it and opens the follow-up."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from sikd.cooperations import monitoring, schedules
from sikd.cooperations.models import Cooperation, CooperationStatus
from sikd.cooperations.pages import bp, detail_deadlines
from sikd.cooperations.rounds import MonitoringRound
from sikd.cooperations.state import current_documents, rules_of
from sikd.core import clock
from sikd.core.errors import AppError, NotFound
from sikd.core.extensions import db
from sikd.deadlines.models import DeadlineStatus
from sikd.web.panels import detail_panel
from sikd.web.refusals import refused_back

TIM = monitoring.TIM
VIEWERS = (TIM, "tkksd", "kepala_daerah")
KIND_LABELS = {"pemantauan": "Pemantauan", "evaluasi": "Evaluasi"}


def _may_act(coop: Cooperation) -> bool:
    return (
        coop.tenant_id == current_user.tenant_id
        and current_user.has_role(TIM, "tkksd")
        and coop.status == CooperationStatus.BERJALAN
        and coop.term_start is not None  # pemantauan dan evaluasi of the pelaksanaan (Pasal 84)
    )


def _needs(coop: Cooperation, kind: str) -> dict[str, Any] | None:
    """What the report of ``kind`` attaches: [(kind, label, present)], and one-of."""
    j = schedules.jadwal_of(coop).get(kind) or {}
    spec = j.get("pengawasan")
    if not spec:
        return None
    have = {d.kind for d in current_documents(coop) if d.current_version is not None}
    kinds = rules_of(coop).document_kinds()

    def rows(names):
        return [(k, (kinds.get(k) or {}).get("label", k), k in have) for k in names or ()]

    return {
        "required": rows(spec.get("documents")),
        "optional": rows(spec.get("optional_documents")),
        "one_of": rows(spec.get("one_of")),
        "basis": rules_of(coop).cite(j.get("basis") or ""),
    }


@detail_panel
def monitoring_panel(coop: Cooperation) -> dict[str, Any]:
    """The rounds of a running (or once running) cooperation of one's own daerah."""
    own = getattr(current_user, "tenant_id", None) == coop.tenant_id
    kinds = [
        k for k in monitoring.KINDS if (schedules.jadwal_of(coop).get(k) or {}).get("pengawasan")
    ]
    if not own or not kinds:
        return {"pengawasan": None}
    if coop.term_start is None:  # nothing signed yet, nothing to monitor (Pasal 84)
        return {"pengawasan": None}
    rounds = monitoring.describe_all(coop, monitoring.rounds_of(coop.id, coop.tenant_id))
    known = detail_deadlines(coop)  # read already for the page's history
    open_rows = (
        schedules.rows_of(coop.id, ("open",))
        if known is None
        else [d for d in known if d.jadwal is not None and d.status == DeadlineStatus.OPEN]
    )
    planned = [
        schedules.describe(coop, r)
        for r in open_rows
        if r.jadwal in kinds and "round_id" not in (r.spec or {})
    ]
    return {
        "pengawasan": {
            "rounds": rounds,
            "planned": planned,
            "needs": {k: _needs(coop, k) for k in kinds},
            "kinds": kinds,
            "kind_labels": KIND_LABELS,
            "can_act": _may_act(coop),
        }
    }


@bp.route("/pemantauan-evaluasi")
@login_required
def monitoring_inbox():
    """The tim's rounds awaiting a report (due date first), and the follow-ups of evaluations
    that the TKKSD and the kepala daerah still owe."""
    if not current_user.tenant.is_daerah or not current_user.has_role(*VIEWERS):
        raise AppError(
            "role_not_allowed",
            "Halaman ini untuk Tim Pembinaan dan Pengawasan, TKKSD, dan kepala daerah. Minta "
            "administrator instansi Anda menambahkan peran tersebut bila Anda memerlukannya.",
            status=403,
        )
    items = monitoring.inbox(current_user.tenant_id, list(current_user.roles))
    return render_template(
        "cooperations/pemantauan.html",
        reports=[i for i in items if i["item"] == "laporan"],
        follow_ups=[i for i in items if i["item"] == "tindak_lanjut"],
        kind_labels=KIND_LABELS,
        today=clock.now().date().isoformat(),
    )


def _back(coop_id: int):
    return redirect(url_for("cooperation_pages.detail", coop_id=coop_id) + "#pengawasan")


@bp.post("/pemantauan-evaluasi/<int:round_id>/laporan")
@login_required
def monitoring_report_page(round_id: int):
    rnd = db.session.get(MonitoringRound, round_id)
    if rnd is None or rnd.tenant_id != current_user.tenant_id:
        raise NotFound("not_found", "Putaran pemantauan/evaluasi tidak ditemukan.")
    coop_id = rnd.cooperation_id
    try:
        coop = monitoring.own_running(current_user, coop_id)
        monitoring.report(
            coop, rnd, current_user, request.form.get("catatan", "")[:4000], clock.now()
        )
        done = monitoring.describe(coop, rnd)
        db.session.commit()
    except AppError as exc:
        return refused_back(exc, _back(coop_id))
    follow = done.get("tindak_lanjut")
    nxt = (
        f" Rekomendasi: {follow['label']} — menunggu TKKSD/kepala daerah menindaklanjutinya."
        if follow
        else ""
    )
    flash(
        f"Laporan {KIND_LABELS[rnd.kind].lower()} disampaikan kepada ketua TKKSD "
        f"(dengan {len(done['lampiran'])} lampiran).{nxt} Jadwal berikutnya sudah dibuat.",
        "success",
    )
    return _back(coop_id)


@bp.post("/kerja-sama/<int:coop_id>/pemantauan-evaluasi")
@login_required
def monitoring_open_page(coop_id: int):
    kind = request.form.get("kind", "")
    try:
        coop = monitoring.own_running(current_user, coop_id)
        if kind not in monitoring.KINDS:
            raise AppError("invalid_input", "Pilih pemantauan atau evaluasi.", status=422)
        monitoring.open_when_needed(
            coop, kind, request.form.get("alasan", "")[:2000], clock.now(), current_user
        )
        db.session.commit()
    except AppError as exc:
        return refused_back(exc, _back(coop_id))
    flash(
        f"{KIND_LABELS[kind]} dibuka pada saat diperlukan. Berikutnya: Tim Pembinaan dan "
        "Pengawasan melampirkan dokumen dan menyampaikan laporannya.",
        "success",
    )
    return _back(coop_id)
