"""Aturan: the rules in force for the signed-in tenant, each with its source and legal basis."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from sikd.core import clock
from sikd.core.plain import plain_basis
from sikd.rules.layers import effective_for
from sikd.rules.loader import MergedRulebook

bp = Blueprint("rule_pages", __name__, template_folder="templates")


def merged_rulebook(tenant) -> MergedRulebook:
    """The tenant's merged rulebook in force today: national, the provinsi's and its own
    published variants or files (kept parsed by the rules package). Cooperations use their
    pinned one."""
    return effective_for(tenant, clock.now().date())[0]


@bp.route("/aturan")
@login_required
def rules():
    tenant = current_user.tenant
    merged = merged_rulebook(tenant)
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
        "rules/rules.html",
        merged=merged,
        data=data,
        processes=processes,
        kinds=kinds,
        titles=titles,
        basis=lambda text: plain_basis(merged.render_basis(text)),
        tenant=tenant,
    )
