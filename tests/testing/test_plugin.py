"""The sikd.testing plugin's people and cooperations: the cast of an instansi, and a
cooperation brought to a stage by playing a demo story through the real services."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from sikd.cooperations.models import StageEvent
from sikd.core import clock
from sikd.core.extensions import db
from sikd.tenancy.scope import system_scope
from sikd.workflow.roles import ROLES


def test_the_cast_is_one_user_of_every_role_the_instansi_may_have(cast):
    bekasi = cast("32.75")
    kota_roles = {r.code for r in ROLES.values() if r.allowed_on("kota", "32.75")}
    assert set(bekasi.roles) == kota_roles
    assert bekasi.tkksd.roles == ["tkksd"] and bekasi.tkksd.tenant.code == "32.75"
    assert cast("32.75") is bekasi  # made once in a test
    assert cast("32").gubernur_verifier.tenant.code == "32"
    with pytest.raises(AttributeError, match="tkksd"):
        _ = bekasi.gubernur_verifier  # a Kota has no Gubernur verifier; the message lists roles
    listing = bekasi.api("tkksd").get("/api/v1/cooperations")
    assert listing.status_code == 200, listing.get_json()


def test_a_cooperation_at_a_stage_waits_there_for_the_next_actor(cooperation_at, cast, kinds):
    """Perwal Bekasi 57/2023 Pasal 66: the rencana lies with the Gubernur, who forwards it to
    the Menteri; another daerah's TKKSD sees nothing of it."""
    coop = cooperation_at("rencana_di_gubernur", tenant="32.75")
    gubernur = cast("32").api("gubernur_verifier")
    detail = gubernur.get(f"/api/v1/cooperations/{coop.id}")
    assert detail.status_code == 200 and detail.get_json()["stage"] == "rencana_di_gubernur"
    with system_scope():
        last = db.session.scalar(
            select(func.max(StageEvent.at)).where(StageEvent.cooperation_id == coop.id)
        )
        db.session.commit()
    now = datetime.now(UTC)
    assert now - timedelta(days=8) < last <= now  # fresh: its deadlines run from about now
    assert cast("32.01").api("tkksd").get(f"/api/v1/cooperations/{coop.id}").status_code == 404
    gubernur.act(coop.id, "teruskan", kinds, clock.now().date())
    assert gubernur.get(f"/api/v1/cooperations/{coop.id}").get_json()["stage"] == (
        "verifikasi_rencana"
    )


def test_a_stage_no_story_reaches_is_refused_with_the_stages_that_are(cooperation_at):
    with pytest.raises(LookupError, match="rencana_di_gubernur"):
        cooperation_at("tahap_yang_tidak_ada", tenant="32.75")
