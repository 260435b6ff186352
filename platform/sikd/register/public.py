"""The public register (no login): the active and ended cooperation of every daerah, like the
Kemlu treaty database — title, partner and country, type, objek, term, status; searchable and
filterable, a page per cooperation.

What leaves the building is decided here, column by column: the query selects only the public
columns (never documents, notes, decisions, history or people), and each tenant may keep any of
those fields off (``register_public_settings``). Reading across tenants is explicit
(``system_scope``). Pages are cached in Redis for a short while (the cache generation moves when
a tenant changes its settings) and rate-limited per address."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, render_template, request
from sqlalchemy import or_, select

from sikd.audit import services as audit
from sikd.cooperations.models import Cooperation, CooperationStatus
from sikd.cooperations.queries import publicly_listed
from sikd.core import clock
from sikd.core.errors import AppError, NotFound
from sikd.core.extensions import db, limiter
from sikd.core.i18n import country_name
from sikd.register.models import PublicSettings
from sikd.tenancy.models import Tenant
from sikd.tenancy.scope import scoped, system_scope
from sikd.web.filters import STATUS_LABELS, TYPE_LABELS
from sikd.web.panels import public_panels_context
from sikd.web.public_cache import cached_page, public_changed, public_limit
from sikd.web.query_args import page_number

bp = Blueprint("public_register", __name__, template_folder="templates")

# The fields a tenant may publish (all on by default) and their labels.
PUBLIC_FIELDS = {
    "judul": "Judul",
    "mitra": "Mitra",
    "negara": "Negara mitra",
    "jenis": "Jenis",
    "objek": "Objek",
    "jangka_waktu": "Jangka waktu",
    "status": "Status",
}
PAGE = 50


def _columns():
    return (
        Cooperation.id,
        Cooperation.tenant_id,
        Cooperation.number,
        Cooperation.title,
        Cooperation.partner_name,
        Cooperation.partner_country,
        Cooperation.type,
        Cooperation.objek,
        Cooperation.term_start,
        Cooperation.term_end,
        Cooperation.status,
        Tenant.name.label("daerah"),
        Tenant.code.label("kode_daerah"),
    )


def _public_query():
    """Signed cooperation (its term recorded), running or ended; never refused ones."""
    return (
        select(*_columns())
        .join(Tenant, Tenant.id == Cooperation.tenant_id)
        .where(publicly_listed())
    )


def _hidden() -> dict[int, set[str]]:
    return {s.tenant_id: set(s.hidden_fields) for s in db.session.scalars(select(PublicSettings))}


def _shown(row, hidden: dict[int, set[str]]) -> dict[str, Any]:
    off = hidden.get(row.tenant_id, set())
    out: dict[str, Any] = {"id": row.id, "nomor": row.number, "daerah": row.daerah}
    values = {
        "judul": row.title,
        "mitra": row.partner_name,
        "negara": country_name(row.partner_country) if row.partner_country else "",
        "jenis": TYPE_LABELS.get(row.type, row.type),
        "objek": ", ".join(row.objek or []),
        "jangka_waktu": (row.term_start, row.term_end),
        "status": STATUS_LABELS.get(row.status, row.status),
    }
    for key, value in values.items():
        out[key] = None if key in off else value
    return out


def _filtered(args) -> Any:
    query = _public_query()
    if q := (args.get("q") or "").strip():
        like = f"%{q}%"
        query = query.where(
            or_(Cooperation.title.ilike(like), Cooperation.partner_name.ilike(like))
        )
    if (t := args.get("jenis")) in TYPE_LABELS:
        query = query.where(Cooperation.type == t)
    if (c := (args.get("negara") or "").strip().upper()) and len(c) == 2:
        query = query.where(Cooperation.partner_country == c)
    if (s := args.get("status")) in (CooperationStatus.BERJALAN, CooperationStatus.SELESAI):
        query = query.where(Cooperation.status == s)
    if d := (args.get("daerah") or "").strip():
        query = query.where(Tenant.code == d)
    return query


def _hidden_search_leak(rows, hidden, q: str) -> list:
    """A search must not find a cooperation by a field its tenant keeps private."""
    if not q:
        return rows
    q = q.lower()
    keep = []
    for r in rows:
        off = hidden.get(r.tenant_id, set())
        matches = [
            ("judul", r.title),
            ("mitra", r.partner_name),
        ]
        if any(q in (v or "").lower() for k, v in matches if k not in off):
            keep.append(r)
    return keep


@bp.route("/publik/kerja-sama")
@limiter.limit(public_limit)
def public_list():
    def render() -> str:
        page = page_number()
        with system_scope():
            hidden = _hidden()
            query = _filtered(request.args).order_by(
                Cooperation.term_start.desc(), Cooperation.id.desc()
            )
            rows = db.session.execute(query.offset((page - 1) * PAGE).limit(PAGE + 1)).all()
            rows = _hidden_search_leak(rows, hidden, (request.args.get("q") or "").strip())
            items = [_shown(r, hidden) for r in rows[:PAGE]]
            daerah = db.session.execute(
                select(Tenant.code, Tenant.name)
                .where(Tenant.id.in_(_public_query().with_only_columns(Cooperation.tenant_id)))
                .order_by(Tenant.name)
            ).all()
        return render_template(
            "register/public_list.html",
            items=items,
            more=len(rows) > PAGE,
            page=page,
            args=request.args,
            type_labels=TYPE_LABELS,
            daerah=daerah,
        )

    return cached_page(render)


@bp.route("/publik/kerja-sama/<int:coop_id>")
@limiter.limit(public_limit)
def public_detail(coop_id: int):
    def render() -> str:
        with system_scope():
            row = db.session.execute(_public_query().where(Cooperation.id == coop_id)).first()
            if row is None:
                raise NotFound(
                    "not_found",
                    "Kerja sama ini tidak ada di daftar publik (hanya kerja sama yang sudah "
                    "ditandatangani yang diumumkan).",
                )
            item = _shown(row, _hidden())
            published = public_panels_context(coop_id)
        return render_template(
            "register/public_detail.html", item=item, fields=PUBLIC_FIELDS, **published
        )

    return cached_page(render)


def set_hidden_fields(user, hidden: list[str], now: datetime | None = None) -> PublicSettings:
    """A tenant chooses which fields stay off the public register (audited; cache moves)."""
    if not user.has_role("tenant_admin", "tkksd"):
        raise AppError(
            "role_not_allowed",
            "Pengaturan daftar publik diubah oleh TKKSD atau Administrator Instansi.",
            status=403,
        )
    unknown = [f for f in hidden if f not in PUBLIC_FIELDS]
    if unknown:
        raise AppError(
            "invalid_input",
            "Isian yang dipilih tidak dikenal: " + ", ".join(unknown) + ".",
            field_errors={"tersembunyi": unknown},
        )
    now = now or clock.now()
    settings = db.session.scalar(scoped(PublicSettings, user.tenant_id))
    if settings is None:
        settings = PublicSettings(tenant_id=user.tenant_id, hidden_fields=[], updated_at=now)
        db.session.add(settings)
    before = list(settings.hidden_fields)
    settings.hidden_fields, settings.updated_at = sorted(set(hidden)), now
    audit.record(
        tenant_id=user.tenant_id,
        action="register.public_fields",
        object_type="register_public_settings",
        object_id=user.tenant_id,
        summary="Isian daftar publik yang disembunyikan: "
        + (", ".join(PUBLIC_FIELDS[f] for f in settings.hidden_fields) or "tidak ada"),
        at=now,
        actor=user,
        data={"before": before, "after": settings.hidden_fields},
    )
    db.session.commit()
    public_changed()
    return settings


def hidden_fields_of(tenant_id: int) -> list[str]:
    settings = db.session.scalar(scoped(PublicSettings, tenant_id))
    return list(settings.hidden_fields) if settings else []
