"""Kotak Masuk, the register, the detail page of a cooperation, and taking an action on it."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from sikd.cooperations import forms, monitoring_counts, monitoring_pages
from sikd.cooperations.actions import available_actions, perform_action
from sikd.cooperations.approvals import packages_for_approval
from sikd.cooperations.models import Cooperation
from sikd.cooperations.pages import (
    PAGE_SIZE,
    bp,
    detail_context,
    not_found_page,
    pager,
    routed_direct_notice,
    rows_of,
    visible_or_none,
)
from sikd.cooperations.queries import (
    COUNT_CAP,
    filtered_cooperations,
)
from sikd.cooperations.queues import gubernur_page
from sikd.cooperations.state import EVERY_VERSION, TRANSACTION_DOCUMENTS, rules_of
from sikd.cooperations.turns import inbox_page, watched
from sikd.core import clock
from sikd.core.errors import AppError, NotFound
from sikd.core.extensions import db
from sikd.core.i18n import partner_countries
from sikd.core.plain import plain_basis
from sikd.rules.loader import effective_rulebook
from sikd.web.filters import STATUS_LABELS, TYPE_LABELS
from sikd.web.query_args import page_number, whole_number
from sikd.workflow.rulebook import Rulebook

# --- Kotak Masuk ------------------------------------------------------------------------------

WATCH_SHOWN = 10  # Dipantau on the Kotak Masuk: the nearest deadlines; all on their own page


@bp.route("/beranda")
@login_required
def home():
    """Kotak Masuk in two parts: Giliran Anda (what one of my roles acts on now, overdue
    first, 50 a page: a Kota's TKKSD may have a thousand) and Dipantau (the running
    cooperations my instansi owns or was given, waiting for somebody else: the ten nearest
    deadlines, all of them on :func:`watching`)."""
    requested = page_number()
    items, total, late = inbox_page(current_user, page=requested, per_page=PAGE_SIZE)
    paging = pager(total, requested)
    watch, watch_total = watched(current_user, limit=WATCH_SHOWN)
    mine = [i["cooperation"] for i in items]
    packages, more_packages = packages_for_approval(mine)
    yearly = None
    if current_user.tenant.is_daerah and current_user.has_role(*monitoring_pages.VIEWERS):
        yearly = monitoring_counts.inbox_counts(current_user.tenant_id, list(current_user.roles))
    return render_template(
        "cooperations/inbox.html",
        packages=packages,
        more_packages=more_packages,
        rows=rows_of([i["cooperation"] for i in items]),
        watch_rows=rows_of(watch),
        watch_total=watch_total,
        late=late,
        paging=paging,
        tenant=current_user.tenant,
        yearly=yearly,
    )


@bp.route("/beranda/dipantau")
@login_required
def watching():
    """Dipantau in full: the running cooperations my instansi owns or was given that wait for
    somebody else, overdue first, then by due date, 50 a page (past the last: the last)."""
    requested = page_number()
    rows, total = watched(current_user, limit=PAGE_SIZE, offset=(requested - 1) * PAGE_SIZE)
    paging = pager(total, requested, PAGE_SIZE)
    if total and not rows:
        offset = (paging["pages"] - 1) * PAGE_SIZE
        rows, total = watched(current_user, limit=PAGE_SIZE, offset=offset)
    return render_template(
        "cooperations/watching.html",
        rows=rows_of(rows),
        paging=paging,
        count_cap=COUNT_CAP,
        tenant=current_user.tenant,
    )


# --- Daftar Kerja Sama ----------------------------------------------------------------------


def _register_args() -> dict[str, Any]:
    args: dict[str, Any] = {}
    for key in ("type", "stage", "partner_country", "status", "q", "tenant", "provinsi", "flag"):
        value = (request.args.get(key) or "").strip()
        if value:
            args[key] = value
    year = whole_number("year")
    if year:
        args["year"] = year
    if request.args.get("overdue") == "1":
        args["overdue"] = True
    if args.get("partner_country"):
        code, problem = forms.country_code(args["partner_country"])
        args["partner_country"] = code or "??"  # an unknown country matches nothing
        args["country_problem"] = problem
    args["page"] = page_number("page")
    args["per_page"] = 25
    return args


def _stage_choices() -> list[tuple[str, str]]:
    code = current_user.tenant.code if current_user.tenant.is_daerah else "national"
    seen: dict[str, str] = {}
    for _pid, stage in Rulebook(effective_rulebook(code).data).walk():
        seen.setdefault(stage["id"], stage.get("label", stage["id"]))
    return sorted(seen.items(), key=lambda kv: kv[1])


@bp.route("/kerja-sama")
@login_required
def register():
    args = _register_args()
    coops, total = filtered_cooperations(args)
    pages = max((total + args["per_page"] - 1) // args["per_page"], 1)
    return render_template(
        "cooperations/register.html",
        rows=rows_of(coops),
        total=total,
        count_cap=COUNT_CAP,
        args=args,
        page=args["page"],
        pages=pages,
        stage_choices=_stage_choices(),
        type_labels=TYPE_LABELS,
        status_labels=STATUS_LABELS,
        countries=partner_countries(),
        country_problem=args.get("country_problem"),
        query=request.args.to_dict(),
        this_year=clock.now().year,
    )


# --- Detail and actions ------------------------------------------------------------------------


@bp.route("/kerja-sama/<int:coop_id>")
@login_required
def detail(coop_id: int):
    coop = visible_or_none(coop_id)
    if coop is None:
        return not_found_page()
    # a page that only reads: the documents are read once, with every version, for all its parts
    db.session.info.update({TRANSACTION_DOCUMENTS: {}, EVERY_VERSION: True})
    try:
        return render_template("cooperations/detail.html", **detail_context(coop))
    finally:
        db.session.info.pop(TRANSACTION_DOCUMENTS, None)
        db.session.info.pop(EVERY_VERSION, None)


@bp.post("/kerja-sama/<int:coop_id>/tindakan/<action>")
@login_required
def act(coop_id: int, action: str):
    coop = visible_or_none(coop_id)
    if coop is None:
        return not_found_page()
    info = next((a for a in available_actions(current_user, coop) if a.id == action), None)
    values = forms.action_inputs(info.inputs if info else (), request.form)
    expected = request.form.get("expected_version", type=int)
    back = request.form.get("kembali", "")
    try:
        coop = perform_action(current_user, coop_id, action, values, expected)
    except NotFound:
        db.session.rollback()
        return not_found_page()
    except AppError as exc:
        db.session.rollback()
        coop = visible_or_none(coop_id)
        if coop is None:
            return not_found_page()
        return _render_refusal(coop, action, exc, back)
    label = info.label if info else action
    flash(
        f"{coop.number} «{coop.title}»: tindakan «{label}» tercatat. Tahap sekarang: "
        f"{rules_of(coop).label_of(coop.process, coop.stage)} ({coop.holder_tenant.name}).",
        "success",
    )
    if back == "gubernur":
        return redirect(url_for("cooperation_pages.gubernur_queue"))
    if back == "kemlu":
        return redirect(url_for("cooperation_pages.kemlu_queue"))
    if back == "beranda":
        return redirect(url_for("cooperation_pages.home"))
    return redirect(url_for("cooperation_pages.detail", coop_id=coop.id))


def _refusal_text(coop: Cooperation, exc: AppError) -> tuple[str, str]:
    """(title, message) for a refusal; a stale form of a Gubernur whose submission already went
    direct is told that, rather than only that the data changed."""
    if exc.status == 409:
        notice = routed_direct_notice(coop)
        if notice and exc.code in ("stale_state", "already_routed_directly", "wrong_level"):
            return "Sudah diajukan langsung", notice
        return "Data sudah berubah", exc.message
    if exc.status == 403:
        return "Tindakan tidak diizinkan untuk peran Anda", exc.message
    return "Tindakan belum dapat dilakukan", exc.message


def _render_refusal(coop: Cooperation, action: str, exc: AppError, back: str):
    title, message = _refusal_text(coop, exc)
    message = plain_basis(message)
    top = {"title": title, "message": message, "status": exc.status, "missing": exc.missing}
    values = request.form
    if back == "gubernur":
        return gubernur_page(
            row_errors={coop.id: {"action": action, "top": top, "form": values, "exc": exc}},
            status=exc.status,
        )
    ctx = detail_context(
        coop,
        top_error=top,
        action_errors={action: exc.field_errors},
        action_values={action: values},
        open_action=action,
    )
    return render_template("cooperations/detail.html", **ctx), exc.status
