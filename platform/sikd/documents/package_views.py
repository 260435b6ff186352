"""Staff draft, the Kepala Daerah approves: the pages that prepare a package.

- Letters of the daerah (surat permohonan DPRD, penyampaian rencana, …) are generated from the
  case data with kop, nomor and Indonesian date by the letter job, filed as the document the
  rulebook asks for; the page says «sedang dibuat…» until the job is done (sikd.js asks the
  letter's status; without JavaScript a reload shows it).
- An action form may carry the documents it still lacks: they are filed first (and stay filed
  if the action is then refused: nothing is lost), then the action is taken.
- At a stage where only the Kepala Daerah acts, the TKKSD/OPD see what the package still lacks
  and prepare it there.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from sikd.cooperations import forms
from sikd.cooperations.access import actor_level
from sikd.cooperations.actions import available_actions
from sikd.cooperations.models import ACTIVE_STATUSES, Cooperation
from sikd.cooperations.pages import detail_context, not_found_page, visible_or_none
from sikd.cooperations.state import engine_state, rulebook_of, rules_of
from sikd.core.errors import AppError, render_error
from sikd.core.extensions import db
from sikd.documents.letters import LETTER_KINDS
from sikd.documents.uploads import UPLOAD_ROLES, request_cooperation_letter
from sikd.documents.views import _store, bp, coop_letters
from sikd.web.panels import detail_panel
from sikd.workflow import engine
from sikd.workflow.types import Actor

# the letters a daerah sends itself, by the document kind they are filed as
DAERAH_LETTERS = (
    "surat_permohonan_tanggapan",
    "surat_permohonan_dprd",
    "surat_penyampaian_rencana",
    "surat_penyampaian_naskah",
)
STAFF_ROLES = {"tkksd", "opd"}


def _generable() -> dict[str, str]:
    return {LETTER_KINDS[c].filed_as: c for c in DAERAH_LETTERS if c in LETTER_KINDS}


def _own_uploader(coop: Cooperation) -> bool:
    level = actor_level(current_user.tenant, coop)
    return level == "own" and bool(UPLOAD_ROLES["own"] & set(current_user.roles))


def _kepala_daerah_package(coop: Cooperation) -> list[str]:
    """What the Kepala Daerah's actions at this stage still lack, for the staff to prepare
    (empty when the user may take those actions or is not the daerah's staff)."""
    if coop.status not in ACTIVE_STATUSES or coop.holder_level != "own":
        return []
    if not STAFF_ROLES & set(current_user.roles) or not _own_uploader(coop):
        return []
    if available_actions(current_user, coop):
        return []
    kd = Actor(roles=frozenset({"kepala_daerah"}), level="own")
    missing: list[str] = []
    for info in engine.available_actions(rulebook_of(coop), engine_state(coop), kd):
        if info.kind == "advance":
            missing += [k for k in info.missing_documents if k not in missing]
    return missing


@detail_panel
def letters_panel(coop: Cooperation) -> dict[str, Any]:
    mine = _own_uploader(coop)
    letters = []
    if mine:
        letters = coop_letters(coop)[:10]  # the newest ten
    return {
        "letter_for": _generable() if mine else {},
        "letters": [lt for lt in letters if lt.status != "done"],
        "package_missing": _kepala_daerah_package(coop),
    }


def _signer(coop: Cooperation) -> dict[str, str]:
    from sikd.accounts.models import User

    tenant = coop.tenant
    title = (
        "Wali Kota"
        if tenant.kind == "kota"
        else "Bupati"
        if tenant.kind == "kabupaten"
        else "Gubernur"
    )
    place = tenant.name.removeprefix("Kota ").removeprefix("Kabupaten ")
    kd = db.session.scalar(
        select(User)
        .where(User.tenant_id == tenant.id, User.roles.contains(["kepala_daerah"]), User.active)
        .order_by(User.id)
        .limit(1)
    )
    return {"jabatan": f"{title} {place}", "nama": kd.full_name if kd else f"{title} {place}"}


def _letter_context(coop: Cooperation, code: str) -> dict[str, Any]:
    parent = coop.tenant.parent
    context: dict[str, Any] = {"penandatangan": _signer(coop)}
    if code == "surat_permohonan_dprd":
        context["tujuan"] = f"Ketua Dewan Perwakilan Rakyat Daerah {coop.tenant.name}"
    else:
        context["tujuan"] = "Menteri Dalam Negeri"
        if (
            code != "surat_permohonan_tanggapan"
            and parent is not None
            and coop.tenant.kind != "provinsi"
        ):
            context["melalui"] = f"Gubernur {parent.name}"
    return context


@bp.post("/kerja-sama/<int:coop_id>/surat")
@login_required
def make_letter(coop_id: int):
    """Generate a letter of the daerah from the case data; it is numbered now, rendered by the
    letter job, and filed as the document the rulebook asks for."""
    coop = visible_or_none(coop_id)
    if coop is None:
        return not_found_page()
    code = request.form.get("surat", "")
    back = url_for("cooperation_pages.detail", coop_id=coop.id) + "#surat"
    if not _own_uploader(coop):
        return render_error(
            403,
            "Surat daerah hanya dibuat oleh TKKSD, Perangkat Daerah, atau Kepala Daerah "
            "pemrakarsa kerja sama ini.",
        )
    if code not in DAERAH_LETTERS or code not in LETTER_KINDS:
        flash(
            "Jenis surat itu tidak dikenal. Pilih tombol «Buat surat» pada halaman ini.", "danger"
        )
        return redirect(back), 303
    try:
        letter = request_cooperation_letter(current_user, coop, code, _letter_context(coop, code))
    except AppError as exc:
        db.session.rollback()
        flash(f"Surat belum dibuat: {exc.message}", "danger")
        return redirect(back), 303
    flash(
        f"{LETTER_KINDS[code].label} nomor {letter.nomor} sedang dibuat; setelah selesai "
        "surat itu tersimpan sebagai dokumen kerja sama ini.",
        "success",
    )
    return redirect(back)


@bp.post("/kerja-sama/<int:coop_id>/tindakan/<action>/dokumen")
@login_required
def act_with_documents(coop_id: int, action: str):
    """File the documents sent with the action form, then take the action."""
    coop = visible_or_none(coop_id)
    if coop is None:
        return not_found_page()
    kinds = rules_of(coop).document_kinds()
    info = next((a for a in available_actions(current_user, coop) if a.id == action), None)
    errors: dict[str, dict[str, Any]] = {}
    messages: list[str] = []
    for kind in info.missing_documents if info else ():
        fileobj = request.files.get(f"dok-{kind}-berkas")
        if fileobj is None or not fileobj.filename:
            continue
        prefix = f"dok-{kind}-"
        sent = MultiDict(
            (k[len(prefix) :], v) for k, v in request.form.items(multi=True) if k.startswith(prefix)
        )
        contents = forms.document_fields(kinds.get(kind) or {}, sent)
        version, status, message, field_errors = _store(coop, kind, fileobj, contents, None)
        if version is None:
            errors[kind] = field_errors or {"berkas": [message]}
            messages.append(f"{(kinds.get(kind) or {}).get('label', kind)}: {message}")
            coop = visible_or_none(coop_id)
            if coop is None:
                return not_found_page()
    if errors:
        ctx = detail_context(
            coop,
            top_error={
                "title": "Dokumen belum tersimpan, tindakan belum diambil",
                "message": " ".join(messages)
                + " Isian Anda tetap ada; berkas yang ditolak perlu dipilih lagi (peramban tidak "
                "mengisinya kembali demi keamanan). Dokumen lain yang sudah tersimpan tidak perlu "
                "diunggah lagi.",
                "status": 422,
                "missing": (),
            },
            action_values={action: request.form},
            action_doc_errors=errors,
            open_action=action,
        )
        return render_template("cooperations/detail.html", **ctx), 422
    from sikd.cooperations.views import act

    return act(coop_id, action)
