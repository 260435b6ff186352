"""Export of the dashboards' tables and of the supervision reports, as CSV or XLSX, with the
page's filters and the page's access rules (:mod:`sikd.register.tables`)."""

from __future__ import annotations

from flask import Response, request, stream_with_context
from flask_login import current_user, login_required

from sikd.core import clock
from sikd.register import tables
from sikd.register.export import XLSX, chunks, table_csv_lines, write_xlsx_sheets


def _csv(sections, name: str) -> Response:
    return Response(
        stream_with_context(table_csv_lines(sections)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


def _xlsx(sections, name: str) -> Response:
    return Response(
        chunks(write_xlsx_sheets(sections)),
        mimetype=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
    )


def _dashboard():
    key = (request.args.get("tabel") or "").strip() or None
    name = f"dasbor-{key or 'semua'}-{clock.now():%Y%m%d}"
    return tables.dashboard_sections(current_user, key), name


def dashboard_csv():
    """The dashboard's tables (``tabel=`` one of them), one after another."""
    return _csv(*_dashboard())


def dashboard_xlsx():
    """The dashboard's tables, a sheet each (``tabel=`` one of them)."""
    return _xlsx(*_dashboard())


def _draft():
    year = request.args.get("tahun", type=int) or clock.now().year
    phase = (request.args.get("tahap") or "").strip() or None
    return tables.draft_sections(current_user, year, phase), f"laporan-pengawasan-{year}"


def supervision_draft_csv():
    """The periodic report as it stands (Gubernur, Kemendagri), ``tahun`` and ``tahap``."""
    return _csv(*_draft())


def supervision_draft_xlsx():
    return _xlsx(*_draft())


def _report(report_id: int):
    report = tables.report_of(current_user, report_id)
    return tables.report_sections(report), f"laporan-pengawasan-{report.year}-{report.id}"


def supervision_report_csv(report_id: int):
    """A report sent (or received) as it was sent."""
    return _csv(*_report(report_id))


def supervision_report_xlsx(report_id: int):
    return _xlsx(*_report(report_id))


def init(bp) -> None:
    """Add these pages to the register's blueprint (called by :mod:`sikd.register.views`)."""
    for rule, view in (
        ("/kerja-sama/dasbor/ekspor.csv", dashboard_csv),
        ("/kerja-sama/dasbor/ekspor.xlsx", dashboard_xlsx),
        ("/pengawasan/laporan/ekspor.csv", supervision_draft_csv),
        ("/pengawasan/laporan/ekspor.xlsx", supervision_draft_xlsx),
        ("/pengawasan/laporan/<int:report_id>/ekspor.csv", supervision_report_csv),
        ("/pengawasan/laporan/<int:report_id>/ekspor.xlsx", supervision_report_xlsx),
    ):
        bp.add_url_rule(rule, view_func=login_required(view))
