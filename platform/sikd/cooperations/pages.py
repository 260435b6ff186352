"""What the cooperation pages share: the blueprint, list rows with what is left of each
deadline, and the context of the detail page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Blueprint, g
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from sikd.cooperations.access import actor_level, get_visible
from sikd.cooperations.actions import available_actions
from sikd.cooperations.models import ACTIVE_STATUSES, Cooperation
from sikd.cooperations.prefill import document_prefill
from sikd.cooperations.queries import timeline
from sikd.cooperations.state import rules_of
from sikd.core import clock
from sikd.core.errors import NotFound, render_error
from sikd.core.plain import plain_basis
from sikd.deadlines.models import DeadlineStatus
from sikd.routing.services import last_direct_route
from sikd.web.filters import sisa, tanggal
from sikd.web.panels import detail_panels_context
from sikd.workflow.roles import role_label
from sikd.workflow.rulebook import Rulebook

bp = Blueprint("cooperation_pages", __name__, template_folder="templates")


def visible_or_none(coop_id: int) -> Cooperation | None:
    try:
        return get_visible(coop_id)
    except NotFound:
        return None


def not_found_page():
    return render_error(
        404,
        "Kerja sama ini tidak ada atau tidak dapat Anda lihat dari instansi Anda. "
        "Cari di Daftar Kerja Sama atau kembali ke Kotak Masuk.",
    )


@dataclass(frozen=True)
class Due:
    """The next deadline of a row as the lists show it (kept on the cooperation row)."""

    due_at: datetime
    unit: str | None


@dataclass(frozen=True)
class Waiting:
    """Who acts next, as every list row and the detail page say it:
    ``Menunggu: <who> <where> — <task>``, from the facts kept on the cooperation row."""

    who: str  # the roles, "atau"-joined; empty when only a deadline runs
    where: str  # the tenant (or the partner) that holds it
    task: str  # the stage, in words
    mine: bool  # one of the signed-in user's roles acts now

    @property
    def text(self) -> str:
        head = f"{self.who}, {self.where}" if self.who else self.where
        return f"Menunggu: {head} — {self.task}"


def waiting_of(coop: Cooperation, user: Any = None) -> Waiting | None:
    """None once the cooperation has ended (selesai or ditolak)."""
    if coop.status not in ACTIVE_STATUSES:
        return None
    task = coop.stage_label or coop.stage
    if coop.holder_level == "partner" and coop.partner_tenant_id is None:
        task = f"{task} (mencatat jawaban {coop.partner_name})"
    roles = list(coop.holder_roles or ())
    who = " atau ".join(role_label(r) for r in roles)
    mine = bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.tenant_id == coop.holder_tenant_id
        and set(roles) & set(user.roles)
    )
    return Waiting(who, coop.holder_tenant.name, task, mine)


def _row(coop: Cooperation, now: datetime, user: Any = None) -> dict[str, Any]:
    deadline = Due(coop.next_due_at, coop.next_due_unit) if coop.next_due_at else None
    return {
        "coop": coop,
        "stage_label": coop.stage_label or coop.stage,
        "waiting": waiting_of(coop, user),
        "deadline": deadline,
        "sisa": sisa(
            deadline.due_at if deadline else None,
            deadline.unit if deadline else None,
            coop.tenant.timezone,
            now,
        ),
    }


def rows_of(coops: list[Cooperation]) -> list[dict[str, Any]]:
    """List rows from the cooperation rows alone (no query per row, no rulebook)."""
    now = clock.now()
    user = current_user._get_current_object()  # the proxy resolves the user on every access
    return [_row(c, now, user) for c in coops]


PAGE_SIZE = 50


def pager(total: int, page: int, per_page: int = PAGE_SIZE) -> dict[str, int]:
    """``{"page", "pages", "total"}`` for a list paged by ``?halaman=``."""
    pages = max((total + per_page - 1) // per_page, 1)
    return {"page": min(page, pages), "pages": pages, "total": total}


def routed_direct_notice(coop: Cooperation) -> str | None:
    """For the Gubernur's office: the submission already went to Kemendagri on its own."""
    if actor_level(current_user.tenant, coop) != "provinsi" or coop.holder_level == "provinsi":
        return None
    hop = last_direct_route(coop.id, coop.tenant_id)
    if hop is None:
        return None
    return (
        f"Pengajuan ini sudah diajukan langsung ke Kementerian Dalam Negeri pada "
        f"{tanggal(hop.acted_at)} karena tidak diteruskan dalam 5 hari "
        f"({plain_basis(hop.basis)}). "
        "Anda tetap dapat melihat perkembangannya, tetapi tidak perlu meneruskannya lagi."
    )


def _stage_path(rules: Rulebook, coop: Cooperation, visited: set[str]) -> list[dict[str, Any]]:
    return [
        {
            "id": stage["id"],
            "label": stage.get("label", stage["id"]),
            "current": stage["id"] == coop.stage,
            "visited": stage["id"] in visited,
            "level": stage.get("level", "own"),
        }
        for stage in rules.stages(coop.process)
    ]


def verifier_summary(rules: Rulebook, coop: Cooperation) -> dict[str, Any]:
    """What a verifier checks, at the top of the detail page: the persyaratan that apply to
    the jenis, each met (declared by the pemrakarsa) or not, with its basis; cost and benefit."""
    items = [
        {
            "label": p.get("label", p["code"]),
            "met": p["code"] in (coop.persyaratan or ()),
            "basis": plain_basis(rules.cite(p.get("basis") or "")),
        }
        for p in rules.data.get("persyaratan") or ()
        if coop.type in (p.get("types") or [coop.type])
    ]
    return {
        "persyaratan": items,
        "unmet": sum(1 for i in items if not i["met"]),
        "cost": coop.estimated_cost,
        "benefit": coop.benefit_note,
    }


# What the new-prakarsa form already asked, offered again where an action asks for it
# (asked once: the user only confirms it).
ORIGIN_AS_INPUT = {
    "daerah": "pemerintah_daerah",
    "mitra_luar_negeri": "mitra_luar_negeri",
    "melalui_kemendagri": "melalui_menteri",
    "melalui_kemlu": "melalui_menteri",
}


def known_inputs(coop: Cooperation) -> dict[str, Any]:
    known = {
        "asal_prakarsa": ORIGIN_AS_INPUT.get(coop.prakarsa_origin),
        "rujukan_pemetaan": coop.pemetaan_ref,
        "tanggal_mulai_berlaku": coop.term_start.isoformat() if coop.term_start else None,
        "tanggal_berakhir": coop.term_end.isoformat() if coop.term_end else None,
    }
    return {k: v for k, v in known.items() if v}


# flask.g key: the deadlines the detail page read for its history, while its panels are built
# (the monitoring panel takes its open schedule rows from them instead of asking again).
_PAGE_DEADLINES = "sikd_detail_deadlines"


def detail_deadlines(coop: Cooperation) -> list[Any] | None:
    """Every deadline of the cooperation (its owner's rows, by due date) when the detail page
    of this cooperation is being built, else None."""
    return (g.get(_PAGE_DEADLINES) or {}).get(coop.id)


def _panels(coop: Cooperation, deadlines: list[Any]) -> dict[str, Any]:
    setattr(g, _PAGE_DEADLINES, {coop.id: deadlines})
    try:
        return detail_panels_context(coop)
    finally:
        g.pop(_PAGE_DEADLINES, None)


def detail_context(coop: Cooperation, **extra: Any) -> dict[str, Any]:
    rules = rules_of(coop)
    data = timeline(coop)
    actions = available_actions(current_user, coop)
    missing: list[str] = []
    for info in actions:
        for kind in info.missing_documents:
            if kind not in missing:
                missing.append(kind)
    visited = {e.to_stage for e in data["events"]}
    current_deadline = next(
        (d for d in data["deadlines"] if d.status == DeadlineStatus.OPEN and d.stage == coop.stage),
        None,
    )

    def label(stage: str | None) -> str:
        return rules.label_of(coop.process, stage) if stage else ""

    return {
        "coop": coop,
        "rulebook": rules.data,
        "stage_label": label(coop.stage),
        "waiting": waiting_of(coop, current_user),
        "verifier": verifier_summary(rules, coop),
        "label": label,
        "action_label": lambda st, a: rules.action_label(coop.process, st, a),
        "cite": lambda text: plain_basis(rules.cite(text)),
        "events": data["events"],
        "hops": data["hops"],
        "deadlines": data["deadlines"],
        "decisions": data["decisions"],
        "current_deadline": current_deadline,
        "actions": actions,
        "kinds": rules.document_kinds(),
        "missing_kinds": missing,
        "documents": [],
        "can_upload": False,
        "stage_path": _stage_path(rules, coop, visited),
        "direct_notice": routed_direct_notice(coop),
        "objek_labels": {o["code"]: o.get("label", o["code"]) for o in rules.objek()},
        "now": clock.now(),
        "action_errors": {},
        "action_values": {},
        "known_inputs": known_inputs(coop),
        "open_action": None,
        "upload_errors": {},
        "action_doc_errors": {},
        "prefill": document_prefill(
            coop,
            rules.document_kinds(),
            {o["code"]: o.get("label", o["code"]) for o in rules.objek()},
        ),
        "upload_values": MultiDict(),
        "upload_kind": None,
        "top_error": None,
        **_panels(coop, data["deadlines"]),
        **extra,
    }
