"""The rule editor (Indonesian forms, no YAML), the comparison, the history, the gallery and
Kemendagri's overview. Every form calls one service of :mod:`sikd.rules.drafts`; a refusal is
shown with the stage and rule it is about, in words."""

from __future__ import annotations

from typing import Any

from flask import Response, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from sikd.core import clock
from sikd.core.errors import AppError
from sikd.rules import drafts, overview, sharing
from sikd.rules.layers import effective_for
from sikd.rules.loader import MergedRulebook
from sikd.rules.meaning import deadlines_of
from sikd.rules.views import bp
from sikd.rules.vocabulary import UNITS
from sikd.tenancy.services import get_tenant
from sikd.workflow.roles import ROLES

UNIT_LABELS = {"hari": "hari", "hari_kerja": "hari kerja", "bulan": "bulan", "tahun": "tahun"}


def _layer_names(tenant, report: dict[str, Any]) -> dict[str, str]:
    names = {"national": "Nasional"}
    for layer in report["layers"][1:]:
        names[layer["code"]] = (
            "Daerah sendiri" if layer["code"] == tenant.code else f"Provinsi ({layer['name']})"
        )
    return names


def _stages(merged: MergedRulebook, pid: str, names: dict[str, str]) -> list[dict[str, Any]]:
    rows = []
    for stage in merged.data["processes"][pid]["stages"]:
        key = f"processes.{pid}.stages.{stage['id']}"
        deadlines = deadlines_of(stage)
        src = merged.source_of(key)
        dl_src = merged.source_of(key + ".deadline") if deadlines else src
        ministry = stage.get("level") in ("kemendagri", "kemlu")
        rows.append(
            {
                "stage": stage,
                "source": names.get(src, src),
                "deadline_source": names.get(dl_src, dl_src),
                "deadlines": deadlines,
                "locked": bool(stage.get("locked")) or ministry,
                "one_deadline": len(deadlines) == 1 and not deadlines[0].get("locked"),
                "docs_source": names.get(
                    merged.source_of(key + ".requires_documents"),
                    merged.source_of(key + ".requires_documents"),
                ),
            }
        )
    return rows


@bp.route("/aturan/ubah")
@login_required
def editor():
    tenant = current_user.tenant
    if not tenant.is_daerah:
        return redirect(url_for("rule_pages.national_overview"))
    draft = drafts.open_draft(tenant)
    if draft is None:
        return render_template("rules/editor_start.html", tenant=tenant)
    report = drafts.report(tenant, draft)
    merged, _, base = drafts.check_variant(tenant, draft.variant)
    shown = merged or base
    pid = request.args.get("proses") or "luar_negeri"
    if pid not in shown.data["processes"]:
        pid = "luar_negeri"
    names = _layer_names(tenant, report)
    return render_template(
        "rules/editor.html",
        tenant=tenant,
        report=report,
        data=shown.data,
        pid=pid,
        stages=_stages(shown, pid, names),
        regulations=draft.variant.get("regulations") or {},
        units=[(u, UNIT_LABELS[u]) for u in UNITS],
        roles=[(r.code, r.label) for r in ROLES.values() if r.allowed_on("kota", "x")],
        basis=shown.render_basis,
        may_edit=current_user.has_role(*drafts.EDITOR_ROLES),
        may_publish=current_user.has_role(*drafts.APPROVER_ROLES),
        today=clock.now().date(),
    )


def _basis() -> dict[str, str]:
    return {
        "regulation": request.form.get("basis_regulation", ""),
        "pasal": request.form.get("basis_pasal", ""),
        "ayat": request.form.get("basis_ayat", ""),
    }


def _form_params(op: str) -> dict[str, Any]:
    f = request.form
    params: dict[str, Any] = {k: v for k, v in f.items() if not k.startswith("basis_")}
    params["basis"] = _basis()
    if op == "add_document_kind":
        params["fields"] = [
            {
                "name": f.get(f"field_name_{i}", ""),
                "label": f.get(f"field_label_{i}", ""),
                "type": f.get(f"field_type_{i}", "text"),
                "required": bool(f.get(f"field_required_{i}")),
            }
            for i in range(3)
        ]
    if op == "add_field":
        params["field"] = {
            "name": f.get("field_name", ""),
            "label": f.get("field_label", ""),
            "type": f.get("field_type", "text"),
            "required": bool(f.get("field_required")),
        }
    if op == "add_persyarat":
        params["types"] = f.getlist("types")
    if op == "add_stage":
        params["stage"] = {
            "id": f.get("id"),
            "label": f.get("label"),
            "roles": f.getlist("roles"),
            "requires_documents": f.getlist("requires_documents"),
            "deadline_amount": f.get("deadline_amount"),
            "deadline_unit": f.get("deadline_unit"),
        }
    return params


def _flash_error(exc: AppError) -> None:
    flash(exc.message, "danger")
    for where, messages in (exc.field_errors or {}).items():
        for m in messages:
            flash(f"{where}: {m}", "warning")


@bp.route("/aturan/ubah/<op>", methods=["POST"])
@login_required
def editor_post(op: str):
    back = url_for("rule_pages.editor", proses=request.form.get("process") or None)
    try:
        if op == "mulai":
            drafts.start_draft(current_user)
        elif op == "berkas":
            upload = request.files.get("file")
            if upload is None or not upload.filename:
                raise AppError("invalid_input", "Pilih berkas PDF peraturan.")
            drafts.attach_basis_document(current_user, upload.filename, upload.read())
        elif op == "ajukan":
            drafts.propose(current_user, _date(request.form.get("effective_from")))
        elif op == "terbitkan":
            drafts.publish(current_user)
            flash("Aturan daerah diterbitkan. Kerja sama baru mengikuti sejak tanggal berlakunya.")
            return redirect(url_for("rule_pages.history_page"))
        elif op == "kembalikan":
            drafts.send_back(current_user, request.form.get("reason", ""))
        elif op == "impor":
            sharing.import_yaml(current_user, request.form.get("yaml", ""))
        elif op == "templat":
            tenant = get_tenant(request.form.get("code", ""))
            if tenant is None:
                raise AppError("not_found", "Daerah tidak ditemukan.", status=404)
            sharing.import_yaml(current_user, sharing.export_yaml(tenant))
        else:
            drafts.apply_edit(current_user, op, _form_params(op))
    except AppError as exc:
        if exc.status in (403, 404):  # not allowed, or no such form: the refusal page
            raise
        _flash_error(exc)
        return redirect(back)
    flash("Perubahan tersimpan dan telah diperiksa.", "success")
    return redirect(back)


def _date(value):
    from datetime import date

    try:
        return date.fromisoformat(str(value or ""))
    except ValueError:
        raise AppError("invalid_input", "Isi tanggal mulai berlaku (TTTT-BB-HH).") from None


@bp.route("/aturan/banding")
@login_required
def compare():
    """Side by side: national, the version in force, and the draft, stage by stage."""
    tenant = current_user.tenant
    draft = drafts.open_draft(tenant)
    from sikd.rules.loader import effective_rulebook

    national = effective_rulebook("national")
    current, _ = effective_for(tenant, clock.now().date())
    merged = drafts.check_variant(tenant, draft.variant)[0] if draft is not None else None
    pid = request.args.get("proses") or "luar_negeri"
    columns = [("Nasional", national), ("Berlaku sekarang", current)]
    if merged is not None:
        columns.append(("Draf", merged))
    ids: list[str] = []
    for _, mb in columns:
        for s in mb.data["processes"][pid]["stages"]:
            if s["id"] not in ids:
                ids.append(s["id"])
    rows = []
    for sid in ids:
        cells = []
        for _, mb in columns:
            stage = next((s for s in mb.data["processes"][pid]["stages"] if s["id"] == sid), None)
            cells.append(stage)
        rows.append({"id": sid, "cells": cells, "differs": len({repr(c) for c in cells}) > 1})
    return render_template(
        "rules/compare.html",
        tenant=tenant,
        columns=[c[0] for c in columns],
        rows=rows,
        pid=pid,
        processes=national.data["processes"],
        kinds=(merged or current).data["document_kinds"],
        basis=(merged or current).render_basis,
        draft_missing=draft is None,
    )


@bp.route("/aturan/riwayat")
@login_required
def history_page():
    return render_template(
        "rules/history.html",
        tenant=current_user.tenant,
        versions=sharing.history(current_user.tenant),
    )


@bp.route("/aturan/galeri")
@login_required
def gallery_page():
    return render_template(
        "rules/gallery.html",
        tenant=current_user.tenant,
        templates=overview.gallery(exclude=current_user.tenant),
        may_edit=current_user.has_role(*drafts.EDITOR_ROLES) and current_user.tenant.is_daerah,
    )


@bp.route("/aturan/ekspor")
@login_required
def export_page():
    text = sharing.export_yaml(current_user.tenant)
    return Response(
        text,
        mimetype="application/yaml",
        headers={"Content-Disposition": f'attachment; filename="{current_user.tenant.code}.yaml"'},
    )


@bp.route("/aturan/ikhtisar")
@login_required
def national_overview():
    if current_user.tenant.code != "KEMENDAGRI":
        raise AppError(
            "forbidden", "Ikhtisar aturan daerah nasional hanya untuk Kemendagri.", status=403
        )
    return render_template("rules/overview.html", view=overview.national_overview())
