"""The public register (no login): the demo's running cooperation is listed with title,
partner, country, type, objek, term and status — and nothing else: no documents, no decisions
or their notes, no history; a field a daerah keeps private leaves the page; rate-limited."""

from __future__ import annotations

import re

from sqlalchemy import select

from sikd.testing.web import csrf, new_coop, text


def internals(app, coop_id: int) -> list[str]:
    """What the cooperation holds that the public must never see."""
    from sikd.cooperations.models import CooperationDecision, StageEvent
    from sikd.core.extensions import db
    from sikd.documents.models import Document, DocumentVersion
    from sikd.tenancy.scope import system_scope

    with app.app_context(), system_scope():
        docs = db.session.execute(
            select(Document.title, Document.uuid, DocumentVersion.filename, DocumentVersion.sha256)
            .join(DocumentVersion, DocumentVersion.document_id == Document.id)
            .where(Document.cooperation_id == coop_id)
        ).all()
        notes = db.session.scalars(
            select(CooperationDecision.note).where(
                CooperationDecision.cooperation_id == coop_id, CooperationDecision.note.is_not(None)
            )
        ).all()
        nomor = db.session.scalars(
            select(CooperationDecision.nomor_surat).where(
                CooperationDecision.cooperation_id == coop_id,
                CooperationDecision.nomor_surat.is_not(None),
            )
        ).all()
        actors = db.session.scalars(
            select(StageEvent.actor_label).where(StageEvent.cooperation_id == coop_id)
        ).all()
    secrets = [v for d in docs for v in (d.filename, str(d.uuid), d.sha256)]
    secrets += [n for n in notes if len(n) > 8] + list(nomor) + list(set(actors))
    assert secrets, "the demo cooperation should have documents and history to hide"
    return secrets


def published_document(app, api, coop_id: int) -> int:
    """Bekasi's TKKSD marks the cooperation's first document public (through the API)."""
    from sikd.core.extensions import db
    from sikd.documents.models import Document
    from sikd.tenancy.scope import system_scope

    with app.app_context(), system_scope():
        doc_id = db.session.scalar(
            select(Document.id)
            .where(Document.cooperation_id == coop_id, Document.superseded.is_(False))
            .order_by(Document.id)
            .limit(1)
        )
    tkksd = api("32.75", "tkksd")
    marked = tkksd.client.put(
        f"/api/v1/cooperations/{coop_id}/documents/{doc_id}/public",
        headers=tkksd.headers,
        json={"public": True},
    )
    assert marked.status_code == 200, marked.get_json()
    return doc_id


def coop_of(app, coop_id: int):
    from sikd.cooperations.models import Cooperation
    from sikd.core.extensions import db
    from sikd.tenancy.scope import system_scope

    with app.app_context(), system_scope():
        c = db.session.get(Cooperation, coop_id)
        db.session.expunge(c)
        return c


def test_anonymous_public_register_lists_running_cooperation_and_nothing_else(
    app, api, cooperation_at
):
    running = cooperation_at("pelaksanaan", tenant="32.75")
    prakarsa = new_coop(api)
    coop, unsigned = coop_of(app, running.id), coop_of(app, prakarsa)
    anonymous = app.test_client()
    listing = anonymous.get("/publik/kerja-sama?daerah=32.75")
    assert listing.status_code == 200
    page = text(listing)
    assert coop.title in page and coop.partner_name in page
    assert f"/publik/kerja-sama/{running.id}" in page
    assert f"/publik/kerja-sama/{prakarsa}" not in page  # not signed: not public
    assert anonymous.get(f"/publik/kerja-sama/{prakarsa}").status_code == 404
    assert unsigned.number not in page

    detail = anonymous.get(f"/publik/kerja-sama/{running.id}")
    body = text(detail)
    assert detail.status_code == 200 and "public" in detail.headers["Cache-Control"]
    shown = re.findall(r'<dt class="col-sm-3">([^<]+)</dt>', body)
    assert shown == [
        "Daerah",
        "Nomor",
        "Mitra",
        "Negara mitra",
        "Jenis",
        "Objek",
        "Jangka waktu",
        "Status",
    ]
    for secret in internals(app, running.id):
        assert secret not in body and secret not in page, secret
    assert "/dokumen" not in body and f'/kerja-sama/{running.id}"' not in body
    assert "csrf_token" not in body  # an anonymous page carries no session form

    # a document the daerah marks public is the only thing added: its kind, version date,
    # signature check and a download link; still no file name, fingerprint or uuid of any
    doc_id = published_document(app, api, running.id)
    body = text(anonymous.get(f"/publik/kerja-sama/{running.id}"))
    links = re.findall(r'href="(/publik/kerja-sama/\d+/dokumen/\d+)"', body)
    assert links == [f"/publik/kerja-sama/{running.id}/dokumen/{doc_id}"]
    assert "Tanda tangan elektronik:" in body
    for secret in internals(app, running.id):
        assert secret not in body, secret
    assert re.findall(r'<dt class="col-sm-3">([^<]+)</dt>', body) == shown
    assert "/unduh" not in body and "/api/" not in body and "csrf_token" not in body
    tkksd = api("32.75", "tkksd")
    tkksd.client.put(
        f"/api/v1/cooperations/{running.id}/documents/{doc_id}/public",
        headers=tkksd.headers,
        json={"public": False},
    )
    assert "/dokumen/" not in text(anonymous.get(f"/publik/kerja-sama/{running.id}"))


def test_a_field_marked_private_leaves_the_public_page(app, web, cooperation_at):
    running = cooperation_at("pelaksanaan", tenant="32.75")
    coop = coop_of(app, running.id)
    anonymous = app.test_client()
    assert coop.partner_name in text(anonymous.get(f"/publik/kerja-sama/{running.id}"))

    tkksd = web("32.75", ["tkksd"])
    form = text(tkksd.get("/pengaturan/daftar-publik"))
    keep = ["judul", "negara", "jenis", "objek", "jangka_waktu", "status"]  # not "mitra"
    saved = tkksd.post(
        "/pengaturan/daftar-publik",
        data={"csrf_token": csrf(form), **{f"tampil_{k}": "1" for k in keep}},
    )
    assert saved.status_code == 302
    body = text(anonymous.get(f"/publik/kerja-sama/{running.id}"))
    assert coop.partner_name not in body and "tidak diumumkan" in body
    assert coop.title in body
    listing = text(anonymous.get("/publik/kerja-sama?daerah=32.75"))
    assert coop.partner_name not in listing
    # nor can the public find it by the hidden partner's name
    found = text(anonymous.get("/publik/kerja-sama", query_string={"q": coop.partner_name}))
    assert f'/publik/kerja-sama/{running.id}"' not in found
    # another daerah may not change Bekasi's setting: its own only
    other = web("33.72", ["tkksd"])
    other.post(
        "/pengaturan/daftar-publik",
        data={"csrf_token": csrf(text(other.get("/pengaturan/daftar-publik")))},
    )
    assert coop.title in text(anonymous.get(f"/publik/kerja-sama/{running.id}"))
    # restore for the other tests of the session
    tkksd.post(
        "/pengaturan/daftar-publik",
        data={"csrf_token": csrf(form), **{f"tampil_{k}": "1" for k in [*keep, "mitra"]}},
    )


def test_public_register_is_rate_limited(app, monkeypatch):
    monkeypatch.setitem(app.config, "SIKD_PUBLIC_RATE_LIMIT", "3 per minute")
    anonymous = app.test_client()
    codes = [
        anonymous.get(
            "/publik/kerja-sama?jenis=KSDD", environ_base={"REMOTE_ADDR": "10.9.8.7"}
        ).status_code
        for _ in range(4)
    ]
    assert codes == [200, 200, 200, 429]


def test_public_rate_limit_is_set_by_the_deployment_environment(app, monkeypatch):
    """``SIKD_PUBLIC_RATE_LIMIT`` in the environment (as the README tells a deployer) sets the
    limit per address of the public register."""
    from dataclasses import replace

    from sikd.core.config import load_settings

    assert load_settings({"SIKD_PUBLIC_RATE_LIMIT": "2 per minute"}).public_rate_limit == (
        "2 per minute"
    )
    assert load_settings({}).public_rate_limit == "120 per minute"
    settings = replace(app.config["SIKD_SETTINGS"], public_rate_limit="2 per minute")
    monkeypatch.setitem(app.config, "SIKD_SETTINGS", settings)
    anonymous = app.test_client()
    codes = [
        anonymous.get(
            "/publik/kerja-sama?jenis=KSDLL", environ_base={"REMOTE_ADDR": "10.9.8.6"}
        ).status_code
        for _ in range(3)
    ]
    assert codes == [200, 200, 429]
