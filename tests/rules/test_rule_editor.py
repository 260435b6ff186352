"""A daerah configures its own Perwal variant in the product, without YAML (issue: rule editor).

Kota Surakarta's tenant admin tightens the Gubernur forwarding deadline (national rule: 5 hari,
PMDN25 tahap 6, DOMAIN §4) to 3 hari and requires a 'telaah hukum' before the DPRD stage, citing
its Perwal; lengthening the DPRD deadline (PMDN25 tahap 5: 45 hari kerja) is refused naming that
rule; the Wali Kota — a second person — publishes it effective tomorrow. Cooperations started
after that date follow the new rules, those started before keep theirs.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from sikd.core.clock import FixedClock
from sikd.testing import PDF
from sikd.testing.journeys import SISTER_CITY

WIB = ZoneInfo("Asia/Jakarta")
START = datetime(2027, 1, 4, 9, 0, tzinfo=WIB)  # a Monday
REG = "PERWALSKA2026"
BASIS = {"regulation": REG, "pasal": "7", "ayat": "2"}


@pytest.fixture
def clock_at(app):
    def set_clock(instant: datetime) -> None:
        app.extensions["sikd_clock"] = FixedClock(instant)

    return set_clock


def edit(admin, op: str, **params):
    return admin.post("/api/v1/rules/draft/edits", json={"op": op, **params})


def surakarta_draft(admin) -> None:
    """The forms a Bagian Hukum officer fills in, in order."""
    assert admin.post("/api/v1/rules/draft").status_code == 201
    reg = edit(admin, "regulation", key=REG, label="Perwal Kota Surakarta Nomor X Tahun 2026")
    assert reg.status_code == 200, reg.get_json()
    up = admin.post(
        "/api/v1/rules/draft/basis-document",
        data={"file": (__import__("io").BytesIO(PDF), "perwal-surakarta-x-2026.pdf")},
        content_type="multipart/form-data",
    )
    assert up.status_code == 200, up.get_json()
    tightened = edit(
        admin,
        "tighten_deadline",
        process="luar_negeri",
        stage="rencana_di_gubernur",
        amount=3,
        unit="hari",
        basis=BASIS,
    )
    assert tightened.status_code == 200, tightened.get_json()
    kind = edit(
        admin,
        "add_document_kind",
        code="telaah_hukum",
        label="Telaah hukum Bagian Hukum",
        fields=[
            {"name": "nomor_telaah", "label": "Nomor telaah", "type": "text", "required": True},
            {"name": "kesimpulan", "label": "Kesimpulan", "type": "longtext", "required": True},
        ],
        basis=BASIS,
    )
    assert kind.status_code == 200, kind.get_json()
    required = edit(
        admin,
        "require_document",
        process="luar_negeri",
        stage="telaah_rencana",
        kind="telaah_hukum",
        basis=BASIS,
    )
    assert required.status_code == 200, required.get_json()
    report = required.get_json()
    assert report["valid"] and report["errors"] == []
    assert any("telaah_hukum" in c for c in report["changes"])


def people(cast, client) -> dict:
    """API users signed in now (a bearer token lasts 12 hours; the tests move the clock)."""
    from sikd.testing import TEST_PASSWORD
    from sikd.testing.api import ApiUser

    def api(code, role):
        return ApiUser(client, cast(code)[role], TEST_PASSWORD)

    return {
        "opd": api("33.72", "opd"),
        "tkksd": api("33.72", "tkksd"),
        "kd": api("33.72", "kepala_daerah"),
        "dprd": api("33.72", "sekretariat_dprd"),
        "gubernur": api("33", "gubernur_verifier"),
        "sekjen": api("KEMENDAGRI", "sekjen_verifier"),
        "kemlu": api("KEMLU", "kemlu_reviewer"),
    }


def kinds_of(app, coop_id: int) -> dict:
    from sikd.cooperations.models import Cooperation
    from sikd.core.extensions import db
    from sikd.tenancy.scope import system_scope

    with app.app_context(), system_scope():
        coop = db.session.get(Cooperation, coop_id)
        return dict(coop.rulebook_version.rulebook["document_kinds"])


def start(p, persyaratan=None) -> int:
    body = dict(SISTER_CITY, title="Kota Kembar Surakarta – Kota Contoh")
    if persyaratan is not None:
        body["persyaratan"] = persyaratan
    created = p["opd"].post("/api/v1/cooperations", json=body)
    assert created.status_code == 201, created.get_json()
    return created.get_json()["id"]


def to_gubernur(p, app, cid: int, today) -> list[str]:
    """Walks to the Gubernur; returns the documents the TKKSD's DPRD step asked for."""
    kinds = kinds_of(app, cid)
    p["tkksd"].act(cid, "lanjut_penjajakan", kinds, today)
    p["kd"].act(cid, "sepakat", kinds, today)
    p["sekjen"].act(cid, "beri_tanggapan", kinds, today)
    p["kemlu"].act(cid, "beri_tanggapan_kemlu", kinds, today)
    p["kd"].act(cid, "loi_ditandatangani", kinds, today)
    p["opd"].act(cid, "ajukan_telaah", kinds, today)
    listing = p["tkksd"].actions(cid)
    asked = next(a for a in listing["actions"] if a["id"] == "ajukan_ke_dprd")
    p["tkksd"].act(cid, "ajukan_ke_dprd", kinds, today)
    p["dprd"].act(cid, "setujui", kinds, today)
    p["kd"].act(cid, "sampaikan", kinds, today)
    return list(asked["missing_documents"])


def stage(p, cid: int) -> str:
    return p["tkksd"].get(f"/api/v1/cooperations/{cid}").get_json()["stage"]


def test_surakarta_tightens_through_forms_wali_kota_publishes_new_cooperations_follow(
    cast, app, client, clock_at, cli
):
    clock_at(START)
    admin = cast("33.72").api("tenant_admin")
    surakarta_draft(admin)

    # lengthening the national DPRD deadline (PMDN25 tahap 5: 45 hari kerja) is refused, in words
    longer = edit(
        admin,
        "tighten_deadline",
        process="luar_negeri",
        stage="persetujuan_dprd",
        amount=60,
        unit="hari",
        basis=BASIS,
    )
    assert longer.status_code == 422
    body = longer.get_json()
    text = str(body)
    assert "persetujuan_dprd" in text and "Permendagri 25/2020" in text
    assert "45 hari kerja" in text and "Persetujuan DPRD" in text  # the stage in words
    assert admin.get("/api/v1/rules/draft").get_json()["valid"]  # nothing of it was stored

    tomorrow = (START + timedelta(days=1)).date()
    proposed = admin.post(
        "/api/v1/rules/draft/propose", json={"effective_from": tomorrow.isoformat()}
    )
    assert proposed.status_code == 200, proposed.get_json()
    # the proposer cannot publish; the Wali Kota can
    assert admin.post("/api/v1/rules/draft/publish").status_code == 403
    p = people(cast, client)
    published = p["kd"].post("/api/v1/rules/draft/publish")
    assert published.status_code == 201, published.get_json()
    new_hash = published.get_json()["content_hash"]

    before = start(p)  # today: the variant is not in force yet
    clock_at(START + timedelta(days=1, hours=1))
    p = people(cast, client)
    after = start(p)
    coop = p["tkksd"].get(f"/api/v1/cooperations/{after}").get_json()
    assert coop["rulebook_hash"] == new_hash
    assert p["tkksd"].get(f"/api/v1/cooperations/{before}").get_json()["rulebook_hash"] != new_hash

    arrive = START + timedelta(days=2)  # Wednesday 09:00 WIB both reach the Gubernur
    clock_at(arrive)
    p = people(cast, client)
    assert "telaah_hukum" in to_gubernur(p, app, after, arrive.date())
    assert "telaah_hukum" not in to_gubernur(p, app, before, arrive.date())
    assert stage(p, after) == stage(p, before) == "rencana_di_gubernur"

    def run(day: int, hour: int):
        at = datetime.combine(arrive.date() + timedelta(days=day), datetime.min.time(), WIB)
        return cli("deadlines", "run", "--now", (at + timedelta(hours=hour)).isoformat()).output

    assert "0 tenggat dijalankan" in run(3, 23)  # day 3 is still the Gubernur's
    fired = run(4, 0)
    assert "route_direct" in fired
    assert stage(p, after) == "verifikasi_rencana"  # the 3-day fallback fired on day 4
    assert stage(p, before) == "rencana_di_gubernur"  # the old rules: 5 hari
    run(6, 0)
    assert stage(p, before) == "verifikasi_rencana"

    from sikd.testing import TEST_PASSWORD
    from sikd.testing.api import ApiUser

    admin = ApiUser(client, cast("33.72")["tenant_admin"], TEST_PASSWORD)
    history = admin.get("/api/v1/rules/history").get_json()["versions"]
    assert len(history) == 1
    entry = history[0]
    assert entry["effective_from"] == tomorrow.isoformat()
    assert "Kepala Daerah" in entry["approved_by"] and "Administrator" in entry["proposed_by"]
    assert entry["basis_document"]["filename"] == "perwal-surakarta-x-2026.pdf"
    assert entry["content_hash"] == new_hash
    assert any("rencana_di_gubernur" in d["key"] for d in entry["diff"])


def test_one_person_holding_both_roles_cannot_publish_their_own_proposal(
    client, make_user, clock_at
):
    from sikd.testing import TEST_PASSWORD
    from sikd.testing.api import ApiUser

    clock_at(START)
    both = ApiUser(client, make_user("33.72", ["tenant_admin", "kepala_daerah"]), TEST_PASSWORD)
    surakarta_draft(both)
    assert (
        both.post(
            "/api/v1/rules/draft/propose",
            json={"effective_from": START.date().isoformat()},
        ).status_code
        == 200
    )
    refused = both.post("/api/v1/rules/draft/publish")
    assert refused.status_code == 403
    assert refused.get_json()["code"] == "second_person_required"


def test_propose_needs_the_regulation_pdf_and_a_date_not_in_the_past(cast, clock_at):
    clock_at(START)
    admin = cast("33.72").api("tenant_admin")
    assert admin.post("/api/v1/rules/draft").status_code == 201
    edit(admin, "regulation", key=REG, label="Perwal Kota Surakarta Nomor X Tahun 2026")
    no_pdf = admin.post(
        "/api/v1/rules/draft/propose", json={"effective_from": START.date().isoformat()}
    )
    assert no_pdf.status_code == 422 and no_pdf.get_json()["code"] == "basis_document_missing"
    missing_basis = edit(
        admin,
        "tighten_deadline",
        process="luar_negeri",
        stage="rencana_di_gubernur",
        amount=3,
        unit="hari",
        basis={"regulation": "PERWAL99", "pasal": "1"},
    )
    assert missing_basis.status_code == 422
    assert "basis.regulation" in missing_basis.get_json()["errors"]
    past = admin.post("/api/v1/rules/draft/propose", json={"effective_from": "2026-01-01"})
    assert past.status_code == 422


def test_bad_input_to_the_editor_api_is_refused_in_indonesian_never_a_500(cast):
    admin = cast("33.72").api("tenant_admin")
    assert admin.get("/api/v1/rules/draft").status_code == 404  # no draft yet
    admin.post("/api/v1/rules/draft")
    odd = [
        {"op": "tighten_deadline", "process": "x", "stage": "y", "amount": "tiga"},
        {"op": "add_document_kind", "code": "A B", "fields": "bukan daftar", "basis": "teks"},
        {"op": "add_field", "kind": "kajian", "field": ["x"], "basis": [1]},
        {"op": "add_stage", "process": "luar_negeri", "after": "prakarsa", "stage": "x"},
        {"op": "require_document", "process": "tidak_ada", "stage": "s", "kind": "kajian"},
        {"op": "hapus_semua"},
        ["bukan", "objek"],
    ]
    for body in odd:
        response = admin.post("/api/v1/rules/draft/edits", json=body)
        assert 400 <= response.status_code < 500, (body, response.get_json())
        assert response.get_json()["message"]
    for body in ({"variant": "x"}, {"variant": {"id": 1, "processes": []}}):
        response = admin.client.put("/api/v1/rules/draft", json=body, headers=admin.headers)
        assert response.status_code in (200, 422), response.get_json()
    broken = admin.post("/api/v1/rules/draft/import", json={"yaml": "id: ["})
    assert broken.status_code == 422 and "YAML" in broken.get_json()["message"]
    assert (
        admin.post("/api/v1/rules/draft/propose", json={"effective_from": "besok"}).status_code
        == 422
    )
