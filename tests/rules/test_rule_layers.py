"""Provinsi variants inherited by every kab/kota beneath them, under their own (FORMAT.md:
national → provinsi → kab/kota); export and import in FORMAT.md's YAML with the same rules;
the template gallery and Kemendagri's view of every daerah's variant."""

from __future__ import annotations

import io
from datetime import date

import yaml

from sikd.core import clock
from sikd.rules import RULES_DIR, content_hash, effective_rulebook
from sikd.testing import PDF
from sikd.testing.journeys import SISTER_CITY

PERGUB = "PERGUBJATENG2026"


def edit(user, op: str, **params):
    return user.post("/api/v1/rules/draft/edits", json={"op": op, **params})


def publish(admin, head, today: date):
    up = admin.post(
        "/api/v1/rules/draft/basis-document",
        data={"file": (io.BytesIO(PDF), "peraturan.pdf")},
        content_type="multipart/form-data",
    )
    assert up.status_code == 200, up.get_json()
    proposed = admin.post("/api/v1/rules/draft/propose", json={"effective_from": today.isoformat()})
    assert proposed.status_code == 200, proposed.get_json()
    published = head.post("/api/v1/rules/draft/publish")
    assert published.status_code == 201, published.get_json()
    return published.get_json()


def jawa_tengah_pergub(cast) -> None:
    """Jawa Tengah adds a persyarat and a 4-hari Gubernur forwarding deadline (its Pergub)."""
    admin, gubernur = cast("33").api("tenant_admin"), cast("33").api("kepala_daerah")
    assert admin.post("/api/v1/rules/draft").status_code == 201
    basis = {"regulation": PERGUB, "pasal": "9"}
    assert (
        edit(admin, "regulation", key=PERGUB, label="Pergub Jawa Tengah 1/2026").status_code == 200
    )
    added = edit(
        admin,
        "add_persyarat",
        code="rekomendasi_gubernur",
        label="Mendapat rekomendasi awal Gubernur Jawa Tengah",
        types=["KSDPL", "KSDLL"],
        basis=basis,
    )
    assert added.status_code == 200, added.get_json()
    tightened = edit(
        admin,
        "tighten_deadline",
        process="luar_negeri",
        stage="rencana_di_gubernur",
        amount=4,
        unit="hari",
        basis=basis,
    )
    assert tightened.status_code == 200, tightened.get_json()
    publish(admin, gubernur, clock.now().date())


def persyaratan_of(app, code: str) -> list[str]:
    from sikd.core.extensions import db
    from sikd.rules.versions import current_rulebook_version
    from sikd.tenancy.scope import tenant_scope
    from sikd.tenancy.services import get_tenant

    tenant = get_tenant(code)
    with tenant_scope(tenant.id):
        version = current_rulebook_version(tenant)
        db.session.commit()
    return [p["code"] for p in version.rulebook["persyaratan"]]


def test_a_jawa_tengah_pergub_applies_to_every_kab_kota_of_jawa_tengah_beneath_their_own(cast, app):
    jawa_tengah_pergub(cast)
    for code in ("33", "33.72", "33.01", "33.74"):
        assert "rekomendasi_gubernur" in persyaratan_of(app, code), code
    assert "rekomendasi_gubernur" not in persyaratan_of(app, "32.75")  # Jawa Barat: not bound

    # Surakarta's new cooperation must state the provinsi's persyarat (PMDN25 persyaratan)
    opd = cast("33.72").api("opd")
    national = list(SISTER_CITY["persyaratan"])
    refused = opd.post("/api/v1/cooperations", json=dict(SISTER_CITY, persyaratan=national))
    assert refused.status_code == 422
    ok = opd.post(
        "/api/v1/cooperations",
        json=dict(SISTER_CITY, persyaratan=[*national, "rekomendasi_gubernur"]),
    )
    assert ok.status_code == 201, ok.get_json()

    # Surakarta's editor shows the three layers, and cannot loosen the provinsi's 4 hari
    admin = cast("33.72").api("tenant_admin")
    draft = admin.post("/api/v1/rules/draft").get_json()
    assert [(la["code"], la["origin"]) for la in draft["layers"]] == [
        ("national", "file"),
        ("33", "published"),
        ("33.72", "draft"),
    ]
    assert (
        edit(admin, "regulation", key="PERWALSKA2026", label="Perwal Surakarta").status_code == 200
    )
    looser = edit(
        admin,
        "tighten_deadline",
        process="luar_negeri",
        stage="rencana_di_gubernur",
        amount=5,
        unit="hari",
        basis={"regulation": "PERWALSKA2026", "pasal": "3"},
    )
    assert looser.status_code == 422
    text = str(looser.get_json())
    assert "aturan 33" in text and "4 hari" in text and PERGUB in text
    tighter = edit(
        admin,
        "tighten_deadline",
        process="luar_negeri",
        stage="rencana_di_gubernur",
        amount=3,
        unit="hari",
        basis={"regulation": "PERWALSKA2026", "pasal": "3"},
    )
    assert tighter.status_code == 200 and tighter.get_json()["valid"]


def test_bekasi_exported_and_imported_into_a_fresh_tenant_gives_the_same_rulebook(cast):
    shipped = effective_rulebook("32.75")
    bekasi = cast("32.75").api("tenant_admin")
    exported = bekasi.get("/api/v1/rules/variant/export")
    assert exported.status_code == 200
    text = exported.get_data(as_text=True)
    assert yaml.safe_load(text) == yaml.safe_load(
        (RULES_DIR / "32.75.yaml").read_text(encoding="utf-8")
    )
    # back into Bekasi itself: the same effective rulebook, byte for byte (same content hash)
    again = bekasi.post("/api/v1/rules/draft/import", json={"yaml": text})
    assert again.status_code == 201 and again.get_json()["content_hash"] == shipped.content_hash

    # into Kota Bandung, a tenant with no variant: after publishing, the same rules
    bandung = cast("32.73").api("tenant_admin")
    assert bandung.get("/api/v1/rules/variant/export").status_code == 404
    imported = bandung.post("/api/v1/rules/draft/import", json={"yaml": text})
    assert imported.status_code == 201 and imported.get_json()["valid"], imported.get_json()
    version = publish(bandung, cast("32.73").api("kepala_daerah"), clock.now().date())

    from sikd.core.extensions import db
    from sikd.rules.models import RulebookVersion

    rulebook = db.session.get(RulebookVersion, version["id"]).rulebook
    db.session.commit()
    assert rulebook["id"] == "32.73"
    same = {**shipped.as_dict(), "id": "32.73"}
    assert rulebook == same and version["content_hash"] == content_hash(same)


def test_gallery_and_kemendagri_overview_show_who_tightened_what(cast):
    jawa_tengah_pergub(cast)
    surakarta = cast("33.72").api("tenant_admin")
    gallery = surakarta.get("/api/v1/rules/templates").get_json()["templates"]
    assert {t["code"] for t in gallery} >= {"32.75", "33"}
    started = surakarta.post("/api/v1/rules/templates/32.75/use")
    assert started.status_code == 201
    assert started.get_json()["variant"]["id"] == "33.72"

    assert surakarta.get("/api/v1/rules/overview").status_code == 403
    kemendagri = cast("KEMENDAGRI").api("sekjen_verifier")
    view = kemendagri.get("/api/v1/rules/overview").get_json()
    codes = {d["code"] for d in view["daerah"]}
    assert {"32.75", "33"} <= codes
    # Bekasi (5 hari) and Jawa Tengah (4 hari) both changed the Gubernur forwarding deadline
    differ = {d["rule"]: d for d in view["differences"]}
    gub = differ["luar_negeri.rencana_di_gubernur.deadline"]
    assert {v["code"] for v in gub["variants"]} >= {"32.75", "33"}


def test_a_newer_pergub_stricter_than_the_perwal_wins_and_the_rest_of_the_perwal_stays(cast):
    """Surakarta published 4 hari at the Gubernur plus a required telaah hukum; Jawa Tengah then
    publishes 3 hari: the Pergub binds (FORMAT.md: no loosening below), the telaah hukum stays."""
    admin, walikota = cast("33.72").api("tenant_admin"), cast("33.72").api("kepala_daerah")
    assert admin.post("/api/v1/rules/draft").status_code == 201
    basis = {"regulation": "PERWALSKA2026", "pasal": "3"}
    edit(admin, "regulation", key="PERWALSKA2026", label="Perwal Surakarta X/2026")
    edit(
        admin,
        "tighten_deadline",
        process="luar_negeri",
        stage="rencana_di_gubernur",
        amount=4,
        unit="hari",
        basis=basis,
    )
    edit(
        admin,
        "require_document",
        process="luar_negeri",
        stage="telaah_rencana",
        kind="kajian",
        basis=basis,
    )
    publish(admin, walikota, clock.now().date())

    jt_admin, gubernur = cast("33").api("tenant_admin"), cast("33").api("kepala_daerah")
    jt_admin.post("/api/v1/rules/draft")
    edit(jt_admin, "regulation", key=PERGUB, label="Pergub Jawa Tengah 1/2026")
    edit(
        jt_admin,
        "tighten_deadline",
        process="luar_negeri",
        stage="rencana_di_gubernur",
        amount=3,
        unit="hari",
        basis={"regulation": PERGUB, "pasal": "2"},
    )
    publish(jt_admin, gubernur, clock.now().date())

    from sikd.core.extensions import db
    from sikd.rules.versions import current_rulebook_version
    from sikd.tenancy.scope import tenant_scope
    from sikd.tenancy.services import get_tenant

    surakarta = get_tenant("33.72")
    with tenant_scope(surakarta.id):
        rules = current_rulebook_version(surakarta).rulebook
        db.session.commit()
    stages = {s["id"]: s for s in rules["processes"]["luar_negeri"]["stages"]}
    assert stages["rencana_di_gubernur"]["deadline"]["amount"] == 3
    assert PERGUB in stages["rencana_di_gubernur"]["deadline"]["basis"]
    assert "kajian" in stages["telaah_rencana"]["requires_documents"]
