"""Electronic signatures (TTE): the trust store, the check at upload, and signing letters.

**Trust store.** Every ``*.pem``, ``*.crt``, ``*.cer`` and ``*.der`` file in
``SIKD_TTE_TRUST_DIR`` is a trusted root or intermediate: in production the operator puts the
BSrE (BSSN) root and CA certificates there. In development and test the local test CA of
:mod:`sikd.documents.tte_local` is trusted too, so the whole path works without BSrE.

**Signing.** :func:`signer` picks the adapter from ``SIKD_TTE_SIGNER``: ``remote`` posts the PDF
to the TTE service at ``SIKD_TTE_URL`` (HTTP basic credentials ``SIKD_TTE_USERNAME`` /
``SIKD_TTE_PASSWORD``, the signer's NIK and passphrase per request, never stored), in the shape
of the BSrE e-sign client service (``POST {url}/api/sign/pdf``, multipart ``file``, ``nik``,
``passphrase``, ``tampilan=invisible``; the signed PDF comes back as the body); ``local``
(development/test only) signs with a certificate the local test CA issues for the user.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import IO, Any, Protocol

from flask import current_app

from sikd.documents.signatures import load_trust_roots, verify_pdf

log = logging.getLogger(__name__)

TRUST_SUFFIXES = {".pem", ".crt", ".cer", ".der"}


class SigningFailed(RuntimeError):
    """Signing could not be done; ``message`` is Indonesian and says what to do."""

    def __init__(self, message: str, status: int = 503) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def _settings():
    return current_app.config["SIKD_SETTINGS"]


def trust_roots() -> list[Any]:
    settings = _settings()
    blobs: list[bytes] = []
    directory = settings.tte_trust_dir
    if directory and Path(directory).is_dir():
        for path in sorted(Path(directory).iterdir()):
            if path.suffix.lower() in TRUST_SUFFIXES and path.is_file():
                blobs.append(path.read_bytes())
    if settings.env in {"development", "test"}:
        from sikd.documents.tte_local import local_ca

        blobs.append(local_ca(settings.var_dir).cert_pem())
    roots = []
    for blob in blobs:
        try:
            roots.extend(load_trust_roots([blob]))
        except Exception as exc:  # noqa: BLE001 - one bad file must not hide the others
            log.warning("TTE trust store: unreadable certificate file skipped (%s)", exc)
    return roots


def check_upload(fileobj: IO[bytes], content_type: str, tz_name: str) -> dict[str, Any] | None:
    """The signature check of an uploaded PDF (None for other types); the file is rewound."""
    if content_type != "application/pdf":
        return None
    from sikd.core.clock import now

    fileobj.seek(0)
    try:
        return verify_pdf(fileobj, trust_roots(), now=now(), tz_name=tz_name)
    finally:
        fileobj.seek(0)


# --- signing adapters -----------------------------------------------------------------------


class Signer(Protocol):
    def sign(self, pdf: bytes, user: Any, *, nik: str | None, passphrase: str | None) -> bytes: ...


class LocalTestSigner:
    """Development/test only: a certificate from the local test CA for the user's name/e-mail."""

    def __init__(self, var_dir: Path) -> None:
        self.var_dir = var_dir

    def sign(self, pdf: bytes, user: Any, *, nik: str | None, passphrase: str | None) -> bytes:
        from sikd.documents import tte_local

        ca = tte_local.local_ca(self.var_dir)
        pair = tte_local.issue(ca, user.full_name or user.email, user.email)
        return tte_local.sign_pdf(
            pdf, pair, [ca.cert], reason="Ditandatangani secara elektronik melalui SIKD"
        )


class RemoteTteSigner:
    """The external TTE service (BSrE e-sign client service shape); nothing secret is stored."""

    def __init__(self, url: str | None, username: str | None, password: str | None) -> None:
        self.url, self.username, self.password = url, username, password

    def sign(self, pdf: bytes, user: Any, *, nik: str | None, passphrase: str | None) -> bytes:
        import requests

        if not self.url:
            raise SigningFailed(
                "Layanan tanda tangan elektronik belum dikonfigurasi (SIKD_TTE_URL). "
                "Hubungi administrator sistem."
            )
        if not nik or not passphrase:
            raise SigningFailed(
                "Isi NIK dan passphrase sertifikat elektronik Anda untuk menandatangani.", 422
            )
        try:
            response = requests.post(
                self.url.rstrip("/") + "/api/sign/pdf",
                auth=(self.username or "", self.password or ""),
                data={"nik": nik, "passphrase": passphrase, "tampilan": "invisible"},
                files={"file": ("surat.pdf", pdf, "application/pdf")},
                timeout=60,
            )
        except requests.RequestException as exc:
            raise SigningFailed(
                "Layanan tanda tangan elektronik tidak dapat dihubungi. Coba lagi beberapa saat lagi."
            ) from exc
        if response.status_code in (400, 401, 403):
            raise SigningFailed(
                "Layanan tanda tangan elektronik menolak permintaan: periksa NIK dan passphrase "
                "sertifikat Anda, lalu coba lagi.",
                422,
            )
        if response.status_code != 200 or not response.content.startswith(b"%PDF-"):
            raise SigningFailed(
                "Layanan tanda tangan elektronik tidak mengembalikan berkas yang ditandatangani. "
                "Coba lagi beberapa saat lagi."
            )
        return response.content


def asks_for_nik() -> bool:
    """Whether signing asks the official for NIK and passphrase (the TTE service does; the
    local test signer does not)."""
    return not isinstance(signer(), LocalTestSigner)


def signer() -> Signer:
    settings = _settings()
    if settings.tte_signer == "local" and settings.env in {"development", "test"}:
        return LocalTestSigner(settings.var_dir)
    return RemoteTteSigner(settings.tte_url, settings.tte_username, settings.tte_password)
