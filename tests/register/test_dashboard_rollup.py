"""The dashboards show what a count of the cooperation rows gives: a daerah's and a provinsi's
counted now, Kemendagri's from the rollup the sweep rebuilds (``viewer_rollup``), after actions
and after the sweep's rebuild; the CSV export carries the page's tables."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from datetime import timedelta

from sikd.core.clock import FixedClock
from sikd.testing.web import text

NO_OPD = "(tanpa OPD)"


def expected_of(tenant_id: int, now) -> tuple[dict[str, int], dict[str, Counter]]:
    """Tiles and figure rows counted in Python over the ORM rows the tenant sees."""
    from sqlalchemy import select

    from sikd.accounts.models import User
    from sikd.cooperations.access import visible_query
    from sikd.cooperations.viewer_rollup import month_end
    from sikd.core.extensions import db
    from sikd.core.i18n import country_name
    from sikd.tenancy.models import Tenant
    from sikd.tenancy.scope import tenant_scope
    from sikd.web.filters import STATUS_LABELS

    with tenant_scope(tenant_id):
        coops = db.session.scalars(visible_query()).all()
        units = dict(db.session.execute(select(User.id, User.unit)).all())
        names = dict(db.session.execute(select(Tenant.id, Tenant.name)).all())
    running = [c for c in coops if c.status == "berjalan"]
    tiles = {
        "Kerja sama": len(coops),
        "Berjalan": len(running),
        "Lewat tenggat": sum(1 for c in running if c.next_due_at and c.next_due_at < now),
        "Jatuh tempo bulan ini": sum(
            1 for c in running if c.next_due_at and now <= c.next_due_at < month_end(now)
        ),
        "Tidak aktif": sum(1 for c in running if "dormant" in c.flags),
        "Perkiraan biaya awal (Rp)": sum(c.estimated_cost or 0 for c in coops),
    }
    figures = {
        "Menurut jenis": Counter(c.type for c in coops),
        "Menurut status": Counter(STATUS_LABELS.get(c.status, c.status) for c in coops),
        "Kerja sama berjalan menurut tahap": Counter(c.stage_label or c.stage for c in running),
        "Menurut negara mitra": Counter(
            country_name(c.partner_country) for c in coops if c.partner_country
        ),
        "Menurut perangkat daerah pemrakarsa": Counter(
            units.get(c.created_by) or NO_OPD for c in coops
        ),
        "Menurut tahun": Counter(str(c.year) for c in coops),
    }
    late = {c.id for c in running if c.next_due_at and c.next_due_at < now}
    figures["Kabupaten/kota berdampingan"] = Counter(
        {
            (
                names[t],
                sum(1 for c in coops if c.tenant_id == t),
                sum(1 for c in coops if c.tenant_id == t and c.id in late),
            ): 1
            for t in {c.tenant_id for c in coops}
        }
    )
    return tiles, figures


def csv_sections(body: str) -> dict[str, list[list[str]]]:
    sections: dict[str, list[list[str]]] = {}
    for block in body.lstrip("\ufeff").split("\r\n\r\n"):
        rows = list(csv.reader(io.StringIO(block)))
        sections[rows[0][0]] = rows[2:]
    return sections


def page_tables(page: str) -> list[list[list[str]]]:
    tables = []
    for table in re.findall(r'<table class="table table-sm chart-table">(.*?)</table>', page, re.S):
        body = table.split("<tbody>", 1)[1]
        rows = []
        for tr in re.findall(r"<tr>(.*?)</tr>", body, re.S):
            cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr, re.S)
            rows.append([re.sub(r"<[^>]+>", "", cell).strip() for cell in cells])
        tables.append(rows)
    return tables


def check_map(client, tenant_id: int, now) -> None:
    """The map's table: Jawa Barat's total, overdue and dormant (Kota Bekasi's cooperation),
    and each partner country's count."""
    from sikd.cooperations.access import visible_query
    from sikd.core.extensions import db
    from sikd.core.i18n import country_name
    from sikd.tenancy.models import Tenant
    from sikd.tenancy.scope import tenant_scope

    with tenant_scope(tenant_id):
        coops = db.session.scalars(visible_query()).all()
    running = [c for c in coops if c.status == "berjalan"]
    # the national rollup counts every dormant one, a live count the running ones (as before)
    national = db.session.get(Tenant, tenant_id).kind == "kementerian"
    jabar = [
        len(coops),
        sum(1 for c in running if c.next_due_at and c.next_due_at < now),
        sum(1 for c in coops if "dormant" in c.flags and (c.status == "berjalan" or national)),
    ]
    page = text(client.get("/kerja-sama/peta"))
    row = re.search(r'provinsi=32">Jawa Barat</a>.*?</th>((?:<td>\d+</td>){3})', page)
    assert [int(v) for v in re.findall(r"\d+", row.group(1))] == jabar
    for code, n in Counter(c.partner_country for c in coops if c.partner_country).items():
        assert f'partner_country={code}">{country_name(code)}</a></th><td>{n}</td>' in page


def check(client, tenant_id: int, now) -> None:
    check_map(client, tenant_id, now)
    tiles, figures = expected_of(tenant_id, now)
    body = text(client.get("/kerja-sama/dasbor/ekspor.csv"))
    sections = csv_sections(body)
    summary = {label: int(value) for label, value in sections["Ringkasan"]}
    assert {k: summary[k] for k in tiles} == tiles
    for title, counts in figures.items():
        if title == "Kabupaten/kota berdampingan":  # a provinsi's: (daerah, total, overdue)
            if title in sections:
                got = Counter({(r[0], int(r[1]), int(r[2])): 1 for r in sections[title]})
                assert got == counts, title
            continue
        assert Counter({r[0]: int(r[1]) for r in sections[title]}) == counts, title
    # the page shows the export's tables, row for row
    page = text(client.get("/kerja-sama/dasbor"))
    exported = [rows for title, rows in sections.items() if title != "Ringkasan" and rows]
    assert page_tables(page) == [[[str(v) for v in row] for row in rows] for rows in exported]
    for label, value in tiles.items():
        if "Rp" not in label:
            tile = f'<div class="h3 mb-0">{value}</div><div class="small">{label.lower()}</div>'
            assert tile in page, label


def test_dashboards_match_a_count_of_the_rows_after_actions_and_the_sweep(app, web, cooperation_at):
    from sqlalchemy import text as text_sql
    from sqlalchemy import update

    from sikd.cooperations.access import grant
    from sikd.cooperations.models import Cooperation
    from sikd.cooperations.rollup import refresh_rollup
    from sikd.core.extensions import db
    from sikd.tenancy.models import KEMENDAGRI
    from sikd.tenancy.scope import system_scope, tenant_scope
    from sikd.tenancy.services import get_tenant

    staged = [
        cooperation_at("pelaksanaan", tenant="32.75"),
        cooperation_at("rencana_di_gubernur", tenant="32.75"),
        cooperation_at("penyusunan_rencana", tenant="32.75"),
    ]
    ids = [s.id for s in staged]
    kemendagri = get_tenant(KEMENDAGRI)
    with system_scope():
        coops = db.session.scalars(select_coops(ids)).all()
        for coop in coops:  # the national view sees them (as once sent there)
            grant(coop, kemendagri, "kemendagri", coop.created_at)
        db.session.execute(
            update(Cooperation)
            .where(Cooperation.id == ids[0])
            .values(flags=["dormant"], estimated_cost=250_000_000, partner_country="JP")
        )
        db.session.execute(
            update(Cooperation).where(Cooperation.id == ids[1]).values(estimated_cost=1_000)
        )
        db.session.commit()
    people = {
        "32.75": web("32.75", ["tkksd"]),
        "32": web("32", ["gubernur_verifier"]),
        KEMENDAGRI: web(KEMENDAGRI, ["sekjen_verifier"]),
    }
    later = db.session.get(Cooperation, ids[1]).next_due_at + timedelta(days=1)
    app.extensions["sikd_clock"] = FixedClock(later)  # the Gubernur's deadline has passed
    try:
        refresh_rollup(later)  # as the periodic sweep does
        db.session.commit()
        for code, client in people.items():
            check(client, get_tenant(code).id, later)
        # an action after the rebuild: counted now by the daerah, by Kemendagri at the next one
        with system_scope():
            db.session.execute(
                update(Cooperation)
                .where(Cooperation.id == ids[2])
                .values(flags=["dormant"], partner_country="DE", year=2020)
            )
            db.session.commit()
        check(people["32.75"], get_tenant("32.75").id, later)
        refresh_rollup(later)
        db.session.commit()
        for code, client in people.items():
            check(client, get_tenant(code).id, later)
        # each national viewer reads only its own figures; a daerah none
        for code, some in (("32.75", False), (KEMENDAGRI, True)):
            with tenant_scope(get_tenant(code).id):
                mine = db.session.execute(
                    text_sql("select distinct viewer_tenant_id from viewer_rollup")
                ).scalars()
                assert list(mine) == ([get_tenant(code).id] if some else [])
            db.session.commit()
    finally:
        app.extensions.pop("sikd_clock", None)


def select_coops(ids: list[int]):
    from sqlalchemy import select

    from sikd.cooperations.models import Cooperation

    return select(Cooperation).where(Cooperation.id.in_(ids))
