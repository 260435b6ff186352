"""Random sequences of allowed actions and deadline sweeps, through the real services and
database: never an invalid state, versions only grow, the audit chain always verifies."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from sikd.accounts.models import User
from sikd.audit.services import verify_chain
from sikd.cooperations.access import get_visible
from sikd.cooperations.actions import available_actions, perform_action
from sikd.cooperations.create import NewCooperation, create_cooperation
from sikd.cooperations.models import Cooperation
from sikd.cooperations.state import engine_state, rulebook_of
from sikd.cooperations.sweep import sweep_deadlines
from sikd.core.clock import FixedClock
from sikd.core.errors import NotFound
from sikd.core.extensions import db
from sikd.documents.uploads import store_upload
from sikd.tenancy.scope import set_tenant, system_scope
from sikd.testing.api import PDF, fill_fields
from sikd.testing.journeys import SISTER_CITY
from sikd.workflow import engine

WIB = ZoneInfo("Asia/Jakarta")
ROLES = [
    ("32.75", "opd"),
    ("32.75", "tkksd"),
    ("32.75", "kepala_daerah"),
    ("32.75", "sekretariat_dprd"),
    ("32", "gubernur_verifier"),
    ("KEMENDAGRI", "sekjen_verifier"),
    ("KEMENDAGRI", "sekjen_leader"),
    ("KEMLU", "kemlu_reviewer"),
]


_USERS: dict[int, list[int]] = {}


# no shrinking: every example replays against the database; a failure prints its draws anyway
@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
)
@given(data=st.data())
def test_random_actions_and_sweeps_keep_a_valid_state_and_an_intact_audit_chain(
    app, make_user, data
):
    ids = _USERS.setdefault(id(app), [make_user(code, [role]).id for code, role in ROLES])
    with system_scope():
        users = [db.session.get(User, uid) for uid in ids]
    now = datetime(2026, 2, 2, 9, 0, tzinfo=WIB)
    app.extensions["sikd_clock"] = FixedClock(now)
    try:
        set_tenant(users[1].tenant_id)
        coop = create_cooperation(users[1], NewCooperation(**SISTER_CITY))
        bekasi = coop.tenant_id
        last_version = coop.version
        for _ in range(data.draw(st.integers(min_value=5, max_value=30), label="steps")):
            if data.draw(st.booleans(), label="sweep?"):
                now += timedelta(
                    days=data.draw(st.integers(min_value=1, max_value=60), label="days")
                )
                app.extensions["sikd_clock"] = FixedClock(now)
                sweep_deadlines(now)
            else:
                user = data.draw(st.sampled_from(users), label="who")
                set_tenant(user.tenant_id)
                try:
                    coop = get_visible(coop.id)
                except NotFound:  # only Kemlu is kept out, until it was sent there
                    assert user.tenant.code == "KEMLU"
                    continue
                choices = available_actions(user, coop)
                if not choices:
                    continue
                info = data.draw(st.sampled_from(choices), label="action")
                rulebook = rulebook_of(coop)
                for kind in info.missing_documents:
                    store_upload(
                        user,
                        coop,
                        kind,
                        io.BytesIO(PDF),
                        f"{kind}.pdf",
                        fill_fields(rulebook["document_kinds"][kind], now.date()),
                        None,
                    )
                inputs = {
                    i.name: fill_fields(
                        {"fields": [{"name": i.name, "type": i.type, "choices": list(i.choices)}]},
                        now.date(),
                    )[i.name]
                    for i in info.inputs
                    if i.required
                }
                if info.reason_required:
                    inputs["alasan"] = "Perlu diperbaiki."
                perform_action(user, coop.id, info.id, inputs, coop.version)
            with system_scope():
                coop = db.session.get(Cooperation, coop.id)
                db.session.refresh(coop)
                state = engine_state(coop)
                assert engine.is_valid_state(rulebook_of(coop), state), state
                assert coop.version >= last_version
                last_version = coop.version
                report = verify_chain(bekasi)
                assert report.ok, report
            db.session.commit()
    finally:
        app.extensions.pop("sikd_clock", None)
        set_tenant(None)
        db.session.remove()


def test_an_edited_audit_row_is_detected_and_the_app_cannot_edit_it(
    make_user, owner_engine, cli, db_session
):
    make_user("32.75", ["tkksd"])
    make_user("32.75", ["opd"])
    make_user("32.75", ["kepala_daerah"])
    assert cli("audit", "verify", "--tenant", "32.75").exit_code == 0
    # the app's own role may not change history
    denied = None
    try:
        with system_scope():
            db_session.execute(text("update audit_entries set summary = 'x'"))
    except Exception as exc:  # noqa: BLE001
        denied = str(exc)
    db_session.rollback()
    assert denied and "permission denied" in denied
    # someone with the owner's rights edits entry 2 directly in the database
    with owner_engine.begin() as conn:
        conn.execute(text("select set_config('sikd.scope', 'system', true)"))
        changed = conn.execute(
            text(
                "update audit_entries set summary = 'diubah diam-diam' where seq = 2 and tenant_id = "
                "(select id from tenants where code = '32.75')"
            )
        ).rowcount
    assert changed == 1
    result = cli("audit", "verify", "--tenant", "32.75")
    assert result.exit_code == 1
    assert "RUSAK pada entri #2" in result.output
