"""The dashboards' figures, for each level: a daerah (its cooperation by type, stage, status,
partner country, OPD, year; overdue; due this month; recorded cost), a provinsi (its kab/kota
side by side), Kemendagri and Kemlu (every provinsi, from the national rollup the sweep keeps).

Every figure is a list of ``(label, value[, value2])`` rows: the page prints it as a table (the
screen-reader and print fallback) and ``sikd-charts.js`` draws the chart from that table."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select

from sikd.accounts.models import User
from sikd.cooperations.access import visible_query
from sikd.cooperations.models import CooperationStatus
from sikd.cooperations.rollup import by_provinsi
from sikd.core import clock
from sikd.core.extensions import db
from sikd.core.i18n import country_name
from sikd.register.budget import beneficiaries_total, budget_by_year_source
from sikd.tenancy.models import Tenant
from sikd.web.filters import STATUS_LABELS


@dataclass
class Figure:
    key: str
    title: str
    headers: list[str]
    rows: list[tuple[Any, ...]]
    kind: str = "bar"  # bar | doughnut
    axis: str = "x"
    links: list[str | None] = field(default_factory=list)  # per row: the register, filtered


def _visible():
    return visible_query().subquery()


def _count_by(column_name: str, sub, limit: int = 15) -> list[tuple[Any, int]]:
    col = sub.c[column_name]
    return [
        (value, int(n))
        for value, n in db.session.execute(
            select(col, func.count()).group_by(col).order_by(func.count().desc()).limit(limit)
        )
    ]


def _counts_by(sub, limits: dict[str, int]) -> dict[str, list[tuple[Any, int]]]:
    """:func:`_count_by` of several columns in one statement (``GROUPING SETS``): per column,
    its values with their counts, most first, at most its limit."""
    cols = [sub.c[name] for name in limits]
    rows = db.session.execute(
        select(*cols, func.grouping(*cols), func.count()).group_by(func.grouping_sets(*cols))
    ).all()
    width = len(cols)
    out: dict[str, list[tuple[Any, int]]] = {}
    for i, (name, limit) in enumerate(limits.items()):
        mask = (2**width - 1) ^ (1 << (width - 1 - i))  # every other column rolled up
        found = [(row[i], int(row[-1])) for row in rows if row[width] == mask]
        out[name] = sorted(found, key=lambda r: -r[1])[:limit]
    return out


def _register_url(**kw) -> str:
    from flask import url_for

    return url_for("cooperation_pages.register", **kw)


def tiles(sub, now: datetime, budget: list | None = None) -> dict[str, int]:
    month_end = (now.replace(day=1) + relativedelta(months=1)).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    running = sub.c.status == CooperationStatus.BERJALAN
    total, berjalan, overdue, due_month, dormant, cost = db.session.execute(
        select(
            func.count(),
            func.count().filter(running),
            func.count().filter(running, sub.c.next_due_at < now),
            func.count().filter(running, sub.c.next_due_at >= now, sub.c.next_due_at < month_end),
            func.count().filter(running, sub.c.flags.overlap(["dormant"])),
            func.coalesce(func.sum(sub.c.estimated_cost), 0),
        )
    ).one()
    budget = budget_by_year_source(sub) if budget is None else budget
    spent = sum(a + o for _y, a, o in budget)
    return {
        "total": total,
        "berjalan": berjalan,
        "overdue": overdue,
        "due_month": due_month,
        "dormant": dormant,
        "cost": int(cost),
        "spent": spent,
        "beneficiaries": beneficiaries_total(sub),
    }


def daerah_figures(sub, budget: list | None = None) -> list[Figure]:
    counts = _counts_by(sub, {"type": 15, "status": 15, "partner_country": 15, "year": 30})
    by_type, by_status = counts["type"], counts["status"]
    stage = db.session.execute(
        select(sub.c.stage, func.max(sub.c.stage_label), func.count())
        .where(sub.c.status == CooperationStatus.BERJALAN)
        .group_by(sub.c.stage)
        .order_by(func.count().desc())
        .limit(15)
    ).all()
    country = [(c, n) for c, n in counts["partner_country"] if c]
    year = sorted(counts["year"])
    opd = db.session.execute(
        select(func.coalesce(User.unit, "(tanpa OPD)"), func.count())
        .select_from(sub)
        .outerjoin(User, User.id == sub.c.created_by)
        .group_by(User.unit)
        .order_by(func.count().desc())
        .limit(15)
    ).all()
    return [
        Figure(
            "jenis",
            "Menurut jenis",
            ["Jenis", "Jumlah"],
            by_type,
            "doughnut",
            links=[_register_url(type=t) for t, _ in by_type],
        ),
        Figure(
            "status",
            "Menurut status",
            ["Status", "Jumlah"],
            [(STATUS_LABELS.get(s, s), n) for s, n in by_status],
            "doughnut",
            links=[_register_url(status=s) for s, _ in by_status],
        ),
        Figure(
            "tahap",
            "Kerja sama berjalan menurut tahap",
            ["Tahap", "Jumlah"],
            [(label or s, n) for s, label, n in stage],
            axis="y",
            links=[_register_url(stage=s) for s, _, _ in stage],
        ),
        Figure(
            "negara",
            "Menurut negara mitra",
            ["Negara", "Jumlah"],
            [(country_name(c), n) for c, n in country],
            axis="y",
            links=[_register_url(partner_country=c) for c, _ in country],
        ),
        Figure(
            "opd",
            "Menurut perangkat daerah pemrakarsa",
            ["OPD", "Jumlah"],
            [(u, int(n)) for u, n in opd],
            axis="y",
        ),
        Figure(
            "tahun",
            "Menurut tahun",
            ["Tahun", "Jumlah"],
            [(str(y), n) for y, n in year],
            links=[_register_url(year=y) for y, _ in year],
        ),
        Figure(
            "biaya",
            "Biaya per tahun menurut sumber dana (Rp)",
            ["Tahun", "APBD", "Sumber lain"],
            budget_by_year_source(sub) if budget is None else budget,
        ),
    ]


def side_by_side(sub) -> Figure:
    """Each daerah the caller sees (a provinsi: itself and its kab/kota), total and overdue."""
    now = clock.now()
    running = sub.c.status == CooperationStatus.BERJALAN
    rows = db.session.execute(
        select(
            Tenant.code,
            Tenant.name,
            func.count(),
            func.count().filter(running, sub.c.next_due_at < now),
        )
        .select_from(sub)
        .join(Tenant, Tenant.id == sub.c.tenant_id)
        .group_by(Tenant.code, Tenant.name)
        .order_by(Tenant.name)
    ).all()
    return Figure(
        "daerah",
        "Kabupaten/kota berdampingan",
        ["Daerah", "Kerja sama", "Lewat tenggat"],
        [(name, n, late) for _, name, n, late in rows],
        axis="y",
        links=[_register_url(tenant=code) for code, *_ in rows],
    )


def national_figure() -> Figure:
    """Every provinsi (its own and its kab/kota's), from the national rollup."""
    counts = by_provinsi()
    names = {
        t.id: t
        for t in db.session.scalars(select(Tenant).where(Tenant.id.in_([c[0] for c in counts])))
    }
    rows = sorted(
        ((names[pid], total, late) for pid, total, _running, late, _d in counts if pid in names),
        key=lambda r: r[0].name,
    )
    return Figure(
        "provinsi",
        "Semua provinsi (termasuk kabupaten/kota)",
        ["Provinsi", "Kerja sama", "Lewat tenggat"],
        [(t.name, total, late) for t, total, late in rows],
        axis="y",
        links=[_register_url(provinsi=t.code) for t, _, _ in rows],
    )


def dashboard(user: User) -> dict[str, Any]:
    sub = _visible()
    tenant = user.tenant
    budget = budget_by_year_source(sub)  # a figure and a tile
    figures = daerah_figures(sub, budget)
    if tenant.kind == "provinsi":
        figures.insert(0, side_by_side(sub))
    elif tenant.kind == "kementerian":
        from sikd.cooperations.rollup import ensure_fresh

        ensure_fresh(clock.now())
        figures.insert(0, national_figure())
    return {"tiles": tiles(sub, clock.now(), budget), "figures": figures, "tenant": tenant}


def provinsi_rows(user: User) -> list[dict[str, Any]]:
    """Per provinsi (its own and its kab/kota's cooperation): total, overdue, dormant. The
    national roles read the rollup the sweep keeps; others count what they may see."""
    if user.tenant.kind == "kementerian":
        from sikd.cooperations.rollup import ensure_fresh

        ensure_fresh(clock.now())
        counts = {pid: (total, late, dormant) for pid, total, _r, late, dormant in by_provinsi()}
        tenants = db.session.scalars(select(Tenant).where(Tenant.kind == "provinsi")).all()
        return [
            {"code": t.code, "name": t.name, "total": counts.get(t.id, (0, 0, 0))[0],
             "overdue": counts.get(t.id, (0, 0, 0))[1], "dormant": counts.get(t.id, (0, 0, 0))[2]}
            for t in sorted(tenants, key=lambda t: t.name)
        ]  # fmt: skip
    sub = _visible()
    owner = Tenant.__table__.alias("owner")
    parent = Tenant.__table__.alias("parent")
    prov_code = func.coalesce(parent.c.code, owner.c.code)
    prov_name = func.coalesce(parent.c.name, owner.c.name)
    running = sub.c.status == CooperationStatus.BERJALAN
    rows = db.session.execute(
        select(
            prov_code,
            prov_name,
            func.count(),
            func.count().filter(running, sub.c.next_due_at < clock.now()),
            func.count().filter(running, sub.c.flags.overlap(["dormant"])),
        )
        .select_from(sub)
        .join(owner, owner.c.id == sub.c.tenant_id)
        .outerjoin(parent, parent.c.id == owner.c.parent_id)
        .group_by(prov_code, prov_name)
        .order_by(prov_name)
    ).all()
    return [
        {"code": c, "name": n, "total": t, "overdue": o, "dormant": d} for c, n, t, o, d in rows
    ]


def all_provinsi_rows(user: User) -> list[dict[str, Any]]:
    """:func:`provinsi_rows` with every provinsi of the registry, zeros included, by name."""
    counts = {r["code"]: r for r in provinsi_rows(user)}
    tenants = db.session.scalars(select(Tenant).where(Tenant.kind == "provinsi")).all()
    empty = {"total": 0, "overdue": 0, "dormant": 0}
    return sorted(
        ({**empty, **counts.get(t.code, {}), "code": t.code, "name": t.name} for t in tenants),
        key=lambda r: r["name"],
    )


def partner_country_counts() -> dict[str, int]:
    sub = _visible()
    return {c: n for c, n in _count_by("partner_country", sub, limit=250) if c}
