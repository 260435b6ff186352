"""Verifying the electronic signatures (TTE) of uploaded PDFs with pyHanko, against a test CA
generated here (throwaway keys; production trusts the BSrE roots the operator configures)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from sikd.documents import tte_local
from sikd.documents.signatures import load_trust_roots, verify_pdf


@pytest.fixture(scope="module")
def pki():
    ca = tte_local.make_ca("CA Uji Tepercaya")
    walikota = tte_local.issue(ca, "Tri Adhianto", "walikota@bekasikota.go.id")
    return {"ca": ca, "walikota": walikota, "roots": load_trust_roots([ca.cert_pem()])}


@pytest.fixture(scope="module")
def letter_pdf():
    from weasyprint import HTML

    return HTML(string="<h1>Naskah Kerja Sama</h1><p>Pasal 1. Ruang lingkup.</p>").write_pdf()


def signed(pdf: bytes, pair, ca) -> bytes:
    return tte_local.sign_pdf(pdf, pair, [ca.cert], reason="Naskah asli", location="Bekasi")


def test_pdf_signed_by_a_trusted_certificate_verifies(pki, letter_pdf):
    result = verify_pdf(signed(letter_pdf, pki["walikota"], pki["ca"]), pki["roots"])
    assert result["status"] == "sah"
    assert result["text"].startswith("Ditandatangani secara elektronik oleh Tri Adhianto pada ")
    assert result["text"].endswith("; sertifikat sah.")
    (sig,) = result["signatures"]
    assert sig["signer_email"] == "walikota@bekasikota.go.id"
    assert sig["issuer"] == "CA Uji Tepercaya"
    assert sig["coverage"] == "ENTIRE_FILE" and sig["revocation"] == "tidak_disertakan"


def test_one_byte_changed_after_signing_is_reported_as_changed(pki, letter_pdf):
    data = bytearray(signed(letter_pdf, pki["walikota"], pki["ca"]))
    at = data.find(b"/Type /Page")
    assert at > 0
    data[at + 7] ^= 0x20  # /Page -> /page, inside the signed byte range
    result = verify_pdf(bytes(data), pki["roots"])
    assert result["status"] == "berubah"
    assert "dokumen berubah setelah ditandatangani" in result["text"]


def test_content_appended_after_signing_is_reported(pki, letter_pdf):
    data = (
        signed(letter_pdf, pki["walikota"], pki["ca"]) + b"\n% isi tambahan\n1 0 obj (x) endobj\n"
    )
    result = verify_pdf(data, pki["roots"])
    assert result["status"] == "ditambahkan"
    assert "ada isi yang ditambahkan pada berkas setelah ditandatangani" in result["text"]


def test_new_page_content_in_a_later_revision_is_a_change(pki, letter_pdf):
    import io

    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(signed(letter_pdf, pki["walikota"], pki["ca"])))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    page["/Contents"] = writer.add_object(generic.StreamObject(stream_data=b"BT (PALSU) Tj ET"))
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    assert verify_pdf(out.getvalue(), pki["roots"])["status"] == "berubah"


def test_a_countersignature_is_an_allowed_later_update(pki, letter_pdf):
    sekda = tte_local.issue(pki["ca"], "Sekretaris Daerah", "sekda@bekasikota.go.id")
    once = signed(letter_pdf, pki["walikota"], pki["ca"])
    twice = tte_local.sign_pdf(once, sekda, [pki["ca"].cert], field_name="TTE2")
    result = verify_pdf(twice, pki["roots"])
    assert [s["status"] for s in result["signatures"]] == ["sah", "sah"]
    assert result["status"] == "sah"


def test_certificate_from_an_unknown_ca_is_not_recognised(pki, letter_pdf):
    other = tte_local.make_ca("CA Lain")
    stranger = tte_local.issue(other, "Orang Lain", "lain@contoh.id")
    result = verify_pdf(signed(letter_pdf, stranger, other), pki["roots"])
    assert result["status"] == "tidak_dikenal"
    assert result["text"].startswith("Ditandatangani secara elektronik oleh Orang Lain")
    assert "sertifikat tidak dikenal" in result["text"]


def test_certificate_expired_at_signing_time(pki, letter_pdf):
    now = datetime.now(UTC)
    old = tte_local.issue(
        pki["ca"], "Pejabat Lama", "lama@bekasikota.go.id",
        not_before=now - timedelta(days=800), not_after=now - timedelta(days=400),
    )  # fmt: skip
    result = verify_pdf(signed(letter_pdf, old, pki["ca"]), pki["roots"])
    assert result["status"] == "kedaluwarsa"
    assert "sertifikat sudah kedaluwarsa pada saat penandatanganan" in result["text"]


def test_signature_is_judged_at_signing_time_not_today(pki, letter_pdf):
    """A naskah signed while the certificate was valid stays valid after it expires."""
    now = datetime.now(UTC)
    short = tte_local.issue(
        pki["ca"], "Tri Adhianto", "walikota@bekasikota.go.id",
        not_before=now - timedelta(days=2), not_after=now + timedelta(hours=1),
    )  # fmt: skip
    data = signed(letter_pdf, short, pki["ca"])
    assert verify_pdf(data, pki["roots"], now=now + timedelta(days=30))["status"] == "sah"


def test_timestamp_is_reported_and_used_as_signing_time(pki, letter_pdf):
    from pyhanko.sign.timestamps import DummyTimeStamper

    tsa = tte_local.issue(pki["ca"], "TSA Uji", "tsa@uji.sikd.id", timestamping=True)
    cert, key = tte_local._asn1(tsa)
    stamper = DummyTimeStamper(tsa_cert=cert, tsa_key=key)
    data = tte_local.sign_pdf(letter_pdf, pki["walikota"], [pki["ca"].cert], timestamper=stamper)
    (sig,) = verify_pdf(data, pki["roots"])["signatures"]
    assert sig["status"] == "sah" and sig["time_source"] == "cap_waktu"
    assert sig["timestamp"]["trusted"] is True
    assert "tanpa cap waktu" not in sig["text"]


def test_unsigned_pdf_is_reported_as_not_signed(pki, letter_pdf):
    result = verify_pdf(letter_pdf, pki["roots"])
    assert result["status"] == "tidak_ditandatangani"
    assert result["text"] == "Tidak ditandatangani secara elektronik."


def test_broken_pdf_is_a_result_not_an_error(pki):
    result = verify_pdf(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", pki["roots"])
    assert result["status"] in {"tidak_ditandatangani", "tidak_terbaca"}
