"""Signing letters SIKD produces: through the adapter (the local test CA in tests, an external
TTE service in production), the signed letter is a new version of the letter's document, its
signature is checked like any upload, and the signing is audited."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import date
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from sqlalchemy import select

from sikd.audit.models import AuditEntry
from sikd.core.extensions import db
from sikd.documents import tte_local
from sikd.documents.issuing import request_letter
from sikd.documents.models import Letter
from sikd.documents.tasks import render_letter_job
from sikd.tenancy.scope import set_tenant, system_scope
from sikd.testing import TEST_PASSWORD
from sikd.testing.api import ApiUser

CONTEXT = {
    "judul": "Kota Kembar dengan Kota Contoh",
    "mitra": "Pemerintah Kota Contoh",
    "tujuan": "Ketua DPRD Kota Bekasi",
    "penandatangan": {"jabatan": "Wali Kota Bekasi", "nama": "Tri Adhianto"},
}


def rendered_letter(tenant) -> int:
    set_tenant(tenant.id)
    letter = request_letter(
        tenant.id, "surat_permohonan_dprd", CONTEXT, None,
        tanggal=date(2026, 12, 1), enqueue=lambda *a: None,
    )  # fmt: skip
    render_letter_job(tenant.id, letter.id)
    return letter.id


def versions_of(letter_id: int):
    db.session.expire_all()
    with system_scope():
        letter = db.session.get(Letter, letter_id)
        return sorted(letter.document.versions, key=lambda v: v.number)


def test_kepala_daerah_signs_a_letter_into_a_new_verified_version(app, client, make_user, tenant):
    bekasi = tenant("32.75")
    letter_id = rendered_letter(bekasi)
    walikota = ApiUser(client, make_user("32.75", ["kepala_daerah"]), TEST_PASSWORD)
    (v1,) = versions_of(letter_id)
    assert v1.signature["status"] == "tidak_ditandatangani"

    response = walikota.post(f"/api/v1/letters/{letter_id}/sign", json={})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["number"] == 2 and body["current"] is True
    assert body["signature"]["status"] == "sah"
    assert body["signature"]["signatures"][0]["signer_email"] == walikota.user.email
    assert body["filename"].endswith("(ditandatangani).pdf")

    old, new = versions_of(letter_id)
    assert (old.number, new.number) == (1, 2) and old.sha256 != new.sha256
    assert new.fields == old.fields  # nomor, tanggal and perihal carry over
    set_tenant(bekasi.id)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "letter.signed"))
    assert entry is not None and entry.actor_user_id == walikota.user.id
    assert "ditandatangani secara elektronik" in entry.summary
    assert entry.data["signature_status"] == "sah"


def test_staff_may_not_sign_and_other_tenants_do_not_see_the_letter(app, client, make_user, tenant):
    letter_id = rendered_letter(tenant("32.75"))
    staff = ApiUser(client, make_user("32.75", ["tkksd"]), TEST_PASSWORD)
    refused = staff.post(f"/api/v1/letters/{letter_id}/sign", json={})
    assert refused.status_code == 403 and refused.get_json()["code"] == "role_not_allowed"
    solo = ApiUser(client, make_user("33.72", ["kepala_daerah"]), TEST_PASSWORD)
    assert solo.post(f"/api/v1/letters/{letter_id}/sign", json={}).status_code == 404
    assert len(versions_of(letter_id)) == 1


class FakeTteService(BaseHTTPRequestHandler):
    """Stands in for the external TTE service: checks credentials, signs with its own CA."""

    ca = None
    signer = None
    seen: list[dict] = []

    def do_POST(self):  # the name http.server calls
        import base64
        import email.parser

        length = int(self.headers["Content-Length"])
        raw = self.rfile.read(length)
        message = email.parser.BytesParser().parsebytes(
            b"Content-Type: " + self.headers["Content-Type"].encode() + b"\r\n\r\n" + raw
        )
        parts = {
            p.get_param("name", header="content-disposition"): p.get_payload(decode=True)
            for p in message.get_payload()
        }
        auth = base64.b64decode(self.headers["Authorization"].split()[1]).decode()
        FakeTteService.seen.append({"path": self.path, "auth": auth, "nik": parts["nik"].decode()})
        if parts["passphrase"] != b"rahasia-uji":
            self.send_response(401)
            self.end_headers()
            return
        signed = tte_local.sign_pdf(parts["file"], self.signer, [self.ca.cert])
        self.send_response(200)
        self.send_header("Content-Type", "application/pdf")
        self.end_headers()
        self.wfile.write(signed)

    def log_message(self, *args):
        pass


@pytest.fixture
def tte_service(app, monkeypatch, tmp_path):
    ca = tte_local.make_ca("CA Uji Layanan TTE")
    FakeTteService.ca = ca
    FakeTteService.signer = tte_local.issue(ca, "Tri Adhianto", "walikota@bekasikota.go.id")
    FakeTteService.seen = []
    (tmp_path / "bsre-uji.pem").write_bytes(ca.cert_pem())
    server = HTTPServer(("127.0.0.1", 0), FakeTteService)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings = replace(
        app.config["SIKD_SETTINGS"],
        tte_signer="remote",
        tte_url=f"http://127.0.0.1:{server.server_port}",
        tte_username="sikd-uji",
        tte_password="sandi-layanan-uji",
        tte_trust_dir=tmp_path,
    )
    monkeypatch.setitem(app.config, "SIKD_SETTINGS", settings)
    yield FakeTteService
    server.shutdown()


def test_remote_tte_service_signs_with_nik_and_passphrase(
    app, client, make_user, tenant, tte_service
):
    letter_id = rendered_letter(tenant("32.75"))
    walikota = ApiUser(client, make_user("32.75", ["kepala_daerah"]), TEST_PASSWORD)
    missing = walikota.post(f"/api/v1/letters/{letter_id}/sign", json={})
    assert missing.status_code == 422 and "NIK dan passphrase" in missing.get_json()["message"]
    wrong = walikota.post(
        f"/api/v1/letters/{letter_id}/sign", json={"nik": "3275000000000001", "passphrase": "salah"}
    )
    assert wrong.status_code == 422 and "periksa NIK dan passphrase" in wrong.get_json()["message"]
    ok = walikota.post(
        f"/api/v1/letters/{letter_id}/sign",
        json={"nik": "3275000000000001", "passphrase": "rahasia-uji"},
    )
    assert ok.status_code == 201, ok.get_json()
    assert ok.get_json()["signature"]["status"] == "sah"
    assert tte_service.seen[-1] == {
        "path": "/api/sign/pdf", "auth": "sikd-uji:sandi-layanan-uji", "nik": "3275000000000001",
    }  # fmt: skip
    assert len(versions_of(letter_id)) == 2  # the refused attempts wrote nothing


def test_unconfigured_tte_service_says_so(app, client, make_user, tenant, monkeypatch):
    settings = replace(app.config["SIKD_SETTINGS"], tte_signer="remote", tte_url=None)
    monkeypatch.setitem(app.config, "SIKD_SETTINGS", settings)
    letter_id = rendered_letter(tenant("32.75"))
    walikota = ApiUser(client, make_user("32.75", ["kepala_daerah"]), TEST_PASSWORD)
    response = walikota.post(f"/api/v1/letters/{letter_id}/sign", json={})
    assert response.status_code == 503
    assert "belum dikonfigurasi" in response.get_json()["message"]
