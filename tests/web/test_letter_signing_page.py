"""The sign button on the detail page (issue 16 item 4): the Kepala Daerah signs a letter SIKD
produced for the cooperation from the page — nothing to type with the local test signer, NIK and
passphrase with the TTE service — through the same service as the API (a new version, checked,
audited); the page then shows the new version's verification result."""

from __future__ import annotations

import re
from dataclasses import replace

from sqlalchemy import select

from sikd.testing.web import csrf, new_coop, text

CONTEXT = {
    "tujuan": "Ketua DPRD Kota Bekasi",
    "penandatangan": {"jabatan": "Wali Kota Bekasi", "nama": "Tri Adhianto"},
}


def rendered_letter(app, api, coop_id: int) -> dict:
    from sikd.documents.tasks import render_letter_job
    from sikd.tenancy.scope import set_tenant

    tkksd = api("32.75", "tkksd")
    asked = tkksd.post(
        f"/api/v1/cooperations/{coop_id}/letters",
        json={"kind": "surat_permohonan_dprd", "context": CONTEXT},
    )
    assert asked.status_code == 202, asked.get_json()
    letter = asked.get_json()
    with app.app_context():
        set_tenant(tkksd.user.tenant_id)
        render_letter_job(tkksd.user.tenant_id, letter["id"])
    return letter


def signing_audit(app, letter_id: int) -> list:
    from sikd.audit.models import AuditEntry
    from sikd.core.extensions import db
    from sikd.tenancy.scope import system_scope

    with app.app_context(), system_scope():
        entries = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "letter.signed")
        ).all()
        return [e.actor_user_id for e in entries if e.data.get("letter_id") == letter_id]


def sign_form(page: str, letter_id: int) -> str | None:
    found = re.search(rf'<form[^>]*id="tandatangani-{letter_id}".*?</form>', page, re.S)
    return found.group(0) if found else None


def test_kepala_daerah_signs_from_the_detail_page_and_sees_the_result(app, web, api):
    coop_id = new_coop(api)
    letter = rendered_letter(app, api, coop_id)
    sign_url = f"/kerja-sama/{coop_id}/surat/{letter['id']}/tandatangani"
    walikota = web("32.75", ["kepala_daerah"])
    page = text(walikota.get(f"/kerja-sama/{coop_id}"))
    form = sign_form(page, letter["id"])
    assert form is not None and f"Tandatangani surat {letter['nomor']}" in form
    assert 'name="nik"' not in form and 'name="passphrase"' not in form  # the local signer
    assert 'data-tte="tidak_ditandatangani"' in page

    no_token = walikota.post(sign_url, data={})
    assert no_token.status_code == 400 and signing_audit(app, letter["id"]) == []

    signed = walikota.post(sign_url, data={"csrf_token": csrf(page)})
    assert signed.status_code == 302, text(signed)
    after = text(walikota.get(signed.headers["Location"]))
    assert f"Surat nomor {letter['nomor']} ditandatangani (versi 2)" in after
    assert "Ditandatangani secara elektronik oleh" in after and "sertifikat sah" in after
    assert 'data-tte="sah"' in after
    assert sign_form(after, letter["id"]) is None  # signed: no second button
    assert signing_audit(app, letter["id"]) == [walikota.user.id]


def test_staff_and_other_tenants_cannot_sign_from_the_page(app, web, api):
    coop_id = new_coop(api)
    letter = rendered_letter(app, api, coop_id)
    sign_url = f"/kerja-sama/{coop_id}/surat/{letter['id']}/tandatangani"
    tkksd = web("32.75", ["tkksd"])
    page = text(tkksd.get(f"/kerja-sama/{coop_id}"))
    assert sign_form(page, letter["id"]) is None
    refused = tkksd.post(sign_url, data={"csrf_token": csrf(page)})
    assert refused.status_code == 403 and "pejabat penandatangan" in text(refused)
    solo = web("33.72", ["kepala_daerah"])
    token = csrf(text(solo.get("/akun/token")))
    assert solo.post(sign_url, data={"csrf_token": token}).status_code == 404
    # a letter of another cooperation through this one's address: 404 too
    walikota = web("32.75", ["kepala_daerah"])
    other = new_coop(api)
    token = csrf(text(walikota.get(f"/kerja-sama/{other}")))
    wrong = walikota.post(
        f"/kerja-sama/{other}/surat/{letter['id']}/tandatangani", data={"csrf_token": token}
    )
    assert wrong.status_code == 404
    assert signing_audit(app, letter["id"]) == []


def test_with_the_tte_service_the_page_asks_for_nik_and_passphrase(app, web, api, monkeypatch):
    coop_id = new_coop(api)
    letter = rendered_letter(app, api, coop_id)
    settings = replace(
        app.config["SIKD_SETTINGS"], tte_signer="remote", tte_url="http://127.0.0.1:9"
    )
    monkeypatch.setitem(app.config, "SIKD_SETTINGS", settings)
    walikota = web("32.75", ["kepala_daerah"])
    page = text(walikota.get(f"/kerja-sama/{coop_id}"))
    form = sign_form(page, letter["id"])
    assert form is not None
    assert 'name="nik"' in form and 'name="passphrase"' in form and 'type="password"' in form
    missing = walikota.post(
        f"/kerja-sama/{coop_id}/surat/{letter['id']}/tandatangani",
        data={"csrf_token": csrf(page)},
    )
    assert missing.status_code == 422
    body = text(missing)
    assert 'id="penolakan"' in body and "Isi NIK dan passphrase" in body
    assert signing_audit(app, letter["id"]) == []
