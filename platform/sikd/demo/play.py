"""Playing the stories through the real services, as the real users would have.

Each step is taken by the demo account of the step's role at the step's level, at the step's
past instant (``sikd.core.clock.FixedClock``), after uploading the documents the step lists
(:func:`store_upload`, structured fields that satisfy the rulebook). Nothing here bypasses the
services; a refusal or a stage other than the expected one raises :class:`DemoDataError`.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from sikd.accounts.models import User
from sikd.cooperations.access import get_visible
from sikd.cooperations.actions import available_actions, perform_action
from sikd.cooperations.create import NewCooperation, create_cooperation
from sikd.cooperations.models import Cooperation
from sikd.cooperations.state import rules_of
from sikd.cooperations.sweep import sweep_deadlines
from sikd.core import clock
from sikd.core.errors import AppError
from sikd.core.extensions import db
from sikd.tenancy.models import KEMENDAGRI, KEMLU
from sikd.tenancy.scope import system_scope, tenant_scope
from sikd.tenancy.services import get_tenant

from .accounts import demo_email
from .content import document_fields
from .documents import OWN_UPLOADER, SURAT_KINDS, document_pdf
from .errors import DemoDataError
from .letters import letter
from .schedule import WIB
from .stories import Step, Story
from .validate import fill_input


class Player:
    def __init__(self, app: Any) -> None:
        self.app = app
        self.users: dict[tuple[str, str], User] = {}
        self.documents = 0

    # -- people

    def user(self, code: str, role: str) -> User:
        key = (code, role)
        if key not in self.users:
            email = demo_email(code, role)
            with system_scope():
                user = db.session.scalar(select(User).where(User.email == email))
            if user is None:
                raise DemoDataError(f"akun demo {email} belum ada; buat akun demo dahulu")
            self.users[key] = user
        return self.users[key]

    def who(self, story: Story, role: str, level: str) -> User:
        """The demo account holding ``role`` at ``level`` relative to the story's daerah."""
        if level == "own":
            return self.user(story.code, role)
        if level == "provinsi":
            return self.user(get_tenant(story.code).parent.code, role)
        return self.user(KEMLU if level == "kemlu" else KEMENDAGRI, role)

    @contextmanager
    def acting(self, user: User, at: datetime) -> Iterator[User]:
        self.app.extensions["sikd_clock"] = clock.FixedClock(at)
        with tenant_scope(user.tenant_id):
            db.session.refresh(user)  # its own tenant sees it (RLS); loaded for this step
            _ = user.tenant.name
            yield user

    # -- steps

    def run(self, story: Story, step: Step, at: datetime) -> None:
        if step.action == "create":
            with self.acting(self.who(story, step.role, step.level), at) as user:
                coop = create_cooperation(user, NewCooperation(**asdict(story.data)))
                story.coop_id = coop.id
        elif step.action == "sweep":
            self.app.extensions["sikd_clock"] = clock.FixedClock(at)
            sweep_deadlines(at)
        elif step.action == "upload":
            for kind in step.upload:
                self.upload(story, step, kind, self.who(story, step.role, step.level), at)
        else:
            self.act(story, step, at)
        stage = self.stage_of(story)
        if step.expect and stage != step.expect:
            raise DemoDataError(
                f"{story.file}: {story.label}: langkah {step.number} ({step.action}) berakhir "
                f"di tahap {stage}, seharusnya {step.expect}"
            )

    def stage_of(self, story: Story) -> str:
        with system_scope():
            stage = db.session.scalar(
                select(Cooperation.stage).where(Cooperation.id == story.coop_id)
            )
            db.session.commit()
        return stage

    def _inputs(self, story: Story, step: Step) -> dict[str, Any]:
        out = {}
        for name, value in step.inputs.items():
            if isinstance(value, dict):  # {date_of: mark[, else_days_from_today: n]}
                day = story.dates.get(value["date_of"])
                if day is None:
                    day = clock.now().date() + timedelta(days=value["else_days_from_today"])
                value = day.isoformat()
            out[name] = value
        return out

    def act(self, story: Story, step: Step, at: datetime) -> None:
        actor = self.who(story, step.role, step.level)
        with self.acting(actor, at) as user:
            coop = get_visible(story.coop_id)
            level = coop.holder_level
        for n, kind in enumerate(step.upload):
            uploader = (
                self.who(story, OWN_UPLOADER.get(kind, "tkksd"), "own") if level == "own" else actor
            )
            self.upload(
                story, step, kind, uploader, at - timedelta(minutes=12 * (len(step.upload) - n))
            )
        with self.acting(actor, at) as user:
            coop = get_visible(story.coop_id)
            info = next((a for a in available_actions(user, coop) if a.id == step.action), None)
            if info is None:
                raise DemoDataError(
                    f"{story.file}: {story.label}: langkah {step.number}: {user.email} tidak "
                    f"dapat {step.action} di tahap {coop.stage}"
                )
            inputs = self._inputs(story, step)
            day = at.astimezone(WIB).date().isoformat()
            for spec in info.inputs:
                if spec.required and spec.name not in inputs:
                    inputs[spec.name] = fill_input(spec, day)
            try:
                perform_action(user, coop.id, step.action, inputs, coop.version)
            except AppError as exc:
                raise DemoDataError(
                    f"{story.file}: {story.label}: langkah {step.number}: {step.action} "
                    f"ditolak: {exc.message}"
                ) from exc

    def upload(self, story: Story, step: Step, kind: str, uploader: User, at: datetime) -> None:
        from sikd.documents.uploads import store_upload

        today = at.astimezone(WIB).date()
        with self.acting(uploader, at) as user:
            coop = get_visible(story.coop_id)
            owner = coop.tenant
            spec = rules_of(coop).document_kind(kind)
            names = [f["name"] for f in spec.get("fields") or ()]
            if kind in SURAT_KINDS:
                fields, pdf = letter(story, kind, coop, user, today, step.action)
            else:
                content = document_fields(kind, story, owner, today)
                fields = {k: v for k, v in content.items() if k in names}
                pdf = document_pdf(
                    kind, spec.get("label", kind), story, owner, spec, fields, today, coop.number
                )
            fields = {k: v for k, v in fields.items() if k in names}
            try:
                store_upload(user, coop, kind, io.BytesIO(pdf), f"{kind}.pdf", fields, None)
            except Exception as exc:
                db.session.rollback()
                message = getattr(exc, "message", str(exc))
                raise DemoDataError(
                    f"{story.file}: {story.label}: langkah {step.number}: unggah {kind} "
                    f"ditolak: {message}"
                ) from exc
        self.documents += 1
