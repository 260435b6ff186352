"""Seeding the demo cooperations: all of them, or none.

The stories are validated against the rulebooks first (:func:`validate_stories`); then every
step of every story is played in one chronological order inside **one database transaction**
(the services' own commits become savepoints). Any failure rolls the whole demo back, removes
the PDFs already stored, and raises :class:`DemoDataError`: ``make run`` stops with the
message instead of serving half a demo.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event, func, select, update
from sqlalchemy.orm import Session

from sikd.cooperations.models import Cooperation
from sikd.cooperations.sweep import sweep_deadlines
from sikd.core import clock
from sikd.core.extensions import db
from sikd.core.jobs import PENDING_JOBS
from sikd.notifications.models import Notification
from sikd.tenancy.models import Tenant
from sikd.tenancy.scope import system_scope

from .accounts import DemoAccount, ensure_daerah_accounts
from .errors import DemoDataError
from .play import Player
from .schedule import schedule
from .stories import DEMO_DIR, Story
from .validate import valid_stories

log = logging.getLogger(__name__)
AGAIN = (
    "Perbaiki ceritanya di tenants/demo/ (periksa dengan `sikd rules check`), lalu mulai dari "
    "basis data kosong: `make clean-var` kemudian `make run`."
)


@dataclass
class DemoSummary:
    """What :func:`seed_demo_cooperations` did."""

    skipped: bool = False
    cooperations: int = 0
    by_tenant: dict[str, int] = field(default_factory=dict)
    by_stage: dict[str, int] = field(default_factory=dict)
    documents: int = 0
    seconds: float = 0.0
    accounts: list[DemoAccount] = field(default_factory=list)
    password: str | None = None  # of the accounts created now (daerah without any yet)
    error: str | None = None  # kept for callers; a failure raises instead

    def account_lines(self) -> list[str]:
        """Lines in the format of ``var/demo_accounts.txt`` for the accounts created here."""
        lines = [f"{a.email}\t{a.role}\t{a.tenant_name}" for a in self.accounts]
        if self.password and self.accounts:
            names = ", ".join(sorted({a.tenant_name for a in self.accounts}))
            lines.append(f"Kata sandi akun demo {names}: {self.password}")
        return lines


def _drop_pending_jobs(session: Session) -> None:
    session.info.pop(PENDING_JOBS, None)


@contextmanager
def one_transaction(app: Any) -> Iterator[None]:
    """Run the block in one database transaction: the session is bound to a connection whose
    transaction the services' commits only release savepoints of. Committed at the end,
    rolled back entirely on any exception."""
    engines = db.engines
    engine = engines[None]
    factory_kw = db.session.session_factory.kw
    mode = factory_kw.get("join_transaction_mode")
    db.session.remove()
    connection = engine.connect()
    outer = connection.begin()
    engines[None] = connection
    factory_kw["join_transaction_mode"] = "create_savepoint"
    try:
        yield
        db.session.commit()
        outer.commit()
    except BaseException:
        db.session.rollback()
        outer.rollback()
        raise
    finally:
        db.session.remove()
        engines[None] = engine
        if mode is None:
            factory_kw.pop("join_transaction_mode", None)
        else:
            factory_kw["join_transaction_mode"] = mode
        connection.close()


def _stored_keys() -> list[tuple[str, str | None]]:
    """The objects stored by the failing demo (read before its transaction is rolled back)."""
    from sikd.documents.models import DocumentVersion

    try:
        db.session.rollback()  # only the failed step's savepoint
        with system_scope():
            query = select(DocumentVersion.storage_key, DocumentVersion.storage_version_id)
            return [(k, v) for k, v in db.session.execute(query)]
    except Exception:  # noqa: BLE001 - the real error is the one being raised
        return []


def _forget_stored(keys: list[tuple[str, str | None]]) -> None:
    """Remove the PDFs the rolled-back demo stored (best effort: orphans are harmless)."""
    from sikd.core.storage import get_storage

    storage = get_storage()
    for key, version in keys:
        try:
            storage.delete(key, version)
        except Exception:  # noqa: BLE001 - cleanup must not hide the real error
            log.warning("PDF demo %s tidak dapat dihapus", key)


def seed_demo_cooperations(
    strict: bool = True, password: str | None = None, stories_dir: Any = DEMO_DIR
) -> DemoSummary:
    """Seed the demo cooperations (inside an app context, after the demo accounts exist).

    Does nothing when any cooperation exists. Daerah with stories but no demo accounts yet
    (Kabupaten Bogor) get theirs with ``password`` (the other demo accounts' one, when the
    caller has it) or a generated one, returned in the summary. Raises
    :class:`DemoDataError` on any failure, leaving no demo cooperation (``strict`` is
    accepted for older callers; a failure always raises)."""
    from flask import current_app

    del strict
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    t0 = time.monotonic()
    with system_scope():
        existing = db.session.scalar(select(func.count()).select_from(Cooperation))
        db.session.commit()
    if existing:
        return DemoSummary(skipped=True, seconds=time.monotonic() - t0)

    stories = valid_stories(stories_dir)
    summary = DemoSummary()
    previous_clock = app.extensions.get("sikd_clock")
    now = previous_clock.now() if previous_clock is not None else datetime.now(UTC)
    stored: list[tuple[str, str | None]] = []
    event.listen(Session, "before_commit", _drop_pending_jobs)
    try:
        with one_transaction(app):
            try:
                _play(app, stories, now, summary, password)
            except BaseException:
                stored = _stored_keys()
                raise
    except Exception as exc:
        _forget_stored(stored)
        log.exception("Data demo kerja sama gagal dibuat")
        raise DemoDataError(
            f"Data demo kerja sama gagal dibuat dan dibatalkan seluruhnya (tidak ada kerja sama "
            f"demo yang tersimpan): {getattr(exc, 'message', None) or exc}\n{AGAIN}"
        ) from exc
    finally:
        event.remove(Session, "before_commit", _drop_pending_jobs)
        if previous_clock is None:
            app.extensions.pop("sikd_clock", None)
        else:
            app.extensions["sikd_clock"] = previous_clock
    _count(summary)
    summary.seconds = time.monotonic() - t0
    log.info(
        "Data demo: %d kerja sama, %d dokumen, %.1f detik",
        summary.cooperations,
        summary.documents,
        summary.seconds,
    )
    return summary


def _play(
    app: Any, stories: list[Story], now: datetime, summary: DemoSummary, password: str | None
) -> None:
    homes = {s.code: s.home for s in stories}
    for code, home in homes.items():
        created, password = ensure_daerah_accounts(code, home.opd_unit, password)
        summary.accounts.extend(created)
    summary.password = password if summary.accounts else None
    player = Player(app)
    for slot in schedule(stories, now):
        if slot.story is None:
            app.extensions["sikd_clock"] = clock.FixedClock(slot.at)
            sweep_deadlines(slot.at)
        else:
            player.run(slot.story, slot.step, slot.at)
    # the state as the scheduler's first sweep would leave it (e.g. a lapsed LoI flagged)
    app.extensions["sikd_clock"] = clock.FixedClock(now)
    sweep_deadlines(now)
    with system_scope():
        db.session.execute(
            update(Notification)
            .where(Notification.email_status == "pending")
            .values(
                email_status="dilewati",
                email_error="Riwayat data demo: tidak dikirim lewat surel.",
            )
        )
        db.session.commit()
    summary.documents = player.documents


def _count(summary: DemoSummary) -> None:
    with system_scope():
        rows = db.session.execute(
            select(Tenant.code, Cooperation.stage).join(Tenant, Tenant.id == Cooperation.tenant_id)
        ).all()
        db.session.commit()
    for code, stage in rows:
        summary.by_tenant[code] = summary.by_tenant.get(code, 0) + 1
        summary.by_stage[stage] = summary.by_stage.get(stage, 0) + 1
    summary.cooperations = len(rows)
