"""A daerah's variant edited in the product: draft → check → propose → publish (second person).

A draft is a variant document (FORMAT.md patch shape) in ``variant_drafts``. Every save runs
the same validation as the shipped files (:func:`check_variant`: ``merge_variant`` with the
override policy, onto national and the provinsi layer in force) and returns its errors in words.
The tenant admin proposes it with an effective date; the Kepala Daerah — never the proposer —
publishes it as a ``RulebookVersion``: new cooperations from that date start under it, running
ones keep the version they pinned. Every step is audited.
"""

from __future__ import annotations

import copy
import hashlib
import io
from datetime import date
from typing import Any

import yaml
from sqlalchemy import select

from sikd.accounts.models import User
from sikd.audit import services as audit
from sikd.core import clock
from sikd.core.errors import AppError, NotFound
from sikd.core.extensions import db
from sikd.rules.layers import (
    PUBLISHED,
    Layer,
    chain_tenants,
    layer_of,
    merge_layers,
    merge_onto,
)
from sikd.rules.loader import MergedRulebook, RulebookInvalid, RuleError
from sikd.rules.models import RulebookVersion, VariantDraft
from sikd.rules.versions import current_rulebook_version
from sikd.rules.wording import in_words
from sikd.tenancy.models import Tenant

OPEN = ("draft", "proposed")
EDITOR_ROLES = ("tenant_admin",)
APPROVER_ROLES = ("kepala_daerah",)


def _daerah(user: User) -> Tenant:
    if not user.tenant.is_daerah:
        raise AppError(
            "not_a_daerah", "Aturan daerah hanya disusun oleh pemerintah daerah.", status=403
        )
    return user.tenant


def _editor(user: User) -> Tenant:
    tenant = _daerah(user)
    if not user.has_role(*EDITOR_ROLES):
        raise AppError(
            "role_not_allowed",
            "Hanya administrator instansi yang dapat menyusun dan mengajukan aturan daerah.",
            status=403,
        )
    return tenant


def upper_layers(tenant: Tenant, on: date) -> list[Layer]:
    """The layers above the tenant's own (its provinsi's, for a kab/kota) in force on ``on``."""
    return [layer for t in chain_tenants(tenant)[:-1] if (layer := layer_of(t, on)) is not None]


def base_for(tenant: Tenant, on: date) -> MergedRulebook:
    """National + the provinsi layer: what the tenant's own variant is merged onto."""
    return merge_layers(f"{tenant.code}:base", upper_layers(tenant, on))


def check_variant(
    tenant: Tenant, variant: dict[str, Any], on: date | None = None
) -> tuple[MergedRulebook | None, list[RuleError], MergedRulebook]:
    """The merged rulebook and every error, exactly as a file in the tenant's place would get."""
    on = on or clock.now().date()
    base = base_for(tenant, on)
    layer = Layer(tenant.code, f"Varian {tenant.name}", variant, "draft")
    try:
        merged, errors = merge_onto(base, layer)
    except RulebookInvalid as exc:  # pragma: no cover - merge_variant returns its errors
        return None, exc.errors, base
    if errors:
        return None, errors, base
    merged.tenant_code = tenant.code
    merged.data["id"] = tenant.code
    return merged, [], base


def skeleton(tenant: Tenant) -> dict[str, Any]:
    """An empty variant; ``extends`` names the provinsi only when it has rules of its own."""
    above = upper_layers(tenant, clock.now().date())
    return {
        "id": tenant.code,
        "extends": above[-1].code if above else "national",
        "title": f"Aturan {tenant.name}",
        "regulations": {},
    }


def own_variant(tenant: Tenant, on: date | None = None) -> dict[str, Any] | None:
    layer = layer_of(tenant, on or clock.now().date())
    return copy.deepcopy(layer.variant) if layer is not None else None


def open_draft(tenant: Tenant) -> VariantDraft | None:
    return db.session.scalar(
        select(VariantDraft)
        .where(VariantDraft.tenant_id == tenant.id, VariantDraft.status.in_(OPEN))
        .order_by(VariantDraft.id.desc())
        .limit(1)
    )


def _audit(user: User, draft: VariantDraft, action: str, summary: str, **data: Any) -> None:
    audit.record(
        tenant_id=draft.tenant_id,
        action=action,
        object_type="variant_draft",
        object_id=draft.id,
        summary=summary,
        at=clock.now(),
        actor=user,
        data=data,
    )


def start_draft(user: User, variant: dict[str, Any] | None = None) -> VariantDraft:
    """The tenant's open draft, or a new one from ``variant`` / its rules in force / nothing."""
    tenant = _editor(user)
    draft = open_draft(tenant)
    if draft is not None and variant is None:
        return draft
    start = variant or own_variant(tenant) or skeleton(tenant)
    start = {**copy.deepcopy(start), "id": tenant.code, "extends": skeleton(tenant)["extends"]}
    if draft is None:
        draft = VariantDraft(tenant_id=tenant.id, status="draft", created_by=user.id)
        db.session.add(draft)
    draft.variant, draft.status, draft.updated_by = start, "draft", user.id
    draft.updated_at = clock.now()
    db.session.flush()
    _audit(user, draft, "rules.draft_started", f"Draf aturan daerah {tenant.name} dibuka")
    db.session.commit()
    return draft


def draft_of(user: User) -> VariantDraft:
    draft = open_draft(_daerah(user))
    if draft is None:
        raise NotFound(None, "Belum ada draf aturan daerah. Mulai draf dari aturan yang berlaku.")
    return draft


def save_variant(user: User, variant: dict[str, Any], *, refuse_new_errors: bool) -> dict:
    """Store ``variant`` as the draft; with ``refuse_new_errors`` (a form's change) a change that
    adds an error is refused and nothing is stored. Returns the check of what is stored."""
    tenant = _editor(user)
    draft = draft_of(user)
    if draft.status != "draft":
        raise AppError(
            "draft_proposed",
            "Draf sedang diajukan kepada Kepala Daerah; minta dikembalikan dahulu untuk mengubahnya.",
            status=409,
        )
    merged, errors, base = check_variant(tenant, variant)
    if refuse_new_errors:
        _, before, _ = check_variant(tenant, draft.variant)
        new = [e for e in errors if (e.path, e.reason) not in {(b.path, b.reason) for b in before}]
        if new:
            raise AppError(
                "variant_refused",
                "Perubahan ditolak: " + " ".join(e.reason for e in new),
                field_errors={w["where"]: [w["message"]] for w in in_words(new, base.data)},
            )
    draft.variant, draft.updated_by, draft.updated_at = variant, user.id, clock.now()
    _audit(
        user,
        draft,
        "rules.draft_saved",
        f"Draf aturan daerah {tenant.name} disimpan ({len(errors)} masalah)",
        errors=len(errors),
    )
    db.session.commit()
    return report(tenant, draft)


def report(tenant: Tenant, draft: VariantDraft) -> dict[str, Any]:
    on = draft.effective_from or clock.now().date()
    merged, errors, base = check_variant(tenant, draft.variant, on)
    layers = [{"code": "national", "name": "Aturan nasional", "origin": "file"}] + [
        {"code": la.code, "name": la.name, "origin": la.origin} for la in upper_layers(tenant, on)
    ]
    return {
        "id": draft.id,
        "layers": [*layers, {"code": tenant.code, "name": tenant.name, "origin": "draft"}],
        "status": draft.status,
        "effective_from": draft.effective_from.isoformat() if draft.effective_from else None,
        "basis_document": draft.basis_document,
        "variant": draft.variant,
        "valid": not errors,
        "errors": in_words(errors, base.data),
        "content_hash": merged.content_hash if merged else None,
        "changes": [c.description for c in merged.changes if c.source == tenant.code]
        if merged
        else [],
    }


def attach_basis_document(user: User, filename: str, content: bytes) -> dict[str, Any]:
    """The regulation's own PDF (Perwal/Pergub), stored once and cited by the draft."""
    from sikd.core.storage import get_storage

    tenant = _editor(user)
    draft = draft_of(user)
    if not content.startswith(b"%PDF"):
        raise AppError(
            "not_a_pdf",
            "Unggah naskah peraturan dalam bentuk PDF.",
            field_errors={"file": ["Bukan berkas PDF."]},
        )
    sha = hashlib.sha256(content).hexdigest()
    key = f"aturan/{tenant.code}/{sha}.pdf"
    get_storage().put_stream(key, io.BytesIO(content), "application/pdf")
    draft.basis_document = {
        "key": key,
        "filename": filename or "peraturan.pdf",
        "sha256": sha,
        "size": len(content),
    }
    _audit(user, draft, "rules.basis_document", f"Naskah peraturan {filename} diunggah", sha256=sha)
    db.session.commit()
    return draft.basis_document


def propose(user: User, effective_from: date) -> VariantDraft:
    tenant = _editor(user)
    draft = draft_of(user)
    if effective_from < clock.now().date():
        raise AppError(
            "invalid_input",
            "Tanggal berlaku tidak boleh di masa lalu.",
            field_errors={"effective_from": ["Pilih hari ini atau sesudahnya."]},
        )
    if not draft.basis_document:
        raise AppError(
            "basis_document_missing",
            "Unggah dahulu naskah Perwal/Pergub (PDF) yang menjadi dasar perubahan ini.",
        )
    merged, errors, base = check_variant(tenant, draft.variant, effective_from)
    if errors:
        raise AppError(
            "variant_refused",
            "Draf belum dapat diajukan; perbaiki setiap butir yang disebutkan.",
            field_errors={w["where"]: [w["message"]] for w in in_words(errors, base.data)},
        )
    draft.status, draft.effective_from = "proposed", effective_from
    draft.proposed_by, draft.proposed_at = user.id, clock.now()
    _audit(
        user,
        draft,
        "rules.variant_proposed",
        f"Aturan daerah {tenant.name} diajukan, berlaku {effective_from.isoformat()}",
        hash=merged.content_hash,
    )
    db.session.commit()
    return draft


def _approver(user: User, draft: VariantDraft) -> None:
    if not user.has_role(*APPROVER_ROLES):
        raise AppError(
            "role_not_allowed",
            "Aturan daerah ditetapkan oleh Kepala Daerah; minta Kepala Daerah menerbitkannya.",
            status=403,
        )
    if draft.proposed_by == user.id:
        raise AppError(
            "second_person_required",
            "Pengusul tidak dapat menerbitkan usulannya sendiri; penerbitan oleh orang kedua.",
            status=403,
        )


def publish(user: User) -> RulebookVersion:
    tenant = _daerah(user)
    draft = draft_of(user)
    _approver(user, draft)
    if draft.status != "proposed" or draft.effective_from is None:
        raise AppError("not_proposed", "Draf ini belum diajukan oleh administrator instansi.")
    when = max(draft.effective_from, clock.now().date())
    merged, errors, base = check_variant(tenant, draft.variant, when)
    if errors:
        raise AppError(
            "variant_refused",
            "Draf tidak lagi sesuai aturan di atasnya; kembalikan kepada administrator.",
            field_errors={w["where"]: [w["message"]] for w in in_words(errors, base.data)},
        )
    previous = current_rulebook_version(tenant, draft.effective_from)
    version = RulebookVersion(
        tenant_id=tenant.id,
        content_hash=merged.content_hash,
        rulebook=merged.as_dict(),
        source=PUBLISHED,
        variant_yaml=dump_variant(draft.variant),
        effective_from=draft.effective_from,
        created_by=draft.proposed_by,
    )
    db.session.add(version)
    db.session.flush()
    draft.status, draft.approved_by, draft.approved_at = "published", user.id, clock.now()
    draft.rulebook_version_id, draft.previous_hash = version.id, previous.content_hash
    _audit(
        user,
        draft,
        "rules.variant_published",
        f"Aturan daerah {tenant.name} diterbitkan, berlaku {draft.effective_from.isoformat()}",
        hash=merged.content_hash,
        previous=previous.content_hash,
        proposed_by=draft.proposed_by,
        changes=[c.description for c in merged.changes if c.source == tenant.code],
    )
    db.session.commit()
    return version


def send_back(user: User, reason: str) -> VariantDraft:
    _daerah(user)
    draft = draft_of(user)
    if not (user.has_role(*APPROVER_ROLES) or user.id == draft.proposed_by):
        raise AppError("role_not_allowed", "Hanya Kepala Daerah atau pengusul.", status=403)
    if not (reason or "").strip():
        raise AppError("reason_required", "Tuliskan alasan pengembalian.")
    draft.status = "draft"
    _audit(user, draft, "rules.variant_returned", f"Usulan dikembalikan: {reason.strip()}")
    db.session.commit()
    return draft


def dump_variant(variant: dict[str, Any]) -> str:
    return yaml.safe_dump(variant, allow_unicode=True, sort_keys=False, width=100)


def apply_edit(user: User, op: str, p: dict[str, Any]) -> dict[str, Any]:
    """One form's change to the draft (``op`` names the form); refused when it breaks a rule."""
    from sikd.rules import edits

    tenant = _editor(user)
    v = draft_of(user).variant
    base = base_for(tenant, clock.now().date())
    pid, sid, basis = str(p.get("process") or ""), str(p.get("stage") or ""), _dict(p.get("basis"))
    fields = [_dict(f) for f in p.get("fields") or ()] if isinstance(p.get("fields"), list) else []
    types = [str(t) for t in p.get("types") or ()] if isinstance(p.get("types"), list) else []
    ops = {
        "regulation": lambda: edits.set_regulation(v, p.get("key"), p.get("label")),
        "tighten_deadline": lambda: edits.tighten_deadline(
            v, base, pid, sid, p.get("amount"), p.get("unit"), basis
        ),
        "add_reminder": lambda: edits.add_reminder(
            v, pid, sid, p.get("before"), p.get("unit"), basis
        ),
        "add_document_kind": lambda: edits.add_document_kind(
            v, p.get("code"), p.get("label"), fields, basis
        ),
        "add_field": lambda: edits.add_field(v, p.get("kind"), _dict(p.get("field")), basis),
        "require_document": lambda: edits.require_document(v, pid, sid, p.get("kind"), basis),
        "add_persyarat": lambda: edits.add_persyarat(
            v, p.get("code"), p.get("label"), types, basis
        ),
        "add_stage": lambda: edits.add_stage(
            v, base, pid, str(p.get("after") or ""), {**_dict(p.get("stage")), "basis": basis}
        ),
    }
    if op not in ops:
        raise AppError("unknown_edit", f"Perubahan {op!r} tidak dikenal.", status=404)
    try:
        changed = ops[op]()
    except edits.EditError as exc:
        raise AppError("invalid_input", str(exc), field_errors={exc.field: [str(exc)]}) from exc
    return save_variant(user, changed, refuse_new_errors=True)


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
