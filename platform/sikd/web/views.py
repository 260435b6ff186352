"""The officials' web pages: server-rendered, Indonesian, every change through the service layer.

Each page loads objects in the caller's tenant scope (RLS underneath), checks the role it
needs, and hands state changes to :mod:`sikd.cooperations.services` or the shared upload in
:mod:`sikd.api.documents`. A refusal is shown on the same page, next to the field it concerns,
with what the user typed kept.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import case, func, select
from sqlalchemy.orm import aliased, selectinload
from werkzeug.datastructures import MultiDict

from sikd import clock
from sikd.accounts.models import User
from sikd.workflow.roles import ROLES
from sikd.api.cooperations import filtered_cooperations
from sikd.api.documents import UPLOAD_ROLES, send_version, store_upload
from sikd.cooperations import services as svc
from sikd.cooperations.models import (
    Cooperation,
    Deadline,
    RoutingHop,
    RulebookVersion,
)
from sikd.documents.contents import ContentsRefused
from sikd.documents.models import Document
from sikd.documents.services import DocumentNotFound, DocumentRefused
from sikd.documents.validation import UploadRefused
from sikd.extensions import db
from sikd.storage import StorageUnavailable
from sikd.tenancy.models import Tenant
from sikd.web import forms
from sikd.web.errors import render_error
from sikd.web.filters import (
    COUNTRIES,
    PARTNER_KINDS,
    PRAKARSA_ORIGINS,
    STATUS_LABELS,
    SUBTYPE_LABELS,
    TYPE_LABELS,
    register_filters,
    sisa,
)

bp = Blueprint("web", __name__)
register_filters(bp)

CREATOR_ROLES = ("opd", "tkksd", "kepala_daerah")
NATIONAL_ROLES = ("sekjen_verifier", "sekjen_leader")
DOMESTIC_FACTS = [
    (
        "membebani_masyarakat",
        "Kerja sama membebani masyarakat dan/atau daerah (perlu persetujuan DPRD)",
        ("KSDD", "KSDPK"),
    ),
    (
        "belum_dianggarkan",
        "Belum dianggarkan dalam APBD tahun anggaran berjalan (perlu persetujuan DPRD)",
        ("KSDD", "KSDPK"),
    ),
    (
        "beberapa_calon_mitra",
        "Ada beberapa calon mitra yang perlu dinilai tim seleksi",
        ("KSDPK",),
    ),
]


def merged_rulebook(code: str):
    """The tenant's merged rulebook from ``tenants/rules`` (the rules package keeps it parsed
    until a file changes); the pages only read it. Cooperations use their pinned one."""
    from sikd.rules import effective_rulebook

    return effective_rulebook(code)


def roles_required(*roles: str) -> Callable:
    """The page is for these roles; anyone else gets a 403 page that says whom to ask."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any):
            if not current_user.has_role(*roles):
                needed = ", ".join(ROLES[r].label for r in roles if r in ROLES)
                return render_error(
                    403,
                    f"Halaman ini untuk peran {needed}. Minta administrator instansi Anda "
                    "menambahkan peran itu bila Anda memerlukannya, atau kembali ke Kotak Masuk.",
                )
            return view(*args, **kwargs)

        return login_required(wrapper)

    return decorator


@bp.app_context_processor
def _navigation() -> dict[str, Any]:
    if not getattr(current_user, "is_authenticated", False):
        return {"nav_items": []}
    items = [("web.home", "Kotak Masuk"), ("web.register", "Daftar Kerja Sama")]
    if current_user.tenant.is_daerah and current_user.has_role(*CREATOR_ROLES):
        items.append(("web.create", "Prakarsa Baru"))
    if current_user.has_role("gubernur_verifier"):
        items.append(("web.gubernur_queue", "Antrean Gubernur"))
    if current_user.has_role(*NATIONAL_ROLES):
        items.append(("web.national", "Pantauan Nasional"))
    if current_user.has_role("kemlu_reviewer"):
        items.append(("web.kemlu_queue", "Antrean Kemlu"))
    items.append(("web.rules", "Aturan"))
    if current_user.has_role("tenant_admin"):
        items.append(("web.users", "Pengguna"))
    items.append(("web.notifications", "Notifikasi"))
    return {"nav_items": items}


# --- helpers shared by the pages ------------------------------------------------------------


def _visible(coop_id: int) -> Cooperation | None:
    try:
        return svc.get_visible(coop_id)
    except svc.NotFound:
        return None


def _not_found():
    return render_error(
        404,
        "Kerja sama ini tidak ada atau tidak dapat Anda lihat dari instansi Anda. "
        "Cari di Daftar Kerja Sama atau kembali ke Kotak Masuk.",
    )


def _preload_rulebooks(coops: Iterable[Cooperation]) -> None:
    """One query for the rulebooks of a list of cooperations (instead of one each)."""
    ids = {c.rulebook_version_id for c in coops}
    if ids:
        db.session.scalars(select(RulebookVersion).where(RulebookVersion.id.in_(ids))).all()


def _current_deadlines(coops: list[Cooperation]) -> dict[int, Deadline]:
    """The earliest open deadline of each cooperation's current stage."""
    if not coops:
        return {}
    rows = db.session.scalars(
        select(Deadline)
        .where(
            Deadline.cooperation_id.in_([c.id for c in coops]),
            Deadline.status == "open",
        )
        .order_by(Deadline.due_at)
    ).all()
    stage_of = {c.id: c.stage for c in coops}
    out: dict[int, Deadline] = {}
    for row in rows:
        if row.stage == stage_of.get(row.cooperation_id) and row.cooperation_id not in out:
            out[row.cooperation_id] = row
    return out


def _row(coop: Cooperation, deadline: Deadline | None, now=None) -> dict[str, Any]:
    rulebook = svc.rulebook_of(coop)
    return {
        "coop": coop,
        "stage_label": svc.stage_label(rulebook, coop.process, coop.stage),
        "deadline": deadline,
        "sisa": sisa(
            deadline.due_at if deadline else None,
            (deadline.spec or {}).get("unit") if deadline else None,
            coop.tenant.timezone,
            now,
        ),
    }


def _rows(coops: list[Cooperation]) -> list[dict[str, Any]]:
    _preload_rulebooks(coops)
    deadlines = _current_deadlines(coops)
    now = clock.now()
    return [_row(c, deadlines.get(c.id), now) for c in coops]


def _action_label(rulebook: dict, process: str, stage_id: str | None, action_id: str | None) -> str:
    if not action_id:
        return ""
    for stage in rulebook["processes"][process]["stages"]:
        if stage["id"] == stage_id:
            for action in stage.get("actions") or ():
                if action["id"] == action_id:
                    return action.get("label", action_id)
    return action_id


def _routed_direct_notice(coop: Cooperation) -> str | None:
    """For the Gubernur's office: the submission already went to Kemendagri on its own."""
    if svc.actor_level(current_user.tenant, coop) != "provinsi" or coop.holder_level == "provinsi":
        return None
    hop = db.session.scalar(
        select(RoutingHop)
        .where(
            RoutingHop.cooperation_id == coop.id,
            RoutingHop.level == "provinsi",
            RoutingHop.outcome == "routed_directly",
        )
        .order_by(RoutingHop.received_at.desc())
        .limit(1)
    )
    if hop is None:
        return None
    from sikd.web.filters import tanggal

    return (
        f"Pengajuan ini sudah diajukan langsung ke Kementerian Dalam Negeri pada "
        f"{tanggal(hop.acted_at)} karena tidak diteruskan dalam 5 hari ({hop.basis}). "
        "Anda tetap dapat melihat perkembangannya, tetapi tidak perlu meneruskannya lagi."
    )


def _can_upload(coop: Cooperation) -> bool:
    level = svc.actor_level(current_user.tenant, coop)
    if level is None or not UPLOAD_ROLES.get(level, set()) & set(current_user.roles):
        return False
    return level == "own" or coop.holder_level == level


def _stage_path(rulebook: dict, coop: Cooperation, visited: set[str]) -> list[dict[str, Any]]:
    out = []
    for stage in rulebook["processes"][coop.process]["stages"]:
        sid = stage["id"]
        out.append(
            {
                "id": sid,
                "label": stage.get("label", sid),
                "current": sid == coop.stage,
                "visited": sid in visited,
                "level": stage.get("level", "own"),
            }
        )
    return out


def _detail_context(coop: Cooperation, **extra: Any) -> dict[str, Any]:
    rulebook = svc.rulebook_of(coop)
    data = svc.timeline(coop)
    actions = svc.available_actions(current_user, coop)
    documents = db.session.scalars(
        select(Document)
        .where(Document.cooperation_id == coop.id)
        .options(selectinload(Document.versions))
        .order_by(Document.created_at, Document.id)
    ).all()
    kinds = rulebook.get("document_kinds") or {}
    missing: list[str] = []
    for info in actions:
        for kind in info.missing_documents:
            if kind not in missing:
                missing.append(kind)
    visited = {e.to_stage for e in data["events"]}
    current_deadline = next(
        (d for d in data["deadlines"] if d.status == "open" and d.stage == coop.stage), None
    )

    def label(stage: str | None) -> str:
        return svc.stage_label(rulebook, coop.process, stage) if stage else ""

    return {
        "coop": coop,
        "rulebook": rulebook,
        "stage_label": label(coop.stage),
        "label": label,
        "action_label": lambda st, a: _action_label(rulebook, coop.process, st, a),
        "cite": lambda text: svc.cite(rulebook, text),
        "events": data["events"],
        "hops": data["hops"],
        "deadlines": data["deadlines"],
        "decisions": data["decisions"],
        "current_deadline": current_deadline,
        "actions": actions,
        "documents": documents,
        "kinds": kinds,
        "missing_kinds": missing,
        "can_upload": _can_upload(coop),
        "stage_path": _stage_path(rulebook, coop, visited),
        "direct_notice": _routed_direct_notice(coop),
        "objek_labels": {o["code"]: o.get("label", o["code"]) for o in rulebook.get("objek") or ()},
        "now": clock.now(),
        "action_errors": {},
        "action_values": {},
        "open_action": None,
        "upload_errors": {},
        "upload_values": MultiDict(),
        "upload_kind": None,
        "top_error": None,
        **extra,
    }


# --- Kotak Masuk ------------------------------------------------------------------------------


@bp.route("/")
def index():
    if current_user.is_authenticated:
        return redirect(url_for("web.home"))
    return redirect(url_for("accounts.login"))


@bp.route("/beranda")
@login_required
def home():
    """Kotak Masuk: what waits for me, overdue first, with what is left of each deadline."""
    items = svc.inbox(current_user)
    rows = _rows([i["cooperation"] for i in items])
    rows.sort(key=lambda r: (r["deadline"] is None, r["deadline"].due_at if r["deadline"] else 0))
    return render_template("web/inbox.html", rows=rows, tenant=current_user.tenant)


# --- Daftar Kerja Sama ----------------------------------------------------------------------


def _register_args() -> dict[str, Any]:
    args: dict[str, Any] = {}
    for key in ("type", "stage", "partner_country", "status", "q", "tenant", "provinsi", "flag"):
        value = (request.args.get(key) or "").strip()
        if value:
            args[key] = value
    year = request.args.get("year", type=int)
    if year:
        args["year"] = year
    if request.args.get("overdue") == "1":
        args["overdue"] = True
    args["page"] = max(request.args.get("page", 1, type=int) or 1, 1)
    args["per_page"] = 25
    return args


def _stage_choices() -> list[tuple[str, str]]:
    code = current_user.tenant.code if current_user.tenant.is_daerah else "national"
    rulebook = merged_rulebook(code).data
    seen: dict[str, str] = {}
    for proc in rulebook["processes"].values():
        for stage in proc["stages"]:
            seen.setdefault(stage["id"], stage.get("label", stage["id"]))
    return sorted(seen.items(), key=lambda kv: kv[1])


@bp.route("/kerja-sama")
@login_required
def register():
    args = _register_args()
    coops, total = filtered_cooperations(args)
    pages = max((total + args["per_page"] - 1) // args["per_page"], 1)
    return render_template(
        "web/register.html",
        rows=_rows(coops),
        total=total,
        args=args,
        page=args["page"],
        pages=pages,
        stage_choices=_stage_choices(),
        type_labels=TYPE_LABELS,
        status_labels=STATUS_LABELS,
        countries=COUNTRIES,
        query=request.args.to_dict(),
        this_year=clock.now().year,
    )


# --- Detail, actions and uploads -------------------------------------------------------------


@bp.route("/kerja-sama/<int:coop_id>")
@login_required
def detail(coop_id: int):
    coop = _visible(coop_id)
    if coop is None:
        return _not_found()
    return render_template("web/detail.html", **_detail_context(coop))


@bp.post("/kerja-sama/<int:coop_id>/tindakan/<action>")
@login_required
def act(coop_id: int, action: str):
    coop = _visible(coop_id)
    if coop is None:
        return _not_found()
    info = next((a for a in svc.available_actions(current_user, coop) if a.id == action), None)
    values = forms.action_inputs(info.inputs if info else (), request.form)
    expected = request.form.get("expected_version", type=int)
    back = request.form.get("kembali", "")
    try:
        coop = svc.perform_action(current_user, coop_id, action, values, expected)
    except svc.NotFound:
        db.session.rollback()
        return _not_found()
    except svc.CooperationError as exc:
        db.session.rollback()
        coop = _visible(coop_id)
        if coop is None:
            return _not_found()
        return _render_refusal(coop, action, exc, back)
    label = info.label if info else action
    rulebook = svc.rulebook_of(coop)
    flash(
        f"Tindakan «{label}» tercatat. Tahap sekarang: "
        f"{svc.stage_label(rulebook, coop.process, coop.stage)} ({coop.holder_tenant.name}).",
        "success",
    )
    if back == "gubernur":
        return redirect(url_for("web.gubernur_queue"))
    if back == "kemlu":
        return redirect(url_for("web.kemlu_queue"))
    return redirect(url_for("web.detail", coop_id=coop.id))


def _refusal_text(coop: Cooperation, exc: svc.CooperationError) -> tuple[str, str]:
    """(title, message) for a refusal; a stale form of a Gubernur whose submission already went
    direct is told that, rather than only that the data changed."""
    if exc.status == 409:
        notice = _routed_direct_notice(coop)
        if notice and exc.code in ("stale_state", "already_routed_directly", "wrong_level"):
            return "Sudah diajukan langsung", notice
        return "Data sudah berubah", exc.message
    if exc.status == 403:
        return "Tindakan tidak diizinkan untuk peran Anda", exc.message
    return "Tindakan belum dapat dilakukan", exc.message


def _render_refusal(coop: Cooperation, action: str, exc: svc.CooperationError, back: str):
    title, message = _refusal_text(coop, exc)
    top = {"title": title, "message": message, "status": exc.status, "missing": exc.missing}
    values = request.form
    if back == "gubernur":
        return _gubernur_page(
            row_errors={coop.id: {"action": action, "top": top, "form": values, "exc": exc}},
            status=exc.status,
        )
    ctx = _detail_context(
        coop,
        top_error=top,
        action_errors={action: exc.field_errors},
        action_values={action: values},
        open_action=action,
    )
    return render_template("web/detail.html", **ctx), exc.status


@bp.post("/kerja-sama/<int:coop_id>/dokumen")
@login_required
def upload(coop_id: int):
    coop = _visible(coop_id)
    if coop is None:
        return _not_found()
    kinds = svc.rulebook_of(coop).get("document_kinds") or {}
    kind = request.form.get("kind", "")
    contents = forms.document_fields(kinds.get(kind) or {}, request.form)
    document_id = request.form.get("document_id", type=int)
    fileobj = request.files.get("berkas")
    status, message, errors = 201, "", {}
    if fileobj is None or not fileobj.filename:
        status, message = 422, "Pilih berkas dokumen yang akan diunggah."
        errors = {"berkas": ["Pilih berkas (PDF, DOCX, XLSX, ODT, JPEG, atau PNG)."]}
    else:
        try:
            version = store_upload(
                current_user,
                coop,
                kind,
                fileobj.stream,
                fileobj.filename,
                contents,
                document_id,
            )
        except svc.CooperationError as exc:
            status, message, errors = exc.status, exc.message, dict(exc.field_errors)
        except ContentsRefused as exc:
            status, message, errors = 422, exc.message, dict(exc.errors)
        except (UploadRefused, DocumentRefused) as exc:
            status, message, errors = 422, exc.message, {"berkas": [exc.message]}
        except StorageUnavailable as exc:
            status, message = 503, str(exc)
        except DocumentNotFound as exc:
            status, message = 404, str(exc)
        if status != 201:
            db.session.rollback()
    if status != 201:
        coop = _visible(coop_id)
        if coop is None:
            return _not_found()
        if errors.get("berkas") is None and fileobj is not None and fileobj.filename:
            message += " Pilih berkasnya lagi sebelum mengirim ulang."
        ctx = _detail_context(
            coop,
            top_error={
                "title": "Dokumen belum tersimpan",
                "message": message,
                "status": status,
                "missing": (),
            },
            upload_errors=errors,
            upload_values=request.form,
            upload_kind=(kind, document_id),
        )
        return render_template("web/detail.html", **ctx), status
    label = (kinds.get(kind) or {}).get("label", kind)
    flash(f"{label} versi {version.number} tersimpan ({version.filename}).", "success")
    anchor = request.form.get("kembali_ke", "dokumen")
    return redirect(url_for("web.detail", coop_id=coop.id) + f"#{anchor}")


@bp.route("/dokumen/<int:doc_id>/versi/<int:version_id>/unduh")
@login_required
def download(doc_id: int, version_id: int):
    response = send_version(doc_id, version_id)
    if isinstance(response, tuple):  # a refusal from the shared download (JSON); show a page
        body, status = response
        message = (body.get_json(silent=True) or {}).get("message")
        return render_error(status, message)
    return response


# --- Create wizard -------------------------------------------------------------------------


def _creator_rulebook() -> dict[str, Any]:
    return merged_rulebook(current_user.tenant.code).data


def _create_page(form: forms.CreateForm, top_error: str | None = None, status: int = 200):
    rulebook = _creator_rulebook()
    from sikd.rules.schemas import COOPERATION_SUBTYPES

    return render_template(
        "web/create.html",
        f=form,
        top_error=top_error,
        rulebook=rulebook,
        type_labels=TYPE_LABELS,
        subtypes={
            t: [(s, SUBTYPE_LABELS.get(s, s)) for s in subs]
            for t, subs in COOPERATION_SUBTYPES.items()
        },
        partner_kinds=PARTNER_KINDS,
        origins=PRAKARSA_ORIGINS,
        facts=DOMESTIC_FACTS,
        countries=COUNTRIES,
    ), status


@bp.route("/kerja-sama/baru", methods=["GET", "POST"])
@roles_required(*CREATOR_ROLES)
def create():
    if not current_user.tenant.is_daerah:
        return render_error(
            403, "Hanya pemerintah daerah yang dapat memprakarsai kerja sama daerah."
        )
    if request.method == "GET":
        initial = MultiDict({"type": request.args.get("jenis", ""), "prakarsa_origin": "daerah"})
        return _create_page(forms.CreateForm(initial))
    form, data = forms.read_create_form(request.form, _creator_rulebook())
    if form.errors:
        return _create_page(
            form, "Ada isian yang belum lengkap. Perbaiki yang ditandai merah lalu kirim lagi.", 422
        )
    try:
        coop = svc.create_cooperation(current_user, data)
    except svc.CooperationError as exc:
        db.session.rollback()
        for name, messages in exc.field_errors.items():
            for message in messages:
                form.error(name, message)
        return _create_page(form, exc.message, exc.status if exc.status != 422 else 422)
    flash(
        f"Prakarsa {coop.number} tercatat. Langkah berikutnya ada di bagian «Tindakan» di bawah.",
        "success",
    )
    return redirect(url_for("web.detail", coop_id=coop.id))


# --- Gubernur, Kemendagri, Kemlu --------------------------------------------------------------


def _gubernur_page(row_errors: dict[int, dict] | None = None, status: int = 200):
    items = [i for i in svc.inbox(current_user) if i["cooperation"].holder_level == "provinsi"]
    rows = _rows([i["cooperation"] for i in items])
    rows.sort(key=lambda r: (r["deadline"] is None, r["deadline"].due_at if r["deadline"] else 0))
    for row in rows:
        actions = {a.id: a for a in svc.available_actions(current_user, row["coop"])}
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
            select(Cooperation).where(Cooperation.id.in_([h.cooperation_id for h in direct]))
        )
    }
    row_errors = row_errors or {}
    # a refusal about a submission that has left the queue is still shown, at the top
    orphan_errors = [e for cid, e in row_errors.items() if cid not in {r["coop"].id for r in rows}]
    return render_template(
        "web/gubernur.html",
        rows=rows,
        direct=[(h, direct_coops.get(h.cooperation_id)) for h in direct],
        row_errors=row_errors,
        orphan_errors=orphan_errors,
    ), status


@bp.route("/gubernur")
@roles_required("gubernur_verifier")
def gubernur_queue():
    return _gubernur_page()


@bp.route("/nasional")
@roles_required(*NATIONAL_ROLES)
def national():
    now = clock.now()
    owner = aliased(Tenant)
    overdue = (
        select(Deadline.id)
        .where(
            Deadline.cooperation_id == Cooperation.id,
            Deadline.status == "open",
            Deadline.stage == Cooperation.stage,
            Deadline.due_at < now,
        )
        .exists()
    )
    provinsi_id = func.coalesce(owner.parent_id, owner.id)
    running = Cooperation.status == "berjalan"
    by_provinsi = db.session.execute(
        select(
            provinsi_id,
            func.count(Cooperation.id),
            func.sum(case((running, 1), else_=0)),
            func.sum(case((running & overdue, 1), else_=0)),
            func.sum(case((Cooperation.flags.contains(["dormant"]), 1), else_=0)),
        )
        .join(owner, owner.id == Cooperation.tenant_id)
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
        .where(running)
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
        label = svc.stage_label(rulebook, process, stage) if rulebook else stage
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
    inbox_rows = _rows([i["cooperation"] for i in svc.inbox(current_user)])
    return render_template(
        "web/national.html",
        provinsi_rows=provinsi_rows,
        stage_rows=sorted(stages.values(), key=lambda s: (-s["overdue"], -s["total"])),
        overdue_rows=_rows(overdue_coops),
        overdue_total=overdue_total,
        totals=totals,
        inbox_rows=inbox_rows,
    )


@bp.route("/kemlu")
@roles_required("kemlu_reviewer")
def kemlu_queue():
    items = svc.inbox(current_user)
    rows = _rows([i["cooperation"] for i in items])
    rows.sort(key=lambda r: (r["deadline"] is None, r["deadline"].due_at if r["deadline"] else 0))
    seen, _ = filtered_cooperations({"page": 1, "per_page": 50})
    return render_template(
        "web/kemlu.html",
        rows=rows,
        seen_rows=_rows([c for c in seen if c.id not in {r["coop"].id for r in rows}]),
    )


# --- Aturan ------------------------------------------------------------------------------------


@bp.route("/aturan")
@login_required
def rules():
    tenant = current_user.tenant
    merged = merged_rulebook(tenant.code)
    data = merged.data
    titles = {"national": "Nasional"}
    if len(merged.chain) > 1:
        titles[merged.chain[-1]] = data.get("title") or merged.chain[-1]
    processes = []
    for pid, proc in data["processes"].items():
        stages = []
        for stage in proc["stages"]:
            key = f"processes.{pid}.stages.{stage['id']}"
            raw_deadline = stage.get("deadline")
            deadlines = (
                []
                if not raw_deadline
                else [raw_deadline]
                if isinstance(raw_deadline, dict)
                else list(raw_deadline)
            )
            stage_source = merged.source_of(key)
            deadline_source = merged.source_of(key + ".deadline") if deadlines else "national"
            docs_source = merged.source_of(key + ".requires_documents")
            stages.append(
                {
                    "stage": stage,
                    "source": stage_source,
                    "deadlines": deadlines,
                    "deadline_source": deadline_source,
                    "docs_source": docs_source,
                    "local": any(
                        s != "national" for s in (stage_source, deadline_source, docs_source)
                    ),
                }
            )
        processes.append({"id": pid, "proc": proc, "stages": stages})
    kinds = []
    for code, kind in (data.get("document_kinds") or {}).items():
        fields = [
            (f, merged.source_of(f"document_kinds.{code}.fields.{f['name']}"))
            for f in kind.get("fields") or ()
        ]
        kinds.append(
            {
                "code": code,
                "kind": kind,
                "fields": fields,
                "source": merged.source_of(f"document_kinds.{code}"),
            }
        )
    return render_template(
        "web/rules.html",
        merged=merged,
        data=data,
        processes=processes,
        kinds=kinds,
        titles=titles,
        basis=merged.render_basis,
        tenant=tenant,
    )


# --- Tenant admin ------------------------------------------------------------------------------


def _assignable_roles() -> list:
    tenant = current_user.tenant
    return [
        role
        for role in ROLES.values()
        if role.allowed_on(tenant.kind, tenant.code)
        and (role.code != "platform_operator" or current_user.has_role("platform_operator"))
    ]


@bp.route("/admin/pengguna", methods=["GET", "POST"])
@roles_required("tenant_admin")
def users():
    from sikd.accounts.services import AccountError, create_user, generate_password

    errors: dict[str, list[str]] = {}
    values = MultiDict()
    created = None
    generated = None
    status = 200
    if request.method == "POST":
        values = MultiDict(request.form)
        password = values.get("password", "")
        if not password:
            password = generated = generate_password()
        try:
            created = create_user(
                current_user.tenant,
                values.get("email", ""),
                values.getlist("roles"),
                password,
                full_name=values.get("full_name", "").strip() or None,
                unit=values.get("unit", "").strip() or None,
                actor=current_user,
            )
        except AccountError as exc:
            db.session.rollback()
            errors.setdefault(exc.field or "email", []).append(exc.message)
            generated, status = None, 422
        else:
            values = MultiDict()
    people = db.session.scalars(
        select(User).where(User.tenant_id == current_user.tenant_id).order_by(User.full_name)
    ).all()
    return render_template(
        "web/users.html",
        people=people,
        roles=_assignable_roles(),
        values=values,
        errors=errors,
        created=created,
        generated=generated,
    ), status


# --- Notifikasi ----------------------------------------------------------------------------------


@bp.route("/notifikasi")
@login_required
def notifications():
    return render_template("web/notifications.html", items=svc.notifications_for(current_user))


@bp.route("/notifikasi/dibaca", methods=["POST"])
@login_required
def notifications_read():
    count = svc.mark_notifications_read(current_user)
    flash(f"{count} notifikasi ditandai sudah dibaca.", "info")
    return redirect(url_for("web.notifications"))
