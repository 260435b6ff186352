"""The queues of the levels above a daerah: the Gubernur's, Kemlu's, and Kemendagri's national view."""

from __future__ import annotations

from typing import Any

from flask import render_template
from flask_login import current_user
from sqlalchemy import and_, select

from sikd.accounts.pages import roles_required
from sikd.cooperations import inbox_list, overdue_list, rollup
from sikd.cooperations.access import (
    actor_for,
    visibility_filter,
)
from sikd.cooperations.models import Cooperation, CooperationStatus, parties
from sikd.cooperations.pages import PAGE_SIZE, bp, pager, rows_of
from sikd.cooperations.queries import filtered_cooperations
from sikd.cooperations.state import (
    counting_on,
    engine_state,
    preload_rulebook_versions,
    rulebook_of,
)
from sikd.cooperations.turns import inbox, inbox_page
from sikd.core import clock
from sikd.core.extensions import db
from sikd.routing.models import RoutingHop
from sikd.tenancy.models import Tenant
from sikd.web.query_args import page_number
from sikd.workflow import engine
from sikd.workflow.roles import NATIONAL_ROLES


def _document_kinds(coops: list[Cooperation]) -> dict[int, frozenset[str]]:
    """The kinds of the documents that count now (``Cooperation.current_documents``) of each
    row, in one query of two columns (the rows' actions need only the kinds;
    :func:`~sikd.cooperations.state.counting_on`)."""
    if not coops:
        return {}
    document = Cooperation.current_documents.property.mapper.class_  # documents own the model
    pairs = db.session.execute(
        select(document.cooperation_id, document.kind).where(
            counting_on((tenant_id, c.id) for c in coops for tenant_id in parties(c))
        )
    ).all()
    kinds: dict[int, set[str]] = {c.id: set() for c in coops}
    for coop_id, kind in pairs:
        kinds[coop_id].add(kind)
    return {coop_id: frozenset(k) for coop_id, k in kinds.items()}


def _queue_actions(coops: list[Cooperation]) -> dict[int, dict[str, Any]]:
    """What the user may do on each row, from the kinds of the rows' documents and the
    rulebooks (decoded once per process): no query per row."""
    preload_rulebook_versions(coops)
    kinds_of = _document_kinds(coops)
    user = current_user._get_current_object()  # the proxy resolves the user on every access
    out = {}
    for coop in coops:
        actor = actor_for(user, coop)
        infos = (
            engine.available_actions(
                rulebook_of(coop), engine_state(coop, kinds_of[coop.id]), actor
            )
            if actor is not None and coop.status == CooperationStatus.BERJALAN
            else []
        )
        out[coop.id] = {a.id: a for a in infos}
    return out


def _routed_directly() -> list[Any]:
    """The 20 latest submissions the sweep routed around this Gubernur, each with its
    cooperation where this tenant may see it; one query: the 20 hops are picked first (the
    hops' holder is not read), then joined to what the list shows of their cooperations (the
    cooperation's columns are None where this tenant may not see it)."""
    order = (RoutingHop.acted_at.desc(), RoutingHop.id.desc())
    latest = (
        select(RoutingHop.id)
        .where(
            RoutingHop.holder_tenant_id == current_user.tenant_id,
            RoutingHop.outcome == "routed_directly",
            RoutingHop.level == "provinsi",
        )
        .order_by(*order)
        .limit(20)
    )
    rows = db.session.execute(
        select(
            RoutingHop.acted_at,
            RoutingHop.basis,
            Cooperation.id,
            Cooperation.number,
            Cooperation.title,
            Tenant.name.label("tenant_name"),
        )
        .select_from(RoutingHop)
        .outerjoin(
            Cooperation,
            and_(Cooperation.id == RoutingHop.cooperation_id, visibility_filter()),
        )
        .outerjoin(Tenant, Tenant.id == Cooperation.tenant_id)
        .where(RoutingHop.id.in_(latest))
        .order_by(*order)
    ).all()
    return list(rows)


QUEUE_PAGE_SIZE = 20  # each submission is a card with its two forms: the most urgent first


def gubernur_page(row_errors: dict[int, dict] | None = None, status: int = 200):
    requested = page_number()
    items, total, _ = inbox_page(
        current_user, page=requested, per_page=QUEUE_PAGE_SIZE, level="provinsi"
    )
    paging = pager(total, requested, QUEUE_PAGE_SIZE)
    coops = [i["cooperation"] for i in items]
    actions_of = _queue_actions(coops)
    rows = rows_of(coops)
    for row in rows:
        actions = actions_of[row["coop"].id]
        row["teruskan"] = actions.get("teruskan")
        row["kembalikan"] = actions.get("kembalikan")
        row["others"] = [a for a in actions.values() if a.id not in ("teruskan", "kembalikan")]
        row["received_at"] = row["coop"].holder_since
    row_errors = row_errors or {}
    # a refusal about a submission that has left the queue is still shown, at the top
    orphan_errors = [e for cid, e in row_errors.items() if cid not in {r["coop"].id for r in rows}]
    return render_template(
        "cooperations/gubernur.html",
        rows=rows,
        paging=paging,
        direct=_routed_directly(),
        row_errors=row_errors,
        orphan_errors=orphan_errors,
    ), status


@bp.route("/gubernur")
@roles_required("gubernur_verifier")
def gubernur_queue():
    return gubernur_page()


NATIONAL_SHOWN = 20  # waiting rows on the national view (all of them: the Kotak Masuk)


@bp.route("/nasional")
@roles_required(*NATIONAL_ROLES)
def national():
    """Kemendagri's national view: counts from the rollup the sweep keeps, the 20 most overdue
    and the first 20 waiting for the Sekretariat Jenderal (both from the ids the rollup keeps,
    re-read live; all of them in the register and the Kotak Masuk); a constant number of
    queries."""
    now = clock.now()
    as_of = rollup.ensure_fresh(now)
    counts = rollup.by_provinsi()
    names = {
        t.id: t
        for t in db.session.scalars(select(Tenant).where(Tenant.id.in_([r[0] for r in counts])))
    }
    provinsi_rows = sorted(
        (
            {
                "tenant": names.get(pid),
                "total": total,
                "running": running,
                "overdue": late,
                "dormant": dormant,
            }
            for pid, total, running, late, dormant in counts
        ),
        key=lambda r: (-r["overdue"], -r["total"], r["tenant"].name if r["tenant"] else ""),
    )
    overdue_coops = overdue_list.most_overdue(current_user.tenant, now, as_of)
    totals = {
        key: sum(r[key] for r in provinsi_rows)
        for key in ("total", "running", "overdue", "dormant")
    }
    totals["all"] = totals.pop("total")
    user = current_user._get_current_object()
    waiting_rows, waiting, waiting_as_of = inbox_list.waiting_list(
        user, as_of, per_page=NATIONAL_SHOWN
    )
    return render_template(
        "cooperations/national.html",
        provinsi_rows=provinsi_rows,
        stage_rows=sorted(rollup.running_by_stage(), key=lambda s: (-s["overdue"], -s["total"])),
        overdue_rows=rows_of(overdue_coops),
        overdue_total=totals["overdue"],
        totals=totals,
        as_of=as_of,
        inbox_rows=rows_of(waiting_rows),
        inbox_total=waiting,
        inbox_total_as_of=as_of if waiting_as_of else None,
    )


@bp.route("/kemlu")
@roles_required("kemlu_reviewer")
def kemlu_queue():
    rows = rows_of([i["cooperation"] for i in inbox(current_user, limit=PAGE_SIZE)])
    seen, _ = filtered_cooperations({"page": 1, "per_page": 50})
    return render_template(
        "cooperations/kemlu.html",
        rows=rows,
        seen_rows=rows_of([c for c in seen if c.id not in {r["coop"].id for r in rows}]),
    )
