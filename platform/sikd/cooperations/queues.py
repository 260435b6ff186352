"""The queues of the levels above a daerah: the Gubernur's, Kemlu's, and Kemendagri's national view."""

from __future__ import annotations

from typing import Any

from flask import render_template
from flask_login import current_user
from sqlalchemy import case, func, select
from sqlalchemy.orm import aliased

from sikd.accounts.pages import roles_required
from sikd.cooperations.access import visibility_filter
from sikd.cooperations.actions import available_actions
from sikd.cooperations.models import Cooperation, CooperationStatus
from sikd.cooperations.pages import bp, by_deadline, rows_of
from sikd.cooperations.queries import filtered_cooperations, inbox
from sikd.core import clock
from sikd.core.extensions import db
from sikd.deadlines.models import Deadline, DeadlineStatus
from sikd.routing.models import RoutingHop
from sikd.rules.models import RulebookVersion
from sikd.tenancy.models import Tenant
from sikd.workflow.roles import NATIONAL_ROLES
from sikd.workflow.rulebook import Rulebook


def gubernur_page(row_errors: dict[int, dict] | None = None, status: int = 200):
    items = [i for i in inbox(current_user) if i["cooperation"].holder_level == "provinsi"]
    rows = by_deadline(rows_of([i["cooperation"] for i in items]))
    for row in rows:
        actions = {a.id: a for a in available_actions(current_user, row["coop"])}
        row["teruskan"] = actions.get("teruskan")
        row["kembalikan"] = actions.get("kembalikan")
        row["others"] = [a for a in actions.values() if a.id not in ("teruskan", "kembalikan")]
        row["received_at"] = db.session.scalar(
            select(RoutingHop.received_at)
            .where(RoutingHop.cooperation_id == row["coop"].id, RoutingHop.acted_at.is_(None))
            .order_by(RoutingHop.received_at.desc())
            .limit(1)
        )
    direct = db.session.scalars(
        select(RoutingHop)
        .where(
            RoutingHop.holder_tenant_id == current_user.tenant_id,
            RoutingHop.level == "provinsi",
            RoutingHop.outcome == "routed_directly",
        )
        .order_by(RoutingHop.acted_at.desc())
        .limit(20)
    ).all()
    direct_coops = {
        c.id: c
        for c in db.session.scalars(
            select(Cooperation).where(
                visibility_filter(), Cooperation.id.in_([h.cooperation_id for h in direct])
            )
        )
    }
    row_errors = row_errors or {}
    # a refusal about a submission that has left the queue is still shown, at the top
    orphan_errors = [e for cid, e in row_errors.items() if cid not in {r["coop"].id for r in rows}]
    return render_template(
        "cooperations/gubernur.html",
        rows=rows,
        direct=[(h, direct_coops.get(h.cooperation_id)) for h in direct],
        row_errors=row_errors,
        orphan_errors=orphan_errors,
    ), status


@bp.route("/gubernur")
@roles_required("gubernur_verifier")
def gubernur_queue():
    return gubernur_page()


@bp.route("/nasional")
@roles_required(*NATIONAL_ROLES)
def national():
    now = clock.now()
    owner = aliased(Tenant)
    overdue = (
        select(Deadline.id)
        .where(
            Deadline.cooperation_id == Cooperation.id,
            Deadline.status == DeadlineStatus.OPEN,
            Deadline.stage == Cooperation.stage,
            Deadline.due_at < now,
        )
        .exists()
    )
    provinsi_id = func.coalesce(owner.parent_id, owner.id)
    running = Cooperation.status == CooperationStatus.BERJALAN
    by_provinsi = db.session.execute(
        select(
            provinsi_id,
            func.count(Cooperation.id),
            func.sum(case((running, 1), else_=0)),
            func.sum(case((running & overdue, 1), else_=0)),
            func.sum(case((Cooperation.flags.contains(["dormant"]), 1), else_=0)),
        )
        .join(owner, owner.id == Cooperation.tenant_id)
        .where(visibility_filter())
        .group_by(provinsi_id)
    ).all()
    names = {
        t.id: t
        for t in db.session.scalars(
            select(Tenant).where(Tenant.id.in_([r[0] for r in by_provinsi]))
        )
    }
    provinsi_rows = sorted(
        (
            {
                "tenant": names.get(r[0]),
                "total": r[1],
                "running": r[2] or 0,
                "overdue": r[3] or 0,
                "dormant": r[4] or 0,
            }
            for r in by_provinsi
        ),
        key=lambda r: (-r["overdue"], -r["total"], r["tenant"].name if r["tenant"] else ""),
    )
    by_stage_raw = db.session.execute(
        select(
            Cooperation.process,
            Cooperation.stage,
            Cooperation.rulebook_version_id,
            func.count(Cooperation.id),
            func.sum(case((overdue, 1), else_=0)),
        )
        .where(running, visibility_filter())
        .group_by(Cooperation.process, Cooperation.stage, Cooperation.rulebook_version_id)
    ).all()
    versions = {
        v.id: v.rulebook
        for v in db.session.scalars(
            select(RulebookVersion).where(
                RulebookVersion.id.in_({r[2] for r in by_stage_raw} or {0})
            )
        )
    }
    stages: dict[str, dict[str, Any]] = {}
    for process, stage, version_id, count, late in by_stage_raw:
        rulebook = versions.get(version_id)
        label = Rulebook(rulebook).label_of(process, stage) if rulebook else stage
        entry = stages.setdefault(stage, {"stage": stage, "label": label, "total": 0, "overdue": 0})
        entry["total"] += count
        entry["overdue"] += late or 0
    overdue_coops, overdue_total = filtered_cooperations(
        {"overdue": True, "status": "berjalan", "page": 1, "per_page": 50}
    )
    totals = {
        "all": sum(r["total"] for r in provinsi_rows),
        "running": sum(r["running"] for r in provinsi_rows),
        "overdue": sum(r["overdue"] for r in provinsi_rows),
        "dormant": sum(r["dormant"] for r in provinsi_rows),
    }
    inbox_rows = rows_of([i["cooperation"] for i in inbox(current_user)])
    return render_template(
        "cooperations/national.html",
        provinsi_rows=provinsi_rows,
        stage_rows=sorted(stages.values(), key=lambda s: (-s["overdue"], -s["total"])),
        overdue_rows=rows_of(overdue_coops),
        overdue_total=overdue_total,
        totals=totals,
        inbox_rows=inbox_rows,
    )


@bp.route("/kemlu")
@roles_required("kemlu_reviewer")
def kemlu_queue():
    rows = by_deadline(rows_of([i["cooperation"] for i in inbox(current_user)]))
    seen, _ = filtered_cooperations({"page": 1, "per_page": 50})
    return render_template(
        "cooperations/kemlu.html",
        rows=rows,
        seen_rows=rows_of([c for c in seen if c.id not in {r["coop"].id for r in rows}]),
    )
