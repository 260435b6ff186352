"""Choosing a KSDPK partner among several candidates (Perwal Bekasi 57/2023 Pasal 39(2)-(3)).

The selection team (TKKSD, or a Tim Pemilihan the Ketua TKKSD appoints) scores every candidate
on each criterion of Pasal 39(2) — bonafiditas, pengalaman di bidang yang dikerjasamakan,
komitmen, named by the rulebook (``kriteria_pemilihan`` of the stage; a variant may add its
own) — from 1 to 100 with a note. The ranking is the sum of the scores. Taking
``tetapkan_mitra`` at ``pemilihan_mitra`` needs at least two fully scored candidates and the
choice of the highest-ranked one (a tie is for the team to resolve by re-scoring); it records the
ranking and the choice as the berita acara (:class:`SelectionRecord`) and names the partner.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from sikd.accounts.models import User
from sikd.cooperations.access import acting_on
from sikd.cooperations.domestic_models import CandidateScore, SelectionRecord
from sikd.cooperations.history import record_on_cooperation
from sikd.cooperations.models import Cooperation
from sikd.cooperations.state import rules_of
from sikd.core import clock
from sikd.core.errors import AppError
from sikd.core.extensions import db
from sikd.tenancy.scope import tenant_scope

BASIS = "Perwal Bekasi 57/2023 Pasal 39(2)-(3)"
SELECTION_STAGE = "pemilihan_mitra"
CHOOSE_ACTION = "tetapkan_mitra"
SCORE_RANGE = (1, 100)


def criteria_of(coop: Cooperation) -> dict[str, str]:
    """``{id: label}`` of the criteria the cooperation's rulebook names at the selection stage
    (``kriteria_pemilihan``: bonafiditas, pengalaman, komitmen nationally; a variant may add)."""
    stage = rules_of(coop).stage(coop.process, SELECTION_STAGE) or {}
    return {c["id"]: c["label"] for c in stage.get("kriteria_pemilihan") or ()}


def _invalid(message: str, field: str) -> AppError:
    return AppError("invalid_input", message, field_errors={field: [message]}, basis=BASIS)


def score_candidate(
    user: User, coop_id: int, candidate: str, criterion: str, score: Any, note: str
) -> CandidateScore:
    """Record (or correct) one criterion's score for one candidate; audited."""
    coop, actor = acting_on(user, coop_id)
    if actor.level != "own" or not user.has_role("tkksd"):
        raise AppError(
            "role_not_allowed",
            "Penilaian calon mitra diisi oleh TKKSD atau Tim Pemilihan Calon Mitra (Pasal 39(3)).",
            status=403,
        )
    if coop.stage != SELECTION_STAGE:
        raise AppError(
            "conflict",
            "Penilaian calon mitra hanya dapat diisi pada tahap Pemilihan calon mitra.",
            status=409,
        )
    candidate = (candidate or "").strip()
    if not candidate:
        raise _invalid("Isi nama calon mitra.", "candidate")
    criteria = criteria_of(coop)
    if criterion not in criteria:
        raise _invalid(f"Kriteria harus salah satu dari: {', '.join(criteria)}.", "criterion")
    if isinstance(score, bool) or not isinstance(score, int):
        raise _invalid("Nilai harus bilangan bulat 1 sampai 100.", "score")
    if not SCORE_RANGE[0] <= score <= SCORE_RANGE[1]:
        raise _invalid("Nilai harus antara 1 dan 100.", "score")
    if not (note or "").strip():
        raise _invalid("Tuliskan catatan penilaian untuk kriteria ini.", "note")
    now = clock.now()
    with tenant_scope(coop.tenant_id):
        row = db.session.scalar(
            select(CandidateScore).where(
                CandidateScore.cooperation_id == coop.id,
                CandidateScore.candidate == candidate,
                CandidateScore.criterion == criterion,
            )
        )
        before = row.score if row else None
        if row is None:
            row = CandidateScore(
                tenant_id=coop.tenant_id, cooperation_id=coop.id, candidate=candidate
            )
            row.criterion = criterion
            db.session.add(row)
        row.score, row.note, row.scored_by, row.at = score, note.strip(), user.id, now
        record_on_cooperation(
            coop,
            user,
            "selection.scored",
            "cooperation",
            coop.id,
            f"penilaian {candidate} ({criteria[criterion]}): {score}",
            {"candidate": candidate, "criterion": criterion, "score": score, "before": before},
        )
        db.session.commit()
    return row


def scores_of(coop: Cooperation) -> list[CandidateScore]:
    return list(
        db.session.scalars(
            select(CandidateScore)
            .where(CandidateScore.cooperation_id == coop.id)
            .order_by(CandidateScore.candidate, CandidateScore.criterion)
        )
    )


def ranking(coop: Cooperation) -> list[dict[str, Any]]:
    """Candidates by total score, highest first; each with its scores, notes and completeness."""
    criteria = criteria_of(coop)
    by_name: dict[str, dict[str, Any]] = {}
    for row in scores_of(coop):
        entry = by_name.setdefault(row.candidate, {"candidate": row.candidate, "scores": {}})
        entry["scores"][row.criterion] = {"score": row.score, "note": row.note}
    out = []
    for entry in by_name.values():
        entry["total"] = sum(s["score"] for s in entry["scores"].values())
        entry["complete"] = set(criteria) <= set(entry["scores"])
        out.append(entry)
    out.sort(key=lambda e: (-e["total"], e["candidate"]))
    for i, entry in enumerate(out, start=1):
        entry["rank"] = i
    return out


def records_of(coop: Cooperation) -> list[SelectionRecord]:
    return list(
        db.session.scalars(
            select(SelectionRecord)
            .where(SelectionRecord.cooperation_id == coop.id)
            .order_by(SelectionRecord.at)
        )
    )


def check_choice(coop: Cooperation, inputs: dict[str, Any]) -> list[dict[str, Any]]:
    """Refuse ``tetapkan_mitra`` unless the choice is the clear winner of a complete scoring."""
    ranked = ranking(coop)
    incomplete = [e["candidate"] for e in ranked if not e["complete"]]
    if len(ranked) < 2 or incomplete:
        missing = ", ".join(incomplete) or "minimal dua calon mitra"
        raise AppError(
            "condition_not_met",
            "Penilaian belum lengkap: setiap calon mitra dinilai pada setiap kriteria "
            f"({', '.join(criteria_of(coop))}). Belum lengkap: {missing}.",
            missing=tuple(incomplete),
            basis=BASIS,
        )
    chosen = str(inputs.get("mitra_terpilih") or "").strip()
    top = ranked[0]
    if len(ranked) > 1 and ranked[1]["total"] == top["total"]:
        raise AppError(
            "condition_not_met",
            f"Nilai tertinggi sama ({top['candidate']} dan {ranked[1]['candidate']}). Tim "
            "Pemilihan perlu meninjau penilaian sebelum menetapkan mitra.",
            basis=BASIS,
        )
    if chosen != top["candidate"]:
        raise AppError(
            "condition_not_met",
            f"Mitra terpilih harus calon dengan peringkat tertinggi: {top['candidate']} "
            f"(nilai {top['total']}).",
            field_errors={"mitra_terpilih": [f"Pilih {top['candidate']}."]},
            basis=BASIS,
        )
    return ranked


def record_choice(coop: Cooperation, ranked: list[dict[str, Any]], user: User, now) -> None:
    """The berita acara of the selection; the chosen candidate becomes the partner."""
    chosen = ranked[0]["candidate"]
    db.session.add(
        SelectionRecord(
            tenant_id=coop.tenant_id,
            cooperation_id=coop.id,
            ranking=ranked,
            chosen=chosen,
            decided_by=user.id,
            at=now,
        )
    )
    coop.partner_name = chosen
    record_on_cooperation(
        coop,
        user,
        "selection.berita_acara",
        "cooperation",
        coop.id,
        f"berita acara pemilihan calon mitra: {chosen} terpilih dari {len(ranked)} calon",
        {"ranking": [{"candidate": e["candidate"], "total": e["total"]} for e in ranked]},
        at=now,
    )
