"""A throwaway certificate authority and PDF signer for development and tests ONLY.

Everything here is test material: keys are generated at run time (never committed) into
``{SIKD_VAR_DIR}/tte-uji/`` and the CA is trusted only when ``SIKD_ENV`` is development or
test. Production signs through the external TTE service (:mod:`sikd.documents.signing`) with
certificates from BSrE (BSSN), and trusts only the roots the operator puts in
``SIKD_TTE_TRUST_DIR``.
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

LOCAL_CA_NAME = "SIKD CA Uji (bukan untuk produksi)"
_LOCK = threading.Lock()


@dataclass(frozen=True)
class KeyPair:
    key: rsa.RSAPrivateKey
    cert: x509.Certificate

    def cert_pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)


def _name(common_name: str, email: str | None = None) -> x509.Name:
    attrs = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "SIKD uji"),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ]
    if email:
        attrs.append(x509.NameAttribute(NameOID.EMAIL_ADDRESS, email))
    return x509.Name(attrs)


def _usage(*, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=not ca,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def make_ca(common_name: str = LOCAL_CA_NAME, *, years: int = 10) -> KeyPair:
    """A self-signed root, valid from a year ago for ``years`` years."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name))
        .issuer_name(_name(common_name))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=365))
        .not_valid_after(now + timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(_usage(ca=True), critical=True)
        .sign(key, hashes.SHA256())
    )
    return KeyPair(key, cert)


def issue(
    ca: KeyPair,
    common_name: str,
    email: str,
    *,
    not_before: datetime | None = None,
    not_after: datetime | None = None,
    timestamping: bool = False,
) -> KeyPair:
    """A signing certificate for one person (name and e-mail, as BSrE certificates carry)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name, email))
        .issuer_name(ca.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before or now - timedelta(days=1))
        .not_valid_after(not_after or now + timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(ca=False), critical=True)
        .add_extension(x509.SubjectAlternativeName([x509.RFC822Name(email)]), critical=False)
    )
    if timestamping:  # a time-stamping authority (RFC 3161) of the test CA
        cert = cert.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
        )
    return KeyPair(key, cert.sign(ca.key, hashes.SHA256()))


def _asn1(pair: KeyPair):
    from asn1crypto import keys as akeys
    from asn1crypto import x509 as ax509

    cert = ax509.Certificate.load(pair.cert.public_bytes(serialization.Encoding.DER))
    key = akeys.PrivateKeyInfo.load(
        pair.key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert, key


def sign_pdf(
    data: bytes,
    signer: KeyPair,
    chain: list[x509.Certificate],
    *,
    field_name: str = "TTE",
    reason: str | None = None,
    location: str | None = None,
    timestamper=None,
) -> bytes:
    """Sign ``data`` (a PDF) as an incremental update; returns the signed PDF."""
    from asn1crypto import x509 as ax509
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    cert, key = _asn1(signer)
    extra = [ax509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in chain]
    pdf_signer = signers.SimpleSigner(
        signing_cert=cert, signing_key=key, cert_registry=SimpleCertificateStore.from_certs(extra)
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    meta = signers.PdfSignatureMetadata(field_name=field_name, reason=reason, location=location)
    out = signers.sign_pdf(writer, meta, signer=pdf_signer, timestamper=timestamper)
    return out.getvalue()


# --- the local CA kept in var/ (development and tests) -------------------------------------


def _load_or_make_ca(directory: Path) -> KeyPair:
    key_file, cert_file = directory / "ca-kunci-uji.pem", directory / "ca-uji.pem"
    if key_file.exists() and cert_file.exists():
        key = serialization.load_pem_private_key(key_file.read_bytes(), password=None)
        return KeyPair(key, x509.load_pem_x509_certificate(cert_file.read_bytes()))  # type: ignore[arg-type]
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "README.txt").write_text(
        "CA UJI SIKD - dibuat otomatis untuk development/test. BUKAN untuk produksi.\n"
        "Jangan disalin ke repositori; hapus folder ini kapan saja.\n",
        encoding="utf-8",
    )
    ca = make_ca()
    key_file.write_bytes(
        ca.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_file.chmod(0o600)
    cert_file.write_bytes(ca.cert_pem())
    return ca


def local_ca(var_dir: Path) -> KeyPair:
    with _LOCK:
        return _load_or_make_ca(Path(var_dir) / "tte-uji")
