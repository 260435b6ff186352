"""The dashboards' figures, for each level: a daerah (its cooperation by type, stage, status,
partner country, OPD, year; overdue; due this month; recorded cost), a provinsi (its kab/kota
side by side), Kemendagri and Kemlu (every provinsi, from the national rollup the sweep keeps).

Every figure is a list of ``(label, value[, value2])`` rows: the page prints it as a table (the
screen-reader and print fallback) and ``sikd-charts.js`` draws the chart from that table."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from sikd.accounts.models import User
from sikd.cooperations import viewer_rollup
from sikd.cooperations.access import visible_query
from sikd.cooperations.queries import reachable
from sikd.cooperations.rollup import by_provinsi
from sikd.core import clock
from sikd.core.extensions import db
from sikd.core.i18n import country_name
from sikd.register.budget import budget_summary
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
    """What the caller sees, as a subquery, reached by index (:func:`queries.reachable`)."""
    return reachable(visible_query()).subquery()


def _top(rows: list[tuple[Any, ...]], limit: int) -> list[tuple[Any, ...]]:
    """Most first (the count is each row's last value), ties by value; at most ``limit``."""
    return sorted(rows, key=lambda r: (-r[-1], "" if r[0] is None else str(r[0])))[:limit]


def _register_url(**kw) -> str:
    from flask import url_for

    return url_for("cooperation_pages.register", **kw)


def _with_budget(counts: dict[str, int], budget: list, beneficiaries: int) -> dict[str, int]:
    spent = sum(a + o for _y, a, o in budget)
    return {**counts, "spent": spent, "beneficiaries": beneficiaries}


def counts_of(rows: dict[str, list[dict[str, Any]]]) -> dict[str, list[tuple[Any, ...]]]:
    """Each figure's rows, ``(value, count)`` (the stage's ``(stage, label, count)`` of the
    running ones), from :mod:`sikd.cooperations.viewer_rollup`'s rows, all values, unsorted."""

    def pairs(dim: str, value=lambda k: k) -> list[tuple[Any, int]]:
        return [(value(r["key"]), r["total"]) for r in rows.get(dim, [])]

    return {
        "type": pairs("type"),
        "status": pairs("status"),
        "partner_country": pairs("partner_country", lambda k: k or None),
        "year": pairs("year", int),
        "stage": [(r["key"], r["label"], r["running"]) for r in rows.get("stage", []) if r["running"]],
        "opd": pairs("opd"),
    }  # fmt: skip


def tiles_of(
    rows: dict[str, list[dict[str, Any]]], budget: list, beneficiaries: int
) -> dict[str, int]:
    """The number tiles from the ``all`` row (the budget's are counted now: few rows)."""
    row = (rows.get("all") or [{}])[0]
    counts = {key: int(row.get(col, 0)) for key, col in (
        ("total", "total"), ("berjalan", "running"), ("overdue", "overdue"),
        ("due_month", "due_month"), ("dormant", "dormant"), ("cost", "cost"))}  # fmt: skip
    return _with_budget(counts, budget, beneficiaries)


def daerah_figures(counts: dict[str, list[tuple[Any, ...]]], budget: list) -> list[Figure]:
    by_type, by_status = _top(counts["type"], 15), _top(counts["status"], 15)
    stage = _top(counts["stage"], 15)
    country = [(c, n) for c, n in _top(counts["partner_country"], 15) if c]
    year = sorted(_top(counts["year"], 30))
    opd = _top(counts["opd"], 15)
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
            budget,
        ),
    ]


def side_by_side(rows: dict[str, list[dict[str, Any]]]) -> Figure:
    """Each daerah the caller sees (a provinsi: itself and its kab/kota), total and overdue,
    by name."""
    counts = {int(r["key"]): r for r in rows.get("daerah", [])}
    tenants = db.session.scalars(
        select(Tenant).where(Tenant.id.in_(list(counts))).order_by(Tenant.name, Tenant.code)
    ).all()
    return Figure(
        "daerah",
        "Kabupaten/kota berdampingan",
        ["Daerah", "Kerja sama", "Lewat tenggat"],
        [(t.name, counts[t.id]["total"], counts[t.id]["overdue"]) for t in tenants],
        axis="y",
        links=[_register_url(tenant=t.code) for t in tenants],
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
    """The tiles and figures for the caller's level: a national viewer's from the rollup the
    sweep keeps (as of its last rebuild, at most ``MAX_AGE`` old), the others' counted now by
    the same statement."""
    sub = _visible()
    tenant = user.tenant
    budget, beneficiaries = budget_summary(sub)  # a figure and two tiles
    if tenant.kind == "kementerian":
        rows = _national_rows(user)
    else:
        rows = viewer_rollup.live_figures(user.tenant_id, clock.now())
    figures = daerah_figures(counts_of(rows), budget)
    if tenant.kind == "kementerian":
        figures.insert(0, national_figure())
    elif tenant.kind == "provinsi":
        figures.insert(0, side_by_side(rows))
    return {"tiles": tiles_of(rows, budget, beneficiaries), "figures": figures, "tenant": tenant}


def _national_rows(user: User) -> dict[str, list[dict[str, Any]]]:
    from sikd.cooperations.rollup import ensure_fresh

    ensure_fresh(clock.now())
    return viewer_rollup.figures_of(user.tenant_id)


def map_counts(user: User) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """For the map: every provinsi of the registry by name, each with the cooperation of itself
    and its kab/kota the caller sees (total, overdue, dormant: zeros included), and the partner
    countries with their counts. The national roles read the rollups the sweep keeps; others
    count what they see now, in the dashboard's one statement."""
    empty = (0, 0, 0)
    if user.tenant.kind == "kementerian":
        figures = _national_rows(user)
        by_id = {pid: (total, late, dormant) for pid, total, _r, late, dormant in by_provinsi()}
        tenants = db.session.scalars(select(Tenant).where(Tenant.kind == "provinsi")).all()
        by_code = {t.code: by_id.get(t.id, empty) for t in tenants}
    else:
        figures = viewer_rollup.live_figures(user.tenant_id, clock.now())
        by_code = _by_provinsi_code(figures.get("daerah", []))
        tenants = db.session.scalars(select(Tenant).where(Tenant.kind == "provinsi")).all()
    rows = [
        dict(zip(("total", "overdue", "dormant"), by_code.get(t.code, empty), strict=True))
        | {"code": t.code, "name": t.name}
        for t in tenants
    ]
    countries = {c: n for c, n in _top(counts_of(figures)["partner_country"], 250) if c}
    return sorted(rows, key=lambda r: r["name"]), countries


def _by_provinsi_code(owners: list[dict[str, Any]]) -> dict[str, tuple[int, int, int]]:
    """Per-daerah rows summed per provinsi code (a kab/kota's parent's, a provinsi's own)."""
    if not owners:
        return {}
    owner, parent = Tenant.__table__.alias("owner"), Tenant.__table__.alias("parent")
    code_of = dict(
        db.session.execute(
            select(owner.c.id, func.coalesce(parent.c.code, owner.c.code))
            .outerjoin(parent, parent.c.id == owner.c.parent_id)
            .where(owner.c.id.in_([int(r["key"]) for r in owners]))
        ).all()
    )
    sums: dict[str, tuple[int, int, int]] = {}
    for r in owners:
        code = code_of[int(r["key"])]
        total, late, dormant = sums.get(code, (0, 0, 0))
        sums[code] = (total + r["total"], late + r["overdue"], dormant + r["dormant"])
    return sums
