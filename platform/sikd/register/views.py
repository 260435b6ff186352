"""Pages of the register: export (CSV, XLSX) with the register page's filters, and the import of
legacy cooperation (upload → map columns and preview → job with progress)."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_login import current_user, login_required

from sikd.core import clock
from sikd.core.errors import AppError
from sikd.core.extensions import db
from sikd.register import importing, table_views
from sikd.register.columns import IMPORT_FIELDS, REQUIRED
from sikd.register.export import XLSX, chunks, csv_lines, iter_register, register_xlsx
from sikd.register.models import ImportStatus
from sikd.web.panels import detail_panel
from sikd.web.query_args import whole_number

bp = Blueprint(
    "register",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/register/static",
)

table_views.init(bp)


def register_args() -> dict[str, Any]:
    """The register page's filters (``/kerja-sama?…``), read the same way."""
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
    return args


def _filename(ext: str) -> str:
    return f"daftar-kerja-sama-{clock.now():%Y%m%d}.{ext}"


@bp.route("/kerja-sama/ekspor.csv")
@login_required
def export_csv():
    lines = stream_with_context(csv_lines(iter_register(register_args())))
    return Response(
        lines,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{_filename("csv")}"'},
    )


@bp.route("/kerja-sama/ekspor.xlsx")
@login_required
def export_xlsx():
    spool = register_xlsx(iter_register(register_args()))
    return Response(
        chunks(spool),
        mimetype=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{_filename("xlsx")}"'},
    )


@bp.route("/kerja-sama/impor", methods=["GET", "POST"])
@login_required
def import_upload():
    importing.may_import(current_user)
    if request.method == "POST":
        file = request.files.get("berkas")
        if file is None or not file.filename:
            raise AppError(
                "file_required",
                "Pilih berkas XLSX atau CSV berisi kerja sama lama, lalu unggah.",
                field_errors={"berkas": ["Belum ada berkas."]},
            )
        imp = importing.upload(current_user, file.filename, file.read())
        return redirect(url_for("register.import_map", import_id=imp.id))
    return render_template("register/import_upload.html", fields=IMPORT_FIELDS, required=REQUIRED)


def _mapping_from_form(headers: list[str]) -> dict[str, str]:
    mapping = {}
    for key in IMPORT_FIELDS:
        header = request.form.get(f"kolom_{key}", "")
        if header and header in headers:
            mapping[key] = header
    return mapping


@bp.route("/kerja-sama/impor/<int:import_id>", methods=["GET", "POST"])
@login_required
def import_map(import_id: int):
    importing.may_import(current_user)
    imp = importing.get_import(import_id, current_user.tenant_id)
    if imp.status != ImportStatus.UPLOADED:
        return redirect(url_for("register.import_progress", import_id=imp.id))
    mapping = dict(imp.mapping)
    if request.method == "POST":
        mapping = _mapping_from_form(imp.headers)
        if request.form.get("langkah") == "impor":
            importing.confirm(current_user, imp, mapping)
            return redirect(url_for("register.import_progress", import_id=imp.id))
        imp.mapping = mapping
        db.session.commit()
    result = importing.preview(imp, current_user.tenant, mapping)
    return render_template(
        "register/import_map.html",
        imp=imp,
        mapping=mapping,
        fields=IMPORT_FIELDS,
        required=REQUIRED,
        result=result,
    )


def progress_of(imp) -> dict[str, Any]:
    return {
        "status": imp.status,
        "total": imp.total,
        "done": imp.done,
        "created": imp.created,
        "skipped": imp.skipped,
        "failed": imp.failed,
        "percent": int(100 * imp.done / imp.total) if imp.total else 100,
    }


@bp.route("/kerja-sama/impor/<int:import_id>/kemajuan")
@login_required
def import_progress(import_id: int):
    imp = importing.get_import(import_id, current_user.tenant_id)
    if request.args.get("format") == "json":
        return progress_of(imp)
    return render_template(
        "register/import_progress.html",
        imp=imp,
        progress=progress_of(imp),
        running=imp.status in (ImportStatus.QUEUED, ImportStatus.RUNNING),
    )


@bp.route("/kerja-sama/tidak-aktif")
@login_required
def dormant_list():
    """Dormant cooperation, per daerah (a provinsi or the centre sees every daerah it may)."""
    from sikd.register.dormant import by_daerah, dormant_cases, months

    cases = dormant_cases()
    return render_template(
        "register/dormant.html", groups=by_daerah(cases), total=len(cases), months=months()
    )


@bp.route("/pengaturan/daftar-publik", methods=["GET", "POST"])
@login_required
def public_settings():
    """Which fields of this daerah's cooperation the public register shows."""
    from sikd.register.public import PUBLIC_FIELDS, hidden_fields_of, set_hidden_fields

    if request.method == "POST":
        hidden = [f for f in PUBLIC_FIELDS if request.form.get(f"tampil_{f}") != "1"]
        set_hidden_fields(current_user, hidden)
        flash("Pengaturan daftar publik disimpan.", "success")
        return redirect(url_for("register.public_settings"))
    return render_template(
        "register/public_settings.html",
        fields=PUBLIC_FIELDS,
        hidden=set(hidden_fields_of(current_user.tenant_id)),
    )


@bp.route("/kerja-sama/dasbor")
@login_required
def dashboard_page():
    """Pictures of the register for the caller's level, each with its table."""
    from sikd.register.dashboard import dashboard

    return render_template("register/dashboard.html", **dashboard(current_user))


@bp.route("/kerja-sama/peta")
@login_required
def map_page():
    """Indonesia by provinsi and the world by partner country, each region into its register;
    ``ukuran`` chooses what colours the provinsi (count, overdue share, dormant share)."""
    from sikd.core.i18n import country_name
    from sikd.register import maps
    from sikd.register.dashboard import map_counts

    rows, countries = map_counts(current_user)
    return render_template(
        "register/maps.html",
        indonesia=maps.indonesia(
            rows,
            lambda codes: url_for("cooperation_pages.register", provinsi=",".join(codes)),
            request.args.get("ukuran", "jumlah"),
        ),
        world=maps.world(
            countries, lambda code: url_for("cooperation_pages.register", partner_country=code)
        ),
        rows=rows,
        shape_of=maps.shape_of_provinsi(),
        countries=sorted(
            ((country_name(c) or c, c, n) for c, n in countries.items()), key=lambda r: -r[2]
        ),
    )


@detail_panel
def budget_panel(coop) -> dict[str, Any]:
    """Cost and benefit on the cooperation's page."""
    from sikd.register.budget import budgets_of, may_record
    from sikd.register.models import BUDGET_SOURCES

    return {
        "budget_panel": {
            "rows": budgets_of(coop),
            "sources": BUDGET_SOURCES,
            "may_record": may_record(current_user, coop),
            "this_year": clock.now().year,
        }
    }


@bp.post("/kerja-sama/<int:coop_id>/biaya")
@login_required
def record_budget_view(coop_id: int):
    from sikd.cooperations.access import get_visible
    from sikd.register.budget import record_budget

    coop = get_visible(coop_id)
    record_budget(current_user, coop, request.form.to_dict())
    flash("Biaya dan manfaat dicatat.", "success")
    return redirect(url_for("cooperation_pages.detail", coop_id=coop.id) + "#biaya")
