"""The year's pemetaan, step by step (Perwal Bekasi 57/2023 Pasal 5–20), and the reference a new
cooperation takes from the list in force (Pasal 38(1), 58(3))."""

from __future__ import annotations

import hashlib
import io
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from sikd.accounts.models import User
from sikd.audit import services as audit
from sikd.core.dates import add_span
from sikd.core.errors import AppError, NotFound
from sikd.core.extensions import db
from sikd.core.storage import get_storage
from sikd.notifications.services import add_notification
from sikd.pemetaan.models import PemetaanCycle, PemetaanItem, PemetaanLink, PemetaanSubmission

# Pasal 12 huruf a–d: what a Perangkat Daerah's recommendation must state
CONTENT = {
    "masalah": "Masalah dalam mencapai target dan indikator kinerja (Pasal 12 huruf a)",
    "target_kinerja": "Target dan indikator kinerja yang dapat dicapai melalui kerja sama "
    "(Pasal 12 huruf b)",
    "kebijakan_tindakan": "Kebijakan dan tindakan yang diperlukan (Pasal 12 huruf c)",
    "jangka_waktu_ruang_lingkup": "Jangka waktu dan ruang lingkup kerja sama (Pasal 12 huruf d)",
}
# Pasal 38(1) (KAK of a KSDPK), Pasal 58(3) (a KSDPL/KSDLL the daerah initiates)
REFERENCE_BASIS = "Perwal Bekasi 57/2023 Pasal 38(1), 58(3)"


def _need(user: User, *roles: str, what: str) -> None:
    if not user.has_role(*roles):
        raise AppError("role_not_allowed", what, status=403)


def _audit(tenant_id: int, action: str, obj: Any, summary: str, user: User, now: datetime):
    audit.record(
        tenant_id=tenant_id,
        action=f"pemetaan.{action}",
        object_type=type(obj).__tablename__,
        object_id=obj.id,
        summary=summary,
        at=now,
        actor=user,
    )


def get_cycle(user: User, cycle_id: int, status: str | None = None) -> PemetaanCycle:
    cycle = db.session.get(PemetaanCycle, cycle_id)
    if cycle is None or cycle.tenant_id != user.tenant_id:
        raise NotFound("not_found", "Pemetaan tidak ditemukan.")
    if status is not None and cycle.status != status:
        raise AppError(
            "pemetaan_tahap",
            f"Pemetaan {cycle.year} sedang pada tahap '{cycle.status}', bukan '{status}'.",
            status=409,
        )
    return cycle


YEARS = (2000, 2100)  # as the API's schema
DECREE_MAX_BYTES = 20 * 1024 * 1024  # the Keputusan PDF; the caller reads one byte more


def open_cycle(user: User, year: int, now: datetime) -> PemetaanCycle:
    """The TKKSD opens the year's pemetaan (Pasal 9, 11)."""
    _need(user, "tkksd", what="Pemetaan tahunan dibuka oleh TKKSD (Pasal 9).")
    if not YEARS[0] <= year <= YEARS[1]:
        raise AppError(
            "invalid_input",
            f"Tahun pemetaan harus antara {YEARS[0]} dan {YEARS[1]} (misalnya {now.year + 1}).",
            field_errors={"year": ["Tahun di luar rentang."]},
        )
    exists = db.session.scalar(
        select(PemetaanCycle.id).where(
            PemetaanCycle.tenant_id == user.tenant_id, PemetaanCycle.year == year
        )
    )
    if exists is not None:
        raise AppError("pemetaan_sudah_ada", f"Pemetaan tahun {year} sudah dibuka.", status=409)
    cycle = PemetaanCycle(
        tenant_id=user.tenant_id, year=year, status="identifikasi", opened_at=now, opened_by=user.id
    )
    db.session.add(cycle)
    db.session.flush()
    _audit(user.tenant_id, "dibuka", cycle, f"Pemetaan tahun {year} dibuka", user, now)
    add_notification(
        user.tenant_id,
        None,
        "pemetaan_dibuka",
        f"Pemetaan {year} dibuka",
        f"Bentuk tim Perangkat Daerah dan sampaikan rekomendasi pemetaan {year} kepada TKKSD "
        "(Perwal Bekasi 57/2023 Pasal 10-13).",
        ["opd"],
        now,
        dedupe_key=f"pemetaan:{cycle.id}:dibuka",
    )
    return cycle


def _team(members: list[dict[str, Any]]) -> list[dict[str, str]]:
    team = [
        {"nama": str(m.get("nama") or "").strip(), "jabatan": str(m.get("jabatan") or "").strip()}
        for m in members or ()
    ]
    if not team or any(not m["nama"] or not m["jabatan"] for m in team):
        raise AppError(
            "invalid_input",
            "Catat anggota tim Perangkat Daerah (nama dan jabatan tiap anggota; Pasal 10).",
            field_errors={"tim_anggota": ["Isi nama dan jabatan setiap anggota tim."]},
        )
    return team


def submit(user: User, cycle: PemetaanCycle, data: dict[str, Any], now: datetime):
    """A Perangkat Daerah's team submits its recommendation (Pasal 10–13(2)). What it lacks is
    for the TKKSD to find and return (Pasal 14), so an incomplete one is accepted."""
    _need(user, "opd", what="Rekomendasi pemetaan disampaikan oleh Perangkat Daerah (Pasal 13).")
    if cycle.status != "identifikasi":
        raise AppError(
            "pemetaan_tahap", "Tahap identifikasi pemetaan ini sudah selesai.", status=409
        )
    name = str(data.get("perangkat_daerah") or "").strip()
    if not name:
        raise AppError(
            "invalid_input",
            "Isi nama Perangkat Daerah.",
            field_errors={"perangkat_daerah": ["Wajib diisi."]},
        )
    sub = PemetaanSubmission(
        tenant_id=cycle.tenant_id,
        cycle_id=cycle.id,
        perangkat_daerah=name,
        tim_anggota=_team(data.get("tim_anggota") or []),
        content={k: str(data.get(k) or "").strip() for k in CONTENT},
        status="diajukan",
        submitted_at=now,
        submitted_by=user.id,
    )
    db.session.add(sub)
    db.session.flush()
    _audit(cycle.tenant_id, "rekomendasi", sub, f"Rekomendasi pemetaan {name}", user, now)
    return sub


def get_submission(user: User, sub_id: int) -> PemetaanSubmission:
    sub = db.session.get(PemetaanSubmission, sub_id)
    if sub is None or sub.tenant_id != user.tenant_id:
        raise NotFound("not_found", "Rekomendasi pemetaan tidak ditemukan.")
    return sub


def resubmit(user: User, sub: PemetaanSubmission, data: dict[str, Any], now: datetime):
    """A returned recommendation, completed and sent again (Pasal 14(2))."""
    _need(user, "opd", what="Rekomendasi pemetaan disampaikan oleh Perangkat Daerah (Pasal 13).")
    if sub.status != "dikembalikan":
        raise AppError(
            "pemetaan_tahap", "Hanya rekomendasi yang dikembalikan dapat diubah.", status=409
        )
    if data.get("tim_anggota") is not None:
        sub.tim_anggota = _team(data["tim_anggota"])
    sub.content = {k: str(data.get(k) or sub.content.get(k) or "").strip() for k in CONTENT}
    sub.status, sub.submitted_at, sub.submitted_by = "diajukan", now, user.id
    _audit(sub.tenant_id, "rekomendasi_ulang", sub, f"{sub.perangkat_daerah} dilengkapi", user, now)
    return sub


def missing_content(sub: PemetaanSubmission) -> list[str]:
    return [k for k in CONTENT if not (sub.content or {}).get(k)]


def check(user: User, sub: PemetaanSubmission, lengkap: bool, catatan: str, now: datetime):
    """The TKKSD checks completeness (Pasal 14(1)) and returns what is incomplete (14(2))."""
    _need(user, "tkksd", what="Kelengkapan rekomendasi diperiksa oleh TKKSD (Pasal 14).")
    if sub.status != "diajukan":
        raise AppError(
            "pemetaan_tahap", "Rekomendasi ini tidak sedang menunggu pemeriksaan.", status=409
        )
    missing = missing_content(sub)
    if lengkap and missing:
        raise AppError(
            "rekomendasi_belum_lengkap",
            "Rekomendasi belum memuat: "
            + "; ".join(CONTENT[k] for k in missing)
            + ". Kembalikan kepada Perangkat Daerah untuk dilengkapi (Pasal 14(2)).",
            status=409,
            missing=missing,
        )
    if not lengkap and not catatan.strip():
        raise AppError(
            "invalid_input",
            "Tuliskan apa yang harus dilengkapi Perangkat Daerah.",
            field_errors={"catatan": ["Wajib diisi bila rekomendasi dikembalikan."]},
        )
    sub.status = "lengkap" if lengkap else "dikembalikan"
    sub.catatan = None if lengkap else catatan.strip()
    _audit(sub.tenant_id, f"periksa.{sub.status}", sub, sub.perangkat_daerah, user, now)
    return sub


def submissions_of(cycle_id: int) -> list[PemetaanSubmission]:
    return list(
        db.session.scalars(
            select(PemetaanSubmission)
            .where(PemetaanSubmission.cycle_id == cycle_id)
            .order_by(PemetaanSubmission.id)
        )
    )


def pleno(user: User, cycle: PemetaanCycle, data: dict[str, Any], now: datetime):
    """The pleno's berita acara: the Daftar Rencana Program dan Kegiatan Kerja Sama with its
    priority scale (Pasal 15–16), from complete recommendations only."""
    _need(user, "tkksd", what="Rapat pleno pemetaan diselenggarakan oleh TKKSD (Pasal 15).")
    subs = {s.id: s for s in submissions_of(cycle.id)}
    waiting = [s.perangkat_daerah for s in subs.values() if s.status != "lengkap"]
    if not subs or waiting:
        raise AppError(
            "rekomendasi_belum_lengkap",
            "Rapat pleno membahas rekomendasi yang sudah lengkap; belum lengkap: "
            + (", ".join(waiting) or "belum ada rekomendasi")
            + " (Pasal 14-15).",
            status=409,
        )
    daftar = list(data.get("daftar") or ())
    bad = [d for d in daftar if d.get("rekomendasi_id") not in subs or not d.get("judul")]
    if not daftar or bad or not str(data.get("skala_prioritas") or "").strip():
        raise AppError(
            "invalid_input",
            "Berita acara memuat Daftar Rencana Program dan Kegiatan Kerja Sama (judul dan "
            "rekomendasi asalnya) dan skala prioritasnya (Pasal 16).",
            field_errors={"daftar": ["Isi setiap butir dengan judul dan rekomendasi asal."]},
        )
    for n, entry in enumerate(sorted(daftar, key=lambda d: int(d.get("prioritas") or 99)), 1):
        sub = subs[entry["rekomendasi_id"]]
        db.session.add(
            PemetaanItem(
                tenant_id=cycle.tenant_id,
                cycle_id=cycle.id,
                submission_id=sub.id,
                code=f"PEM-{cycle.year}-{n:02d}",
                judul=str(entry["judul"]).strip(),
                perangkat_daerah=sub.perangkat_daerah,
                prioritas=n,
            )
        )
    cycle.berita_acara = {
        "tanggal": str(data.get("tanggal") or now.date().isoformat()),
        "skala_prioritas": str(data["skala_prioritas"]).strip(),
    }
    cycle.status = "penetapan"
    db.session.flush()
    _audit(cycle.tenant_id, "pleno", cycle, f"Berita acara pleno pemetaan {cycle.year}", user, now)
    return cycle


def decree(user: User, cycle: PemetaanCycle, nomor: str, tanggal: date, pdf: bytes, now):
    """The Wali Kota's Keputusan is uploaded: the list is in force (Pasal 17–19); the previous
    year's list is replaced."""
    _need(user, "kepala_daerah", "tkksd", what="Keputusan diunggah oleh Kepala Daerah atau TKKSD.")
    if len(pdf) > DECREE_MAX_BYTES:
        raise AppError(
            "file_too_large",
            "Berkas Keputusan lebih dari 20 MB. Perkecil PDF-nya (mis. pindai ulang dengan "
            "resolusi lebih rendah) lalu unggah lagi.",
            status=413,
            field_errors={"berkas": ["Paling besar 20 MB."]},
        )
    if not nomor.strip() or not pdf.startswith(b"%PDF"):
        raise AppError(
            "invalid_input",
            "Unggah Keputusan Kepala Daerah sebagai berkas PDF beserta nomornya (Pasal 18).",
            field_errors={"berkas": ["Berkas PDF Keputusan wajib diunggah."]},
        )
    key = f"{user.tenant.code}/pemetaan/{cycle.year}/keputusan.pdf"
    get_storage().put_stream(key, io.BytesIO(pdf), "application/pdf")
    for old in db.session.scalars(
        select(PemetaanCycle).where(
            PemetaanCycle.tenant_id == cycle.tenant_id, PemetaanCycle.status == "berlaku"
        )
    ):
        old.status = "diganti"
    cycle.keputusan = {
        "nomor": nomor.strip(),
        "tanggal": tanggal.isoformat(),
        "key": key,
        "sha256": hashlib.sha256(pdf).hexdigest(),
    }
    cycle.status, cycle.berlaku_at = "berlaku", now
    _audit(cycle.tenant_id, "ditetapkan", cycle, f"Keputusan {nomor} (pemetaan)", user, now)
    return cycle


def in_force(tenant_id: int) -> PemetaanCycle | None:
    return db.session.scalar(
        select(PemetaanCycle).where(
            PemetaanCycle.tenant_id == tenant_id, PemetaanCycle.status == "berlaku"
        )
    )


def items_of(cycle_id: int) -> list[PemetaanItem]:
    return list(
        db.session.scalars(
            select(PemetaanItem)
            .where(PemetaanItem.cycle_id == cycle_id)
            .order_by(PemetaanItem.prioritas)
        )
    )


def needs_reference(coop_type: str, origin: str) -> bool:
    """A KSDPK (its KAK, Pasal 38(1)) and a KSDPL/KSDLL the daerah initiates (Pasal 58(3))."""
    return coop_type == "KSDPK" or (coop_type in ("KSDPL", "KSDLL") and origin == "daerah")


def reference_for(
    tenant_id: int, coop_type: str, origin: str, ref: str | None, exception: str | None
) -> PemetaanItem | None:
    """The item a new cooperation rests on, or None for a recorded exception. Once a daerah's
    list is in force in SIKD, a new cooperation that needs one picks it from that list, or
    states why it rests on none; before that there is no list to pick from."""
    cycle = in_force(tenant_id)
    if cycle is None or not needs_reference(coop_type, origin):
        return None
    codes = {i.code: i for i in items_of(cycle.id)}
    if ref and ref.strip() in codes:
        return codes[ref.strip()]
    if not ref and exception and len(exception.strip()) >= 10:
        return None
    raise AppError(
        "pemetaan_wajib",
        f"Pilih butir Daftar Rencana Program dan Kegiatan Kerja Sama {cycle.year} yang menjadi "
        f"dasar kerja sama ini ({', '.join(codes)}), atau tuliskan alasan pengecualian "
        f"({REFERENCE_BASIS}).",
        field_errors={"pemetaan_ref": [f"Salah satu dari: {', '.join(codes)}."]},
        basis=REFERENCE_BASIS,
    )


def record_reference(
    tenant_id: int, coop_id: int, coop_type: str, origin: str, item, exception, now
) -> None:
    if in_force(tenant_id) is None or not needs_reference(coop_type, origin):
        return
    db.session.add(
        PemetaanLink(
            tenant_id=tenant_id,
            cooperation_id=coop_id,
            item_id=item.id if item is not None else None,
            pengecualian=None if item is not None else (exception or "").strip(),
            created_at=now,
        )
    )


def register(cycle: PemetaanCycle) -> list[dict[str, Any]]:
    """The list with, for each item, the cooperations that rest on it."""
    links: dict[int, list[int]] = {}
    for link in db.session.scalars(
        select(PemetaanLink).where(PemetaanLink.tenant_id == cycle.tenant_id)
    ):
        if link.item_id is not None:
            links.setdefault(link.item_id, []).append(link.cooperation_id)
    return [
        {
            "code": i.code,
            "judul": i.judul,
            "perangkat_daerah": i.perangkat_daerah,
            "prioritas": i.prioritas,
            "kerja_sama": sorted(links.get(i.id, [])),
        }
        for i in items_of(cycle.id)
    ]


def remind_next_cycles(now: datetime) -> int:
    """A month before a list in force turns one year old, the TKKSD is told to evaluate it and
    open the next year's pemetaan (Pasal 20). Called by the sweep (system scope)."""
    told = 0
    for cycle in db.session.scalars(select(PemetaanCycle).where(PemetaanCycle.status == "berlaku")):
        decided = date.fromisoformat((cycle.keputusan or {}).get("tanggal") or "1970-01-01")
        if now.date() < add_span(add_span(decided, 1, "tahun"), -1, "bulan"):
            continue
        add_notification(
            cycle.tenant_id,
            None,
            "pemetaan_evaluasi",
            f"Evaluasi pemetaan {cycle.year} dan pemetaan {cycle.year + 1}",
            f"Daftar Rencana Program dan Kegiatan Kerja Sama {cycle.year} hampir setahun berlaku. "
            f"Evaluasi pemetaan dan buka pemetaan tahun {cycle.year + 1} (Perwal Bekasi 57/2023 "
            "Pasal 20).",
            ["tkksd"],
            now,
            dedupe_key=f"pemetaan:{cycle.id}:evaluasi",
        )
        told += 1
    return told
