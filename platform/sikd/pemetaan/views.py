"""Pages of the year's pemetaan (Perwal Bekasi 57/2023 Pasal 5–20): the TKKSD opens the year,
each Perangkat Daerah submits its recommendation, the TKKSD checks and returns incomplete ones,
records the pleno's berita acara with the Daftar Rencana Program dan Kegiatan Kerja Sama and its
priorities, and the Keputusan is uploaded. Every step goes through :mod:`sikd.pemetaan.services`
(role checks, audit); a refusal keeps what was typed and says who acts next."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from sikd.core import clock
from sikd.core.errors import AppError
from sikd.core.extensions import db
from sikd.pemetaan import services
from sikd.pemetaan.models import PemetaanCycle

bp = Blueprint("pemetaan_pages", __name__, template_folder="templates")

ROLES = ("opd", "tkksd", "kepala_daerah")
STATUS = {
    "identifikasi": (
        "Identifikasi",
        "Perangkat Daerah menyampaikan rekomendasi; TKKSD memeriksa kelengkapannya (Pasal 10-14)",
    ),
    "penetapan": (
        "Penetapan",
        "TKKSD atau kepala daerah mengunggah Keputusan Wali Kota/Bupati (Pasal 17-18)",
    ),
    "berlaku": ("Berlaku", "Daftar menjadi rujukan kerja sama baru (Pasal 19)"),
    "diganti": ("Diganti", "Digantikan daftar tahun berikutnya"),
}
SUB_STATUS = {
    "diajukan": "menunggu pemeriksaan TKKSD",
    "dikembalikan": "dikembalikan untuk dilengkapi Perangkat Daerah",
    "lengkap": "lengkap",
}


def _gate() -> None:
    if not current_user.tenant.is_daerah or not current_user.has_role(*ROLES):
        raise AppError(
            "role_not_allowed",
            "Pemetaan dikerjakan oleh Perangkat Daerah, TKKSD, dan kepala daerah suatu daerah. "
            "Minta administrator instansi Anda menambahkan peran tersebut bila diperlukan.",
            status=403,
        )


@bp.route("/pemetaan")
@login_required
def cycles():
    _gate()
    rows = db.session.scalars(
        select(PemetaanCycle)
        .where(PemetaanCycle.tenant_id == current_user.tenant_id)
        .order_by(PemetaanCycle.year.desc())
    ).all()
    return render_template(
        "pemetaan/cycles.html", cycles=rows, status=STATUS, year=clock.now().year
    )


@bp.post("/pemetaan/buka")
@login_required
def open_page():
    _gate()
    year = request.form.get("year", type=int)
    try:
        if year is None:
            raise AppError("invalid_input", "Isi tahun pemetaan (misalnya 2027).", status=422)
        cycle = services.open_cycle(current_user, year, clock.now())
        db.session.commit()
    except AppError as exc:
        db.session.rollback()
        if exc.status == 403:
            raise
        flash(exc.message, "danger")
        return redirect(url_for("pemetaan_pages.cycles"))
    flash(
        f"Pemetaan {cycle.year} dibuka. Berikutnya: setiap Perangkat Daerah membentuk tim dan "
        "menyampaikan rekomendasinya (Pasal 10-13).",
        "success",
    )
    return redirect(url_for("pemetaan_pages.cycle", cycle_id=cycle.id))


def _render(cycle: PemetaanCycle, status: int = 200, **extra: Any):
    subs = services.submissions_of(cycle.id)
    ctx = {
        "cycle": cycle,
        "status": STATUS,
        "sub_status": SUB_STATUS,
        "subs": subs,
        "missing": {s.id: services.missing_content(s) for s in subs},
        "content": services.CONTENT,
        "daftar": services.register(cycle) if cycle.status in ("berlaku", "diganti") else [],
        "items": services.register(cycle) if cycle.status == "penetapan" else [],
        "all_complete": bool(subs) and all(s.status == "lengkap" for s in subs),
        "errors": {},
        "values": MultiDict(),
        "form": None,
        "top": None,
        **extra,
    }
    return render_template("pemetaan/cycle.html", **ctx), status


@bp.route("/pemetaan/<int:cycle_id>")
@login_required
def cycle(cycle_id: int):
    _gate()
    return _render(services.get_cycle(current_user, cycle_id))


def _team(raw: str) -> list[dict[str, str]]:
    """One member a line: ``Nama; Jabatan``."""
    out = []
    for line in raw.splitlines():
        if line.strip():
            nama, _, jabatan = line.partition(";")
            out.append({"nama": nama.strip(), "jabatan": jabatan.strip()})
    return out


def _submission_data(form) -> dict[str, Any]:
    data: dict[str, Any] = {k: form.get(k, "")[:4000] for k in services.CONTENT}
    data["perangkat_daerah"] = form.get("perangkat_daerah", "")[:200]
    data["tim_anggota"] = _team(form.get("tim_anggota", "")[:4000])
    return data


def _refused(cycle: PemetaanCycle, exc: AppError, form_name: str):
    db.session.rollback()
    if exc.status in (403, 404):
        raise exc
    return _render(
        db.session.get(PemetaanCycle, cycle.id) or cycle,
        exc.status,
        errors=dict(exc.field_errors or {}),
        values=request.form,
        form=form_name,
        top=exc.message,
    )


@bp.post("/pemetaan/<int:cycle_id>/rekomendasi")
@login_required
def submit_page(cycle_id: int):
    _gate()
    cycle = services.get_cycle(current_user, cycle_id)
    try:
        sub = services.submit(current_user, cycle, _submission_data(request.form), clock.now())
        db.session.commit()
    except AppError as exc:
        return _refused(cycle, exc, "rekomendasi")
    flash(
        f"Rekomendasi {sub.perangkat_daerah} tersampaikan. Berikutnya: TKKSD memeriksa "
        "kelengkapannya (Pasal 14).",
        "success",
    )
    return redirect(url_for("pemetaan_pages.cycle", cycle_id=cycle_id))


@bp.post("/pemetaan/rekomendasi/<int:sub_id>/lengkapi")
@login_required
def resubmit_page(sub_id: int):
    _gate()
    sub = services.get_submission(current_user, sub_id)
    cycle = services.get_cycle(current_user, sub.cycle_id)
    data = _submission_data(request.form)
    if not data["tim_anggota"]:
        data["tim_anggota"] = None  # keep the team recorded before
    try:
        services.resubmit(current_user, sub, data, clock.now())
        db.session.commit()
    except AppError as exc:
        return _refused(cycle, exc, f"lengkapi-{sub_id}")
    flash(
        f"Rekomendasi {sub.perangkat_daerah} dilengkapi dan disampaikan lagi. Berikutnya: "
        "TKKSD memeriksanya kembali (Pasal 14).",
        "success",
    )
    return redirect(url_for("pemetaan_pages.cycle", cycle_id=cycle.id))


@bp.post("/pemetaan/rekomendasi/<int:sub_id>/periksa")
@login_required
def check_page(sub_id: int):
    _gate()
    sub = services.get_submission(current_user, sub_id)
    cycle = services.get_cycle(current_user, sub.cycle_id)
    lengkap = request.form.get("lengkap") == "1"
    try:
        services.check(
            current_user, sub, lengkap, request.form.get("catatan", "")[:4000], clock.now()
        )
        db.session.commit()
    except AppError as exc:
        return _refused(cycle, exc, f"periksa-{sub_id}")
    nxt = (
        "Setelah semua rekomendasi lengkap, TKKSD mencatat rapat pleno (Pasal 15-16)."
        if lengkap
        else f"Berikutnya: {sub.perangkat_daerah} melengkapinya dan menyampaikan lagi."
    )
    flash(f"Rekomendasi {sub.perangkat_daerah}: {SUB_STATUS[sub.status]}. {nxt}", "success")
    return redirect(url_for("pemetaan_pages.cycle", cycle_id=cycle.id))


def _daftar(form, subs) -> list[dict[str, Any]]:
    """One line per item in ``judul_<id>``; priority ``prioritas_<id>`` (then line order)."""
    out = []
    for s in subs:
        rank = form.get(f"prioritas_{s.id}", type=int) or 99
        for n, line in enumerate(form.get(f"judul_{s.id}", "").splitlines()):
            if line.strip():
                out.append(
                    {
                        "rekomendasi_id": s.id,
                        "judul": line.strip()[:300],
                        "prioritas": rank * 100 + n,
                    }
                )
    return out


@bp.post("/pemetaan/<int:cycle_id>/pleno")
@login_required
def pleno_page(cycle_id: int):
    _gate()
    cycle = services.get_cycle(current_user, cycle_id)
    raw_date = request.form.get("tanggal", "")
    try:
        try:
            tanggal = date.fromisoformat(raw_date) if raw_date else None
        except ValueError:
            raise AppError(
                "invalid_input",
                "Tanggal rapat pleno tidak valid.",
                field_errors={"tanggal": ["Gunakan format TTTT-BB-HH."]},
            ) from None
        if cycle.status != "identifikasi":
            raise AppError("pemetaan_tahap", "Rapat pleno sudah dicatat.", status=409)
        data = {
            "tanggal": tanggal,
            "skala_prioritas": request.form.get("skala_prioritas", "")[:4000],
            "daftar": _daftar(request.form, services.submissions_of(cycle.id)),
        }
        services.pleno(current_user, cycle, data, clock.now())
        db.session.commit()
    except AppError as exc:
        return _refused(cycle, exc, "pleno")
    flash(
        "Berita acara rapat pleno dan Daftar Rencana Program dan Kegiatan Kerja Sama tercatat. "
        "Berikutnya: kepala daerah menetapkannya dengan Keputusan; unggah Keputusan (Pasal 17-18).",
        "success",
    )
    return redirect(url_for("pemetaan_pages.cycle", cycle_id=cycle.id))


@bp.post("/pemetaan/<int:cycle_id>/keputusan")
@login_required
def decree_page(cycle_id: int):
    _gate()
    cycle = services.get_cycle(current_user, cycle_id)
    upload = request.files.get("berkas")
    raw_date = request.form.get("tanggal", "")
    try:
        try:
            tanggal = date.fromisoformat(raw_date)
        except ValueError:
            raise AppError(
                "invalid_input",
                "Isi tanggal Keputusan.",
                field_errors={"tanggal": ["Gunakan format TTTT-BB-HH."]},
            ) from None
        if cycle.status != "penetapan":
            raise AppError(
                "pemetaan_tahap",
                "Keputusan diunggah setelah rapat pleno dicatat dan sebelum daftar berlaku.",
                status=409,
            )
        pdf = upload.read(services.DECREE_MAX_BYTES + 1) if upload is not None else b""
        services.decree(
            current_user, cycle, request.form.get("nomor", "")[:200], tanggal, pdf, clock.now()
        )
        db.session.commit()
    except AppError as exc:
        return _refused(cycle, exc, "keputusan")
    flash(
        f"Keputusan {cycle.keputusan['nomor']} tersimpan: daftar pemetaan {cycle.year} berlaku "
        "dan menjadi rujukan kerja sama baru (Pasal 19).",
        "success",
    )
    return redirect(url_for("pemetaan_pages.cycle", cycle_id=cycle.id))
