"""Electronic signatures in the process: every uploaded PDF's signature is checked and shown
(API, detail page); a daerah's variant can require the Kepala Daerah's valid signature on the
signed naskah (Perwal Bekasi 57/2023 Pasal 71(1)-(2): the Wali Kota signs the naskah asli and
sends it to the Menteri), national default: recorded, not required. Test CA generated here."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
import yaml

from sikd.documents import tte_local
from sikd.rules import effective_rulebook
from sikd.rules.loader import RULES_DIR
from sikd.testing import TEST_PASSWORD, login
from sikd.testing.api import ApiUser, fill_fields

SISTER_CITY = {
    "type": "KSDPL",
    "subtype": "kota_kembar",
    "title": "Kota Kembar Bekasi – Kota Contoh",
    "partner_name": "Pemerintah Kota Contoh",
    "partner_kind": "pemerintah_daerah",
    "partner_country": "JP",
    "objek": ["pertukaran_budaya"],
    "prakarsa_origin": "daerah",
    "pemetaan_ref": "Keputusan Wali Kota tentang Daftar Rencana Program Kerja Sama 2026",
}


@pytest.fixture
def operator_ca(app, tmp_path, monkeypatch):
    """The operator's trust store (BSrE roots in production) holding a CA made for this test."""
    ca = tte_local.make_ca("CA Uji Operator")
    (tmp_path / "ca-uji-operator.pem").write_bytes(ca.cert_pem())
    settings = replace(app.config["SIKD_SETTINGS"], tte_trust_dir=tmp_path)
    monkeypatch.setitem(app.config, "SIKD_SETTINGS", settings)
    return ca


@pytest.fixture
def people(client, make_user):
    def api(code, role):
        return ApiUser(client, make_user(code, [role]), TEST_PASSWORD)

    return {
        "admin": make_user("32.75", ["tenant_admin"]),
        "opd": api("32.75", "opd"),
        "tkksd": api("32.75", "tkksd"),
        "walikota": api("32.75", "kepala_daerah"),
        "dprd": api("32.75", "sekretariat_dprd"),
        "gubernur": api("32", "gubernur_verifier"),
        "sekjen": api("KEMENDAGRI", "sekjen_verifier"),
        "menteri": api("KEMENDAGRI", "sekjen_leader"),
        "kemlu": api("KEMLU", "kemlu_reviewer"),
    }


def naskah_pdf() -> bytes:
    from weasyprint import HTML

    return HTML(string="<h1>Naskah Kerja Sama Kota Kembar</h1><p>Pasal 1.</p>").write_pdf()


def require_signature_variant(admin_user, today) -> None:
    """Kota Bekasi's tenant admin adds the requirement to its Perwal variant (audited)."""
    from sikd.accounts.models import User
    from sikd.core.extensions import db
    from sikd.rules.services import submit_variant
    from sikd.tenancy.scope import system_scope

    with system_scope():
        admin_user = db.session.get(User, admin_user.id)
        admin_user.tenant  # noqa: B018 - loaded while visible
    variant = yaml.safe_load((RULES_DIR / "32.75.yaml").read_text(encoding="utf-8"))
    variant.setdefault("document_kinds", {})["naskah_ditandatangani"] = {
        "signature": {"required": True, "basis": "PERWAL57 Pasal 71(1)-(2)"}
    }
    submit_variant(admin_user, yaml.safe_dump(variant, allow_unicode=True), today)


def to_penandatanganan(p, kinds, today) -> int:
    body = dict(SISTER_CITY)
    body["persyaratan"] = [
        x["code"] for x in kinds["__persyaratan__"] if "KSDPL" in (x.get("types") or ["KSDPL"])
    ]
    created = p["opd"].post("/api/v1/cooperations", json=body)
    assert created.status_code == 201, created.get_json()
    cid = created.get_json()["id"]
    for who, action in (
        ("tkksd", "lanjut_penjajakan"), ("walikota", "sepakat"), ("sekjen", "beri_tanggapan"),
        ("kemlu", "beri_tanggapan_kemlu"),
        ("walikota", "loi_ditandatangani"), ("opd", "ajukan_telaah"), ("tkksd", "ajukan_ke_dprd"),
        ("dprd", "setujui"), ("walikota", "sampaikan"), ("gubernur", "teruskan"),
        ("sekjen", "pertimbangan_lanjut"), ("walikota", "sampaikan"), ("gubernur", "teruskan"),
        ("sekjen", "kirim_ke_kemlu"), ("kemlu", "terbitkan_surat_konfirmasi"),
        ("menteri", "setujui"),
    ):  # fmt: skip
        p[who].act(cid, action, kinds, today)
    p["walikota"].act(
        cid, "laporkan_rencana", kinds, today,
        inputs={"rencana_tempat": "Bekasi", "rencana_tanggal": (today + timedelta(days=20)).isoformat()},
    )  # fmt: skip
    return cid


def upload_naskah(p, cid, kinds, today, content: bytes, document_id: int | None = None):
    import io
    import json

    data = {
        "kind": "naskah_ditandatangani",
        "fields": json.dumps(fill_fields(kinds["naskah_ditandatangani"], today)),
        "file": (io.BytesIO(content), "naskah.pdf"),
    }
    if document_id:
        data["document_id"] = str(document_id)
    response = p["walikota"].post(
        f"/api/v1/cooperations/{cid}/documents", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def take(p, cid, action="kirim_naskah_asli"):
    version = p["walikota"].actions(cid)["version"]
    return p["walikota"].post(
        f"/api/v1/cooperations/{cid}/actions/{action}",
        json={"inputs": {}, "expected_version": version},
    )


def test_variant_requiring_the_kepala_daerahs_signature_refuses_until_a_valid_one_is_uploaded(
    app, client, people, operator_ca
):
    """Perwal Bekasi 57/2023 Pasal 71(1)-(2), made strict by a tenant variant."""
    from sikd.core import clock

    p, today = people, clock.now().date()
    require_signature_variant(p["admin"], today)
    book = effective_rulebook("32.75").as_dict()
    kinds = dict(book["document_kinds"], __persyaratan__=book["persyaratan"])
    cid = to_penandatanganan(p, kinds, today)
    unsigned = naskah_pdf()

    doc = upload_naskah(p, cid, kinds, today, unsigned)
    assert doc["versions"][0]["signature"]["status"] == "tidak_ditandatangani"
    refused = take(p, cid)
    assert refused.status_code == 422
    body = refused.get_json()
    assert body["code"] == "signature_required" and body["missing"] == ["naskah_ditandatangani"]
    assert "harus ditandatangani secara elektronik oleh Kepala Daerah" in body["message"]
    assert "berkas terkininya tidak ditandatangani" in body["message"]
    assert "(dasar: Perwal Bekasi 57/2023 Pasal 71(1)-(2))" in body["message"]
    ready = {a["id"]: a["ready"] for a in p["walikota"].actions(cid)["actions"]}
    assert ready["kirim_naskah_asli"] is False

    # signed by a certificate the trust store does not know
    stranger_ca = tte_local.make_ca("CA Tak Dikenal")
    stranger = tte_local.issue(stranger_ca, "Wali Kota", p["walikota"].user.email)
    forged = tte_local.sign_pdf(unsigned, stranger, [stranger_ca.cert])
    upload_naskah(p, cid, kinds, today, forged, doc["id"])
    refused = take(p, cid).get_json()
    assert refused["code"] == "signature_required"
    assert "tanda tangannya tidak sah: sertifikat tidak dikenal" in refused["message"]

    # trusted, but signed by the TKKSD officer, not the Kepala Daerah
    staff = tte_local.issue(operator_ca, "Staf TKKSD", p["tkksd"].user.email)
    upload_naskah(
        p, cid, kinds, today, tte_local.sign_pdf(unsigned, staff, [operator_ca.cert]), doc["id"]
    )
    refused = take(p, cid).get_json()
    assert refused["code"] == "signature_required"
    assert "bukan pengguna SIKD dengan peran Kepala Daerah" in refused["message"]

    # the Wali Kota's own valid signature: the naskah goes to the Menteri for the salinan
    walikota = tte_local.issue(operator_ca, "Tri Adhianto", p["walikota"].user.email.upper())
    signed = tte_local.sign_pdf(unsigned, walikota, [operator_ca.cert])
    doc = upload_naskah(p, cid, kinds, today, signed, doc["id"])
    assert doc["versions"][-1]["signature"]["status"] == "sah"
    assert take(p, cid).status_code == 200
    assert p["tkksd"].get(f"/api/v1/cooperations/{cid}").get_json()["stage"] == "penerbitan_salinan"
    p["sekjen"].act(cid, "terbitkan_salinan", kinds, today)

    # the result in the API (one version) and on the detail page, in Indonesian
    version_id = doc["versions"][-1]["id"]
    got = p["sekjen"].get(f"/api/v1/documents/{doc['id']}/versions/{version_id}").get_json()
    assert got["signature"]["status"] == "sah"
    assert got["signature_text"].startswith(
        "Ditandatangani secara elektronik oleh Tri Adhianto pada"
    )
    assert got["signature_text"].endswith("sertifikat sah.")
    web = app.test_client()
    login(web, p["tkksd"].user.email)
    page = web.get(f"/kerja-sama/{cid}").get_data(as_text=True)
    assert "Ditandatangani secara elektronik oleh Tri Adhianto" in page
    assert "sertifikat tidak dikenal" in page and "Tidak ditandatangani secara elektronik." in page


def test_national_default_records_the_signature_but_does_not_require_it():
    """PMDN25 tahap 10 / Perwal Bekasi 57/2023 Pasal 71: recorded, not required by default."""
    for code in ("32.75", "33.72"):
        kinds = effective_rulebook(code).as_dict()["document_kinds"]
        assert kinds["naskah_ditandatangani"]["signature"] == {
            "role": "kepala_daerah",
            "required": False,
            "basis": "PMDN25 tahap 10; PERWAL57 Pasal 71(1)-(2)",
        }


def test_a_variant_may_not_loosen_or_change_the_signer(app, make_user):
    from sikd.core import clock
    from sikd.rules.services import VariantRefused, submit_variant

    admin = make_user("32.75", ["tenant_admin"])
    variant = yaml.safe_load((RULES_DIR / "32.75.yaml").read_text(encoding="utf-8"))
    variant["document_kinds"]["naskah_ditandatangani"] = {
        "signature": {"role": "tkksd", "required": True}
    }
    with pytest.raises(VariantRefused) as refused:
        submit_variant(admin, yaml.safe_dump(variant, allow_unicode=True), clock.now().date())
    reasons = " ".join(e.reason for e in refused.value.errors)
    assert "tidak boleh mengganti penanda tangan" in reasons
    assert "wajib punya dasar hukum" in reasons
