"""Rulebook versions in the database, variant submission by a tenant admin, and the
operator's calendar override table (issue: rulebooks as validated, versioned data)."""

from __future__ import annotations

from datetime import date

import yaml

from sikd.core import clock
from sikd.rules import RULES_DIR
from sikd.testing import TEST_PASSWORD
from sikd.testing.api import ApiUser
from sikd.testing.journeys import SISTER_CITY


def bekasi_variant(dprd_amount: int, unit: str = "hari") -> str:
    data = yaml.safe_load((RULES_DIR / "32.75.yaml").read_text(encoding="utf-8"))
    data["processes"]["luar_negeri"]["stages"]["persetujuan_dprd"]["deadline"].update(
        amount=dprd_amount, unit=unit
    )
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def dprd_deadline(rulebook: dict) -> dict:
    stage = next(
        s for s in rulebook["processes"]["luar_negeri"]["stages"] if s["id"] == "persetujuan_dprd"
    )
    return stage["deadline"]


def test_admin_submits_a_tighter_variant_new_cooperations_use_it_old_ones_keep_theirs(
    client, make_user, app
):
    admin = ApiUser(client, make_user("32.75", ["tenant_admin"]), TEST_PASSWORD)
    tkksd = ApiUser(client, make_user("32.75", ["tkksd"]), TEST_PASSWORD)
    before = tkksd.post("/api/v1/cooperations", json=SISTER_CITY).get_json()
    submitted = admin.post(
        "/api/v1/rules/variant",
        json={"yaml": bekasi_variant(30), "effective_from": clock.now().date().isoformat()},
    )
    assert submitted.status_code == 201, submitted.get_json()
    new_hash = submitted.get_json()["content_hash"]
    assert new_hash != before["rulebook_hash"]
    after = tkksd.post("/api/v1/cooperations", json=SISTER_CITY).get_json()
    assert after["rulebook_hash"] == new_hash
    assert (
        tkksd.get(f"/api/v1/cooperations/{before['id']}").get_json()["rulebook_hash"]
        == before["rulebook_hash"]
    )
    from sikd.cooperations.models import Cooperation
    from sikd.core.extensions import db
    from sikd.tenancy.scope import system_scope

    with app.app_context(), system_scope():
        assert (
            dprd_deadline(db.session.get(Cooperation, after["id"]).rulebook_version.rulebook)[
                "amount"
            ]
            == 30
        )
        assert (
            dprd_deadline(db.session.get(Cooperation, before["id"]).rulebook_version.rulebook)[
                "amount"
            ]
            == 45
        )
    listing = admin.get("/api/v1/rules").get_json()
    assert listing["current"]["content_hash"] == new_hash
    assert {v["source"] for v in listing["versions"]} == {"files", "variant_upload"}


def test_variant_lengthening_the_dprd_deadline_is_refused_naming_the_national_rule(
    client, make_user
):
    admin = ApiUser(client, make_user("32.75", ["tenant_admin"]), TEST_PASSWORD)
    refused = admin.post(
        "/api/v1/rules/variant",
        json={"yaml": bekasi_variant(60), "effective_from": clock.now().date().isoformat()},
    )
    assert refused.status_code == 422
    text = str(refused.get_json()["errors"])
    assert "persetujuan_dprd" in text and "Permendagri 25/2020" in text


def test_only_a_tenant_admin_may_submit_and_the_date_is_checked(client, make_user):
    tkksd = ApiUser(client, make_user("32.75", ["tkksd"]), TEST_PASSWORD)
    assert (
        tkksd.post(
            "/api/v1/rules/variant",
            json={"yaml": bekasi_variant(30), "effective_from": "2099-01-01"},
        ).status_code
        == 403
    )
    admin = ApiUser(client, make_user("32.75", ["tenant_admin"]), TEST_PASSWORD)
    bad_date = admin.post(
        "/api/v1/rules/variant", json={"yaml": bekasi_variant(30), "effective_from": "kemarin"}
    )
    assert bad_date.status_code == 422 and "effective_from" in bad_date.get_json()["errors"]
    broken = admin.post(
        "/api/v1/rules/variant", json={"yaml": "id: [", "effective_from": "2099-01-01"}
    )
    assert broken.status_code == 422 and "YAML" in str(broken.get_json()["errors"])


def test_operator_override_changes_the_working_days_used_for_deadlines(cli, app):
    from sikd.rules.overrides import working_calendar as calendar

    day = date(2026, 3, 25)  # a Wednesday
    with app.app_context():
        assert calendar().is_working_day(day)
        version_before = calendar().version
    added = cli(
        "calendar",
        "override",
        "add",
        "2026-03-25",
        "--libur",
        "--dasar",
        "SKB 3 Menteri Nomor X Tahun 2026",
    )
    assert added.exit_code == 0, added.output
    with app.app_context():
        cal = calendar()
        assert not cal.is_working_day(day)
        # deadlines record which calendar they were computed with; the table is part of it
        assert cal.version != version_before
    listed = cli("calendar", "override", "list")
    assert "2026-03-25\tlibur\tSKB 3 Menteri Nomor X Tahun 2026" in listed.output
    missing_decree = cli("calendar", "override", "add", "2026-03-26", "--libur", "--dasar", " ")
    assert missing_decree.exit_code != 0 and "keputusan" in missing_decree.output.lower()
    assert cli("calendar", "override", "remove", "2026-03-25").exit_code == 0
    with app.app_context():
        assert calendar().is_working_day(day)
