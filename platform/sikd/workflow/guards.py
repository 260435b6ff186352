"""The checks before an action is taken, in the engine's order; each failure is a Refusal.

Order (first failure wins): stale version, terminal, unknown action, level, role, action
``when``, reason, required inputs, input types, documents, required electronic signatures. The system actor may only take an
action named by a ``deemed_approved``/``route_direct`` deadline of the stage.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .conditions import condition_failures
from .inputs import REASON_INPUT, blank, clean_inputs, input_specs, reason_required
from .roles import role_label
from .rulebook import LEVEL_PHRASES, Rulebook, cite_basis
from .transitions import SYSTEM_EXPIRIES, deadline_specs, missing_documents, needed_documents
from .types import Actor, CooperationState, DeadlineSpec, Refusal, SignatureFact


def stale(state: CooperationState, expected_version: int | None) -> Refusal | None:
    if expected_version is None or expected_version == state.version:
        return None
    return Refusal(
        code="stale_state",
        message=(
            f"Data kerja sama ini sudah berubah sejak Anda membukanya (versi Anda "
            f"{expected_version}, versi terkini {state.version}). Muat ulang halaman, "
            "periksa tahap terkini, lalu ulangi tindakan Anda bila masih diperlukan."
        ),
        missing=(),
    )


def terminal(book: Rulebook, state: CooperationState) -> Refusal | None:
    if state.stage not in book.terminals(state.process):
        return None
    return Refusal(
        code="terminal",
        message=(
            f"Kerja sama ini sudah berada pada keadaan akhir "
            f"«{book.label_of(state.process, state.stage)}», sehingga tidak ada tindakan yang "
            "dapat dilakukan lagi. Bila diperlukan, ajukan kerja sama baru."
        ),
        basis=book.basis_of(state.process),
    )


def unknown_action(stage: Mapping[str, Any], action: str) -> Refusal:
    stage_label = stage.get("label") or stage["id"]
    names = ", ".join(f"«{a.get('label') or a['id']}»" for a in Rulebook.actions_in(stage))
    return Refusal(
        code="unknown_action",
        message=(
            f"Tindakan «{action}» tidak tersedia pada tahap «{stage_label}». "
            f"Pilih salah satu tindakan yang tersedia: {names or '(tidak ada)'}"
            f"{cite_basis(stage.get('basis', ''))}."
        ),
        missing=(action,),
        basis=stage.get("basis", ""),
    )


def system_deadline(
    stage: Mapping[str, Any], act: Mapping[str, Any]
) -> tuple[DeadlineSpec | None, Refusal | None]:
    """The expired deadline that lets the system take ``act``, or the refusal."""
    spec = next(
        (
            s
            for s in deadline_specs(stage)
            if s.action == act["id"] and s.on_expiry in SYSTEM_EXPIRIES
        ),
        None,
    )
    if spec is not None:
        return spec, None
    basis = Rulebook.action_basis(stage, act)
    return None, Refusal(
        code="role_not_allowed",
        message=(
            f"Sistem hanya dapat mengambil tindakan yang ditetapkan oleh tenggat yang "
            f"telah lewat; «{act.get('label') or act['id']}» pada tahap "
            f"«{stage.get('label') or stage['id']}» harus dilakukan oleh "
            f"pengguna yang berwenang{cite_basis(basis)}."
        ),
        missing=Rulebook.action_roles(stage, act),
        basis=basis,
    )


def authority(
    stage: Mapping[str, Any], act: Mapping[str, Any], actor: Actor, state: CooperationState
) -> Refusal | None:
    """Level, then role, then the action's own ``when``."""
    stage_label = stage.get("label") or stage["id"]
    act_label = act.get("label") or act["id"]
    basis = Rulebook.action_basis(stage, act)
    stage_level = act.get("level") or stage.get("level", "own")
    if actor.level != stage_level:
        return Refusal(
            code="wrong_level",
            message=(
                f"Tahap «{stage_label}» saat ini dipegang oleh {LEVEL_PHRASES[stage_level]}, "
                f"bukan oleh {LEVEL_PHRASES.get(actor.level, actor.level)}. Tunggu hingga berkas "
                f"diteruskan kepada instansi Anda{cite_basis(stage.get('basis', ''))}."
            ),
            missing=(stage_level,),
            basis=stage.get("basis", ""),
        )
    roles = Rulebook.action_roles(stage, act)
    if not actor.roles & set(roles):
        names = ", ".join(role_label(r) for r in roles)
        return Refusal(
            code="role_not_allowed",
            message=(
                f"Tindakan «{act_label}» pada tahap «{stage_label}» hanya dapat dilakukan oleh "
                f"pengguna dengan peran: {names}. Mintalah pengguna dengan peran tersebut "
                f"untuk melakukannya{cite_basis(basis)}."
            ),
            missing=roles,
            basis=basis,
        )
    failures = condition_failures(
        act.get("when"), state.type, state.subtype, state.initiator_kind, state.facts
    )
    if failures:
        return Refusal(
            code="condition_not_met",
            message=(
                f"Tindakan «{act_label}» tidak berlaku untuk kerja sama ini karena "
                f"{'; '.join(failures)}. Pilih tindakan lain yang tersedia{cite_basis(basis)}."
            ),
            basis=basis,
        )
    return None


def inputs_of(
    stage: Mapping[str, Any], act: Mapping[str, Any], inputs: Mapping[str, Any]
) -> tuple[dict[str, Any], Refusal | None]:
    """The cleaned inputs, or the refusal: reason first, then required inputs, then types."""
    act_label = act.get("label") or act["id"]
    basis = Rulebook.action_basis(stage, act)
    specs = input_specs(act)
    if reason_required(act) and blank(inputs.get(REASON_INPUT)):
        return {}, Refusal(
            code="reason_required",
            message=(
                f"Tuliskan alasan pada isian «Alasan» untuk tindakan «{act_label}», agar "
                f"pihak yang menerima berkas tahu apa yang harus diperbaiki{cite_basis(basis)}."
            ),
            missing=(REASON_INPUT,),
            basis=basis,
        )
    missing_inputs = [s for s in specs if s.required and blank(inputs.get(s.name))]
    if missing_inputs:
        return {}, Refusal(
            code="missing_inputs",
            message=(
                f"Tindakan «{act_label}» belum dapat dilakukan. Lengkapi isian berikut: "
                f"{', '.join(f'«{s.label}»' for s in missing_inputs)}{cite_basis(basis)}."
            ),
            missing=tuple(s.name for s in missing_inputs),
            basis=basis,
        )
    cleaned, invalid = clean_inputs(specs, inputs)
    if invalid:
        return {}, Refusal(
            code="invalid_inputs",
            message=(
                f"Tindakan «{act_label}» belum dapat dilakukan: "
                f"{'; '.join(c for _, c in invalid)}. Perbaiki isian tersebut lalu ulangi."
            ),
            missing=tuple(n for n, _ in invalid),
            basis=basis,
        )
    return cleaned, None


def documents(
    book: Rulebook, stage: Mapping[str, Any], act: Mapping[str, Any], held: frozenset[str]
) -> Refusal | None:
    missing_docs = missing_documents(stage, act, held)
    if not missing_docs:
        return None
    labels = ", ".join(f"«{book.document_label(d)}»" for d in missing_docs)
    doc_basis = "; ".join(
        dict.fromkeys(
            b
            for b in (
                stage.get("basis", "") if act.get("kind") == "advance" else "",
                act.get("basis", ""),
            )
            if b
        )
    )
    return Refusal(
        code="missing_documents",
        message=(
            f"Tindakan «{act.get('label') or act['id']}» belum dapat dilakukan. Lampirkan "
            f"dokumen berikut terlebih dahulu: {labels}{cite_basis(doc_basis)}."
        ),
        missing=missing_docs,
        basis=doc_basis,
    )


def unsigned_documents(
    book: Rulebook, stage: Mapping[str, Any], act: Mapping[str, Any], state: CooperationState
) -> list[tuple[str, str, str]]:
    """``(kind, role, what is wrong)`` for each needed document whose kind requires a valid
    electronic signature by ``role`` (``document_kinds.<kind>.signature.required``) and has none."""
    out = []
    for kind in needed_documents(stage, act):
        sig = book.document_kind(kind).get("signature") or {}
        if not sig.get("required"):
            continue
        role = sig.get("role", "")
        facts = [f for f in state.signatures if f.kind == kind]
        if any(f.status == "sah" and role in f.roles for f in facts):
            continue
        out.append((kind, role, _what_is_wrong(facts, role)))
    return out


def _what_is_wrong(facts: list[SignatureFact], role: str) -> str:
    valid = [f for f in facts if f.status == "sah"]
    if valid:
        return (
            f"tanda tangannya sah tetapi penanda tangannya bukan pengguna SIKD dengan peran "
            f"{role_label(role)} (alamat pos-el pada sertifikat harus sama dengan akunnya)"
        )
    signed = [f for f in facts if f.status not in ("tidak_ditandatangani", "")]
    if signed:
        return f"tanda tangannya tidak sah: {signed[0].detail or signed[0].status}"
    return "berkas terkininya tidak ditandatangani secara elektronik"


def signatures(
    book: Rulebook, stage: Mapping[str, Any], act: Mapping[str, Any], state: CooperationState
) -> Refusal | None:
    problems = unsigned_documents(book, stage, act, state)
    if not problems:
        return None
    basis = "; ".join(
        dict.fromkeys(
            (book.document_kind(k).get("signature") or {}).get("basis", "") for k, _, _ in problems
        )
    )
    parts = [
        f"«{book.document_label(kind)}» harus ditandatangani secara elektronik oleh "
        f"{role_label(role)}, tetapi {wrong}"
        for kind, role, wrong in problems
    ]
    return Refusal(
        code="signature_required",
        message=(
            f"Tindakan «{act.get('label') or act['id']}» belum dapat dilakukan: "
            f"{'; '.join(parts)}. Unggah versi baru yang ditandatangani dengan sertifikat "
            f"elektronik (TTE) yang sah{cite_basis(basis)}."
        ),
        missing=tuple(kind for kind, _, _ in problems),
        basis=basis,
    )
