"""Importing legacy cooperation: upload, map columns (remembered per tenant), preview with each
bad row's reason, then an RQ job that writes the good rows with its progress on the import row.

Each cooperation enters at its real stage (e.g. ``pelaksanaan`` with its term), its history says
it was imported (and from which file and line), its documents can be filed later. A row is
written inside a savepoint: a row that fails leaves nothing behind. A row whose key (title,
partner, type, term) was imported before is skipped, so importing a file twice adds nothing."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from sqlalchemy import select

from sikd.accounts.models import User
from sikd.audit import services as audit
from sikd.cooperations import schedules
from sikd.cooperations.access import parent_provinsi
from sikd.cooperations.history import actor_label
from sikd.cooperations.models import (
    FOREIGN_TYPES,
    Cooperation,
    CooperationAccess,
    CooperationStatus,
    StageEvent,
)
from sikd.cooperations.state import TERM_KINDS
from sikd.core import clock
from sikd.core.errors import AppError, NotFound
from sikd.core.extensions import db
from sikd.core.jobs import enqueue_after_commit
from sikd.deadlines.models import Deadline
from sikd.deadlines.services import open_deadlines
from sikd.register.models import ImportedRow, ImportMapping, ImportStatus, RegisterImport
from sikd.register.reading import Checker, Row, check_rows, guess_mapping, read_table
from sikd.routing.services import open_hop, tenant_by_code
from sikd.rules.calendar import WorkingCalendar
from sikd.rules.overrides import working_calendar
from sikd.rules.versions import current_rulebook_version
from sikd.tenancy.models import KEMENDAGRI, Tenant
from sikd.tenancy.scope import scoped, system_scope, tenant_scope
from sikd.tenancy.sequences import next_number
from sikd.workflow.rulebook import Rulebook
from sikd.workflow.transitions import opened as stage_deadlines

PROGRESS_EVERY = 100
JOB_TIMEOUT = 2 * 3600  # 20,000 rows at the slowest measured rate, with room
PREVIEW_ERRORS = 500


def may_import(user: User) -> None:
    if not user.tenant.is_daerah:
        raise AppError(
            "not_a_daerah", "Hanya pemerintah daerah yang mengimpor kerja samanya.", status=403
        )
    if not user.has_role("tkksd", "kepala_daerah"):
        raise AppError(
            "role_not_allowed",
            "Impor kerja sama lama dilakukan oleh TKKSD atau Kepala Daerah.",
            status=403,
        )


def remembered_mapping(tenant_id: int) -> dict[str, str]:
    row = db.session.scalar(scoped(ImportMapping, tenant_id))
    return dict(row.mapping) if row else {}


def upload(user: User, filename: str, content: bytes) -> RegisterImport:
    """Store the file and read its columns (the file is checked, nothing imported yet)."""
    may_import(user)
    headers, rows = read_table(content, filename)
    now = clock.now()
    imp = RegisterImport(
        tenant_id=user.tenant_id,
        filename=(filename or "berkas")[-200:],
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        headers=headers,
        mapping=guess_mapping(headers, remembered_mapping(user.tenant_id)),
        status=ImportStatus.UPLOADED,
        total=len(rows),
        errors=[],
        created_by=user.id,
        created_at=now,
    )
    db.session.add(imp)
    db.session.flush()
    audit.record(
        tenant_id=user.tenant_id,
        action="register.import_uploaded",
        object_type="register_import",
        object_id=imp.id,
        summary=f"Berkas impor '{imp.filename}' diunggah ({imp.total} baris)",
        at=now,
        actor=user,
        data={"sha256": imp.sha256},
    )
    db.session.commit()
    return imp


def get_import(import_id: int, tenant_id: int) -> RegisterImport:
    imp = db.session.scalar(scoped(RegisterImport, tenant_id).where(RegisterImport.id == import_id))
    if imp is None:
        raise NotFound(
            "not_found",
            "Impor ini tidak ada atau milik daerah lain. Buka Impor Kerja Sama untuk mengunggah berkas.",
        )
    return imp


def checker_for(tenant: Tenant) -> Checker:
    return Checker(Rulebook(current_rulebook_version(tenant).rulebook), clock.now().year)


def preview(imp: RegisterImport, tenant: Tenant, mapping: dict[str, str]) -> dict[str, Any]:
    """How many rows would be imported, and each bad row with its reasons."""
    headers, rows = read_table(imp.content, imp.filename)
    good, bad, sample = 0, [], []
    for row, line, errors in check_rows(checker_for(tenant), headers, rows, mapping):
        if row is None:
            if len(bad) < PREVIEW_ERRORS:
                bad.append({"baris": line, "alasan": errors})
            else:
                bad.append(None)
        else:
            good += 1
            if len(sample) < 10:
                sample.append(row)
    shown = [b for b in bad if b is not None]
    return {"good": good, "bad": shown, "bad_count": len(bad), "sample": sample}


def confirm(user: User, imp: RegisterImport, mapping: dict[str, str]) -> None:
    """Remember the mapping for the tenant and queue the import job."""
    may_import(user)
    if imp.status != ImportStatus.UPLOADED:
        raise AppError(
            "conflict",
            "Impor ini sudah dijalankan; unggah berkas lagi untuk impor baru.",
            status=409,
        )
    now = clock.now()
    imp.mapping = mapping
    imp.status = ImportStatus.QUEUED
    saved = db.session.scalar(scoped(ImportMapping, user.tenant_id))
    if saved is None:
        db.session.add(ImportMapping(tenant_id=user.tenant_id, mapping=mapping, updated_at=now))
    else:
        saved.mapping, saved.updated_at = mapping, now
    audit.record(
        tenant_id=user.tenant_id,
        action="register.import_started",
        object_type="register_import",
        object_id=imp.id,
        summary=f"Impor '{imp.filename}' dijalankan",
        at=now,
        actor=user,
        data={"mapping": mapping},
    )
    enqueue_after_commit(
        "default",
        "sikd.register.tasks.import_job",
        imp.id,
        imp.tenant_id,
        job_timeout=JOB_TIMEOUT,
    )
    db.session.commit()


def _grant_new(coop: Cooperation, row: Row, grantees, now) -> None:
    """The grants a new cooperation gets (``access.grant``), in one system scope: the row is
    new, so no grant exists yet (Kemlu only for a foreign cooperation)."""
    with system_scope():
        for grantee, reason in grantees:
            if grantee is None or grantee.id == coop.tenant_id:
                continue
            if reason == "kemlu" and row.type not in FOREIGN_TYPES:
                continue
            db.session.add(
                CooperationAccess(
                    tenant_id=grantee.id,
                    cooperation_id=coop.id,
                    owner_tenant_id=coop.tenant_id,
                    reason=reason,
                    created_at=now,
                )
            )
        db.session.flush()


def _history(coop: Cooperation, row: Row, imp: RegisterImport, user: User, now) -> str:
    """The one step of its history: imported, from which file and line (documents later)."""
    where = f"berkas '{imp.filename}' baris {row.number}"
    db.session.add(
        StageEvent(
            tenant_id=coop.tenant_id,
            cooperation_id=coop.id,
            at=now,
            from_stage=None,
            to_stage=row.stage,
            action=None,
            kind="import",
            actor_user_id=user.id,
            actor_tenant_id=coop.tenant_id,
            actor_label=actor_label(user),
            inputs={"impor": imp.id, "baris": row.number, "nomor_asal": row.source_number},
            skipped=[],
            basis=f"Diimpor dari {where}; dokumen dapat dilampirkan kemudian.",
        )
    )
    return where


def _signed(rules: Rulebook, row: Row) -> bool:
    """Running at pelaksanaan or a later stage of its own: it was signed (its term is known)."""
    ids = rules.stage_ids(row.process)
    return (
        row.status == CooperationStatus.BERJALAN
        and row.term_start is not None
        and "pelaksanaan" in ids
        and row.stage in ids
        and ids.index(row.stage) >= ids.index("pelaksanaan")
    )


def _arm_signed(
    coop: Cooperation, row: Row, rules: Rulebook, cal: WorkingCalendar, now: datetime
) -> list[Deadline]:
    """What signing arms (``actions.apply_decision`` entering pelaksanaan), from the row's real
    dates rather than the day of the import: the deadlines of the stage it enters, counted
    from the signing day (its term start) or from the term's dates where the rulebook counts
    from the naskah; and the yearly schedules (:func:`schedules.arm_catching_up`, which says
    what happens to due dates already past: the next sweep takes them, none is skipped)."""
    start = row.term_start
    signed_at = datetime(start.year, start.month, start.day, 12, tzinfo=schedules.zone(coop))
    term = {"tanggal_mulai_berlaku": row.term_start, "tanggal_berakhir": row.term_end}

    def field_of(kind: str, name: str):
        return term.get(name) if kind in TERM_KINDS else None

    specs = stage_deadlines(rules, row.process, row.stage)
    here = open_deadlines(coop, specs, signed_at, cal, field_of)
    return here + schedules.arm_catching_up(
        coop, now, signed_on=row.term_start, calendar_version=cal.version
    )


def _write(
    row: Row,
    imp: RegisterImport,
    user: User,
    tenant: Tenant,
    version,
    rules,
    grantees,
    cal: WorkingCalendar,
) -> Cooperation:
    now = clock.now()
    coop = Cooperation(
        tenant_id=tenant.id,
        number=f"KS/{tenant.code}/{row.year}/{next_number(tenant.id, row.year, 'kerja_sama'):04d}",
        year=row.year,
        type=row.type,
        subtype=row.subtype,
        title=row.title,
        partner_name=row.partner_name,
        partner_kind=row.partner_kind,
        partner_country=row.partner_country,
        objek=row.objek,
        persyaratan=[],
        prakarsa_origin="daerah",
        facts=[],
        flags=[],
        process=row.process,
        stage=row.stage,
        status=row.status,
        holder_level="own",
        holder_tenant_id=tenant.id,
        stage_entered_at=now,
        rulebook_version_id=version.id,
        version=1,
        term_start=row.term_start,
        term_end=row.term_end,
        created_by=user.id,
        created_at=now,
        updated_at=now,
    )
    db.session.add(coop)
    db.session.flush()
    _grant_new(coop, row, grantees, now)
    running = row.status == CooperationStatus.BERJALAN
    armed = _arm_signed(coop, row, rules, cal, now) if _signed(rules, row) else []
    here = sorted((d for d in armed if d.stage == row.stage), key=lambda d: d.due_at)
    if running:
        roles = rules.roles_of(row.process, row.stage)
        open_hop(coop, row.stage, "own", tenant, roles, now, here[0].due_at if here else None)
    where = _history(coop, row, imp, user, now)
    db.session.add(
        ImportedRow(
            tenant_id=tenant.id,
            row_key=row.key,
            cooperation_id=coop.id,
            import_id=imp.id,
            source_number=row.source_number,
        )
    )
    # the list facts (summary.refresh_summary): the stage's first open deadline, if any
    coop.stage_label = rules.label_of(row.process, row.stage)[:300]
    coop.holder_roles = rules.roles_of(row.process, row.stage) if running else []
    coop.holder_since = now if running else None
    coop.next_due_at = here[0].due_at if here else None
    coop.next_due_unit = here[0].spec.get("unit") if here else None
    audit.record(
        tenant_id=tenant.id,
        action="cooperation.imported",
        object_type="cooperation",
        object_id=coop.id,
        summary=f"Kerja sama {coop.number} '{coop.title}' diimpor dari {where}",
        at=now,
        actor=user,
        data={
            "stage": row.stage,
            "import": imp.id,
            "deadlines": sorted({d.jadwal or d.stage for d in armed}),
        },
    )
    return coop


def _error(imp: RegisterImport, line: int, reasons: list[str]) -> None:
    imp.failed += 1
    if len(imp.errors) < PREVIEW_ERRORS:
        imp.errors = [*imp.errors, {"baris": line, "alasan": reasons}]


def run_import(import_id: int, tenant_id: int) -> RegisterImport:
    """The job: write each good row in its own savepoint, progress committed every 100 rows."""
    with tenant_scope(tenant_id):
        imp = get_import(import_id, tenant_id)
        if imp.status not in (ImportStatus.QUEUED, ImportStatus.RUNNING):
            return imp
        tenant = db.session.get(Tenant, tenant_id)
        user = db.session.get(User, imp.created_by)
        version = current_rulebook_version(tenant)
        rules = Rulebook(version.rulebook)
        cal = working_calendar()
        grantees = [
            (parent_provinsi(tenant), "provinsi"),
            (tenant_by_code(KEMENDAGRI), "kemendagri"),
            (tenant_by_code("KEMLU"), "kemlu"),
        ]
        known = set(
            db.session.scalars(
                select(ImportedRow.row_key).where(ImportedRow.tenant_id == tenant_id)
            )
        )
        imp.status, imp.done, imp.created, imp.skipped, imp.failed, imp.errors = (
            ImportStatus.RUNNING,
            0,
            0,
            0,
            0,
            [],
        )
        db.session.commit()
        headers, rows = read_table(imp.content, imp.filename)
        checker = Checker(rules, clock.now().year)
        for row, line, reasons in check_rows(checker, headers, rows, imp.mapping):
            imp.done += 1
            if row is None:
                _error(imp, line, reasons)
            elif row.key in known:
                imp.skipped += 1
            else:
                try:
                    with db.session.begin_nested():
                        _write(row, imp, user, tenant, version, rules, grantees, cal)
                    known.add(row.key)
                    imp.created += 1
                except Exception as exc:  # noqa: BLE001 - the row is refused, the import goes on
                    _error(imp, line, [f"Baris tidak dapat disimpan: {type(exc).__name__}."])
            if imp.done % PROGRESS_EVERY == 0:
                db.session.commit()
        imp.status, imp.finished_at = ImportStatus.DONE, clock.now()
        audit.record(
            tenant_id=tenant_id,
            action="register.import_finished",
            object_type="register_import",
            object_id=imp.id,
            summary=(
                f"Impor '{imp.filename}' selesai: {imp.created} dibuat, {imp.skipped} sudah ada, "
                f"{imp.failed} ditolak"
            ),
            at=imp.finished_at,
            actor=user,
        )
        db.session.commit()
        return imp
