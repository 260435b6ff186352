"""Cost and benefit of a cooperation (the field study: cost was never weighed): per year and
source of funds (APBD and others) what it cost, how many benefited and what resulted. Recorded
by the owning daerah (TKKSD, OPD, Kepala Daerah), audited; read by all who see the cooperation."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from sikd.accounts.models import User
from sikd.audit import services as audit
from sikd.cooperations.models import Cooperation
from sikd.core import clock
from sikd.core.errors import AppError
from sikd.core.extensions import db
from sikd.register.models import BUDGET_SOURCES, CooperationBudget

BUDGET_ROLES = ("tkksd", "opd", "kepala_daerah")


def may_record(user: User, coop: Cooperation) -> bool:
    return user.tenant_id == coop.tenant_id and user.has_role(*BUDGET_ROLES)


def budgets_of(coop: Cooperation) -> list[CooperationBudget]:
    return list(
        db.session.scalars(
            select(CooperationBudget)
            .where(
                CooperationBudget.tenant_id == coop.tenant_id,
                CooperationBudget.cooperation_id == coop.id,
            )
            .order_by(CooperationBudget.year, CooperationBudget.source)
        )
    )


LARGEST = {"jumlah": 2**63 - 1, "penerima_manfaat": 2**31 - 1}  # their columns' types


def _number(value: Any, field: str, label: str, errors: dict[str, list[str]]) -> int | None:
    text = str(value or "").strip().replace(".", "").replace(" ", "")
    if not text:
        return None
    if not text.isdigit():
        errors[field] = [f"{label} ditulis dengan angka saja, mis. 150000000."]
        return None
    if int(text) > LARGEST.get(field, 2**31 - 1):  # beyond the column: a typo, not a 500
        errors[field] = [f"{label} terlalu besar; periksa jumlah digitnya."]
        return None
    return int(text)


def record_budget(user: User, coop: Cooperation, form: dict[str, Any]) -> CooperationBudget:
    """Record (or correct) one year's figures from one source."""
    if not may_record(user, coop):
        raise AppError(
            "role_not_allowed",
            "Biaya dan manfaat dicatat oleh TKKSD, Perangkat Daerah, atau Kepala Daerah "
            "daerah pemilik kerja sama.",
            status=403,
        )
    errors: dict[str, list[str]] = {}
    year = _number(form.get("tahun"), "tahun", "Tahun", errors)
    amount = _number(form.get("jumlah"), "jumlah", "Jumlah biaya", errors)
    beneficiaries = _number(
        form.get("penerima_manfaat"), "penerima_manfaat", "Penerima manfaat", errors
    )
    source = form.get("sumber") or ""
    if source not in BUDGET_SOURCES:
        errors["sumber"] = ["Pilih sumber dana: " + ", ".join(BUDGET_SOURCES.values()) + "."]
    if year is not None and not 1945 <= year <= clock.now().year + 5:
        errors["tahun"] = ["Tahun anggaran tidak valid."]
    if year is None and "tahun" not in errors:
        errors["tahun"] = ["Isi tahun anggaran."]
    if amount is None and "jumlah" not in errors:
        errors["jumlah"] = ["Isi jumlah biaya dalam rupiah (0 bila tanpa biaya)."]
    if errors:
        raise AppError(
            "invalid_input",
            "Data biaya dan manfaat belum benar: "
            + " ".join(m for msgs in errors.values() for m in msgs)
            + " Perbaiki lalu kirim kembali.",
            field_errors=errors,
        )
    now = clock.now()
    row = db.session.scalar(
        select(CooperationBudget).where(
            CooperationBudget.tenant_id == coop.tenant_id,
            CooperationBudget.cooperation_id == coop.id,
            CooperationBudget.year == year,
            CooperationBudget.source == source,
        )
    )
    before = None if row is None else {"jumlah": row.amount, "penerima": row.beneficiaries}
    if row is None:
        row = CooperationBudget(
            tenant_id=coop.tenant_id, cooperation_id=coop.id, year=year, source=source
        )
        db.session.add(row)
    row.amount, row.beneficiaries = amount, beneficiaries
    row.results = (form.get("hasil") or "").strip()[:4000] or None
    row.recorded_by, row.recorded_at = user.id, now
    db.session.flush()
    audit.record(
        tenant_id=coop.tenant_id,
        action="cooperation.budget_recorded",
        object_type="cooperation",
        object_id=coop.id,
        summary=f"Biaya {BUDGET_SOURCES[source]} {year} kerja sama {coop.number}: Rp{amount:,}".replace(
            ",", "."
        ),
        at=now,
        actor=user,
        data={
            "before": before,
            "jumlah": amount,
            "penerima": beneficiaries,
            "tahun": year,
            "sumber": source,
        },
    )
    db.session.commit()
    return row


def budget_summary(sub) -> tuple[list[tuple[str, int, int]], int]:
    """(year, APBD, other sources) over the cooperation in ``sub`` (a visible subquery), and
    how many benefited in all: one statement (summed per year, then over the years)."""
    apbd = func.coalesce(
        func.sum(CooperationBudget.amount).filter(CooperationBudget.source == "apbd"), 0
    )
    other = func.coalesce(
        func.sum(CooperationBudget.amount).filter(CooperationBudget.source != "apbd"), 0
    )
    benefited = func.coalesce(func.sum(CooperationBudget.beneficiaries), 0)
    rows = db.session.execute(
        select(CooperationBudget.year, apbd, other, benefited)
        .join(sub, sub.c.id == CooperationBudget.cooperation_id)
        .group_by(CooperationBudget.year)
        .order_by(CooperationBudget.year)
    ).all()
    return [(str(y), int(a), int(o)) for y, a, o, _b in rows], sum(int(b) for *_r, b in rows)
