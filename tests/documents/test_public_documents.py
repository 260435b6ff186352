"""A tenant publishes single documents in the public register (issue 14 item 3: "never documents
unless marked public"; issue 16 item 5: the signature check shows in the public register where a
document is public). Default private; the owning tenant's TKKSD or admin marks one document, on
the detail page or through the API, audited; the public page of the cooperation lists it with
its kind, version date and signature check, anyone downloads its current version; nothing else."""

from __future__ import annotations

import hashlib
import html
import json
import re
from datetime import date

from sqlalchemy import select

from sikd.testing import fill_fields
from sikd.testing.web import csrf, new_coop, text


def documents_of(app, coop_id: int) -> list[dict]:
    from sikd.core.extensions import db
    from sikd.documents.models import Document, DocumentVersion
    from sikd.tenancy.scope import system_scope

    with app.app_context(), system_scope():
        rows = db.session.execute(
            select(Document, DocumentVersion)
            .join(DocumentVersion, DocumentVersion.id == Document.current_version_id)
            .where(Document.cooperation_id == coop_id, Document.superseded.is_(False))
            .order_by(Document.id)
        ).all()
        return [
            {
                "id": d.id,
                "kind": d.kind,
                "title": d.title,
                "public": d.public,
                "filename": v.filename,
                "sha256": v.sha256,
                "signature": v.signature,
            }
            for d, v in rows
        ]


def audit_actions(app, doc_id: int) -> list[tuple[str, int | None]]:
    from sikd.audit.models import AuditEntry
    from sikd.core.extensions import db
    from sikd.tenancy.scope import system_scope

    with app.app_context(), system_scope():
        return [
            tuple(r)
            for r in db.session.execute(
                select(AuditEntry.action, AuditEntry.actor_user_id)
                .where(
                    AuditEntry.object_type == "document",
                    AuditEntry.object_id == str(doc_id),
                    AuditEntry.action.in_(["document.public", "document.private"]),
                )
                .order_by(AuditEntry.id)
            ).all()
        ]


def public_link(coop_id: int, doc_id: int) -> str:
    return f"/publik/kerja-sama/{coop_id}/dokumen/{doc_id}"


def href(coop_id: int, doc_id: int) -> str:
    return f'href="{public_link(coop_id, doc_id)}"'


def mark(client, coop_id: int, doc_id: int, public: bool):
    page = text(client.get(f"/kerja-sama/{coop_id}"))
    return client.post(
        f"/kerja-sama/{coop_id}/dokumen/{doc_id}/publik",
        data={"csrf_token": csrf(page), "publik": "1" if public else "0"},
    )


def signed_letter(app, api, web, coop_id: int) -> int:
    """A letter of the cooperation, rendered, signed by the Wali Kota from the detail page."""
    from sikd.documents.tasks import render_letter_job
    from sikd.tenancy.scope import set_tenant

    tkksd = api("32.75", "tkksd")
    asked = tkksd.post(
        f"/api/v1/cooperations/{coop_id}/letters",
        json={
            "kind": "surat_permohonan_dprd",
            "context": {
                "tujuan": "Ketua DPRD Kota Bekasi",
                "penandatangan": {"jabatan": "Wali Kota Bekasi", "nama": "Tri Adhianto"},
            },
        },
    )
    assert asked.status_code == 202, asked.get_json()
    letter_id = asked.get_json()["id"]
    with app.app_context():
        set_tenant(tkksd.user.tenant_id)
        render_letter_job(tkksd.user.tenant_id, letter_id)
    walikota = web("32.75", ["kepala_daerah"])
    page = text(walikota.get(f"/kerja-sama/{coop_id}"))
    signed = walikota.post(
        f"/kerja-sama/{coop_id}/surat/{letter_id}/tandatangani", data={"csrf_token": csrf(page)}
    )
    assert signed.status_code == 302, text(signed)
    return letter_id


def test_a_marked_document_shows_with_its_signature_check_and_downloads_and_no_other(
    app, api, web, cooperation_at
):
    running = cooperation_at("pelaksanaan", tenant="32.75")
    signed_letter(app, api, web, running.id)
    docs = documents_of(app, running.id)
    signed = [d for d in docs if (d["signature"] or {}).get("status") == "sah"]
    assert len(signed) == 1  # the letter the Wali Kota signed
    chosen = signed[0]
    others = [d for d in docs if d["id"] != chosen["id"]]
    assert others and not any(d["public"] for d in docs)  # default: private
    anonymous = app.test_client()
    url = f"/publik/kerja-sama/{running.id}"
    assert 'id="dokumen-publik"' not in text(anonymous.get(url))
    assert anonymous.get(public_link(running.id, chosen["id"])).status_code == 404

    tkksd = web("32.75", ["tkksd"])
    detail = text(tkksd.get(f"/kerja-sama/{running.id}"))
    assert "Umumkan di daftar publik" in detail
    marked = mark(tkksd, running.id, chosen["id"], True)
    assert marked.status_code == 302, text(marked)
    assert "diumumkan di daftar publik" in text(tkksd.get(marked.headers["Location"]))
    assert audit_actions(app, chosen["id"]) == [("document.public", tkksd.user.id)]

    page = text(anonymous.get(url))
    section = page[page.index('id="dokumen-publik"') :]
    assert href(running.id, chosen["id"]) in section
    assert html.escape(chosen["signature"]["text"], quote=False) in section
    assert "Ditandatangani secara elektronik oleh" in section and "sertifikat sah" in section
    for other in others:
        assert href(running.id, other["id"]) not in page
        assert anonymous.get(public_link(running.id, other["id"])).status_code == 404
    for d in docs:  # neither the file names nor the fingerprints leave, the chosen one's too
        assert d["filename"] not in page and d["sha256"] not in page
    assert "csrf_token" not in page

    download = anonymous.get(public_link(running.id, chosen["id"]))
    assert download.status_code == 200
    assert hashlib.sha256(download.data).hexdigest() == chosen["sha256"]
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and chosen["filename"] not in disposition
    assert "public" in download.headers["Cache-Control"]
    assert download.headers["X-Content-Type-Options"] == "nosniff"

    unmarked = mark(tkksd, running.id, chosen["id"], False)
    assert unmarked.status_code == 302
    assert 'id="dokumen-publik"' not in text(anonymous.get(url))
    assert anonymous.get(public_link(running.id, chosen["id"])).status_code == 404
    assert [a for a, _ in audit_actions(app, chosen["id"])] == [
        "document.public",
        "document.private",
    ]


def test_a_public_document_of_a_cooperation_not_in_the_register_stays_hidden(app, api, kinds):
    coop_id = new_coop(api)  # a prakarsa: not signed, so not in the public register
    opd = api("32.75", "opd")
    up = opd.upload(coop_id, "kajian", kinds, date.today(), filename="kajian-internal.pdf")
    assert up.status_code == 201, up.get_json()
    doc_id = up.get_json()["id"]
    assert up.get_json()["public"] is False
    tkksd = api("32.75", "tkksd")
    path = f"/api/v1/cooperations/{coop_id}/documents/{doc_id}/public"
    marked = tkksd.client.put(path, headers=tkksd.headers, json={"public": True})
    assert marked.status_code == 200, marked.get_json()
    assert marked.get_json()["public"] is True
    anonymous = app.test_client()
    assert anonymous.get(public_link(coop_id, doc_id)).status_code == 404
    assert anonymous.get(f"/publik/kerja-sama/{coop_id}").status_code == 404
    # the document is found only through its own cooperation
    other = new_coop(api)
    assert anonymous.get(public_link(other, doc_id)).status_code == 404
    wrong = tkksd.client.put(
        f"/api/v1/cooperations/{other}/documents/{doc_id}/public",
        headers=tkksd.headers,
        json={"public": False},
    )
    assert wrong.status_code == 404


def test_only_the_owners_tkksd_or_admin_marks_and_another_tenant_gets_404(
    app, api, web, kinds, cooperation_at
):
    running = cooperation_at("pelaksanaan", tenant="32.75")
    doc = documents_of(app, running.id)[0]
    path = f"/api/v1/cooperations/{running.id}/documents/{doc['id']}/public"
    for code, role in (("33.72", "tkksd"), ("33.72", "tenant_admin"), ("32", "gubernur_verifier")):
        stranger = api(code, role)  # Surakarta; Jawa Barat supervises Bekasi and sees it
        refused = stranger.client.put(path, headers=stranger.headers, json={"public": True})
        assert refused.status_code == 404, (code, role, refused.get_json())
        page = web(code, [role])
        token = csrf(text(page.get("/akun/token")))
        posted = page.post(
            f"/kerja-sama/{running.id}/dokumen/{doc['id']}/publik",
            data={"csrf_token": token, "publik": "1"},
        )
        assert posted.status_code == 404
    opd = api("32.75", "opd")
    refused = opd.client.put(path, headers=opd.headers, json={"public": True})
    assert refused.status_code == 403 and refused.get_json()["code"] == "role_not_allowed"
    bad = opd.client.put(path, headers=opd.headers, json={"public": "mungkin"})
    assert bad.status_code == 422
    assert not documents_of(app, running.id)[0]["public"]
    assert audit_actions(app, doc["id"]) == []
    admin = api("32.75", "tenant_admin")
    ok = admin.client.put(path, headers=admin.headers, json={"public": True})
    assert ok.status_code == 200 and ok.get_json()["public"] is True
    again = admin.client.put(path, headers=admin.headers, json={"public": True})
    assert again.status_code == 200
    assert audit_actions(app, doc["id"]) == [("document.public", admin.user.id)]
    body = text(app.test_client().get(f"/publik/kerja-sama/{running.id}"))
    assert href(running.id, doc["id"]) in body
    assert re.search(r"versi \d+, \d+ \w+ \d{4}", body)
    # superseded, it leaves the public page at once (the cache moves with it)
    superseded = admin.post(
        f"/api/v1/documents/{doc['id']}/supersede", json={"reason": "Diganti naskah baru"}
    )
    assert superseded.status_code == 200, superseded.get_json()
    anonymous = app.test_client()
    assert href(running.id, doc["id"]) not in text(
        anonymous.get(f"/publik/kerja-sama/{running.id}")
    )
    assert anonymous.get(public_link(running.id, doc["id"])).status_code == 404
    again = admin.client.put(path, headers=admin.headers, json={"public": True})
    assert again.status_code == 409  # a superseded document is not published again


def test_public_downloads_are_rate_limited_like_the_register(app, monkeypatch):
    monkeypatch.setitem(app.config, "SIKD_PUBLIC_RATE_LIMIT", "2 per minute")
    anonymous = app.test_client()
    codes = [
        anonymous.get(
            public_link(2_000_000, 1), environ_base={"REMOTE_ADDR": "10.9.8.6"}
        ).status_code
        for _ in range(3)
    ]
    assert codes == [404, 404, 429]


def test_a_new_version_uploaded_by_someone_who_may_not_publish_is_withdrawn(
    app, api, kinds, cooperation_at
):
    """Publishing is the TKKSD's decision for what it saw: a new version of a public document
    uploaded by an OPD is not public by itself — the document leaves the public register until
    the TKKSD announces it again, audited (the anonymous link answers 404 meanwhile)."""
    import io

    running = cooperation_at("pelaksanaan", tenant="32.75")
    doc = documents_of(app, running.id)[0]
    path = f"/api/v1/cooperations/{running.id}/documents/{doc['id']}/public"
    tkksd = api("32.75", "tkksd")
    assert tkksd.client.put(path, headers=tkksd.headers, json={"public": True}).status_code == 200
    anonymous = app.test_client()
    assert anonymous.get(public_link(running.id, doc["id"])).status_code == 200
    opd = api("32.75", "opd")
    uploaded = opd.post(
        f"/api/v1/cooperations/{running.id}/documents",
        data={
            "kind": doc["kind"],
            "document_id": str(doc["id"]),
            "fields": json.dumps(fill_fields(kinds[doc["kind"]], date.today())),
            "file": (io.BytesIO(b"%PDF-1.4\n% versi dua\n%%EOF\n"), "versi-dua.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert uploaded.status_code == 201, uploaded.get_json()
    assert uploaded.get_json()["public"] is False
    assert anonymous.get(public_link(running.id, doc["id"])).status_code == 404
    assert audit_actions(app, doc["id"])[-1] == ("document.private", opd.user.id)
