"""Verifying the electronic signatures (TTE) in a PDF, with pyHanko.

For every signature in the file:

* **integrity**: the CMS digest matches the signed byte range (else *dokumen berubah*); the byte
  range covers the whole file, or what follows the signed revision is only incremental updates
  that pyHanko's difference analysis allows (more signatures, timestamps, validation data, form
  filling); bytes after the last revision that are no revision at all are *ditambahkan*;
  other later changes (new page content, annotations) are *dokumen berubah*;
* **the signer's certificate chain** against the trust store (the roots in
  ``SIKD_TTE_TRUST_DIR``: BSrE's in production; the local test CA in development/test);
  unknown issuer = *sertifikat tidak dikenal*;
* **validity at signing time**: the chain is validated at the time of a trusted signature
  timestamp when there is one, else at the time the signer's software reported (then said so
  in the result), never later than now; outside the certificate's period = *kedaluwarsa* /
  *belum berlaku*;
* **the timestamp**, if present: its time and whether its TSA is trusted;
* **revocation information**, if embedded (the document security store and the signature's
  Adobe revocation archive): a revoked certificate = *dicabut*; nothing is fetched online.

The result is a JSON-ready dict stored with the document version (``DocumentVersion.signature``).
"""

from __future__ import annotations

import hashlib
import io
import logging
from datetime import UTC, datetime
from typing import IO, Any
from zoneinfo import ZoneInfo

from sikd.core.i18n import format_tanggal

log = logging.getLogger(__name__)

SAH = "sah"
UNSIGNED = "tidak_ditandatangani"
UNREADABLE = "tidak_terbaca"

#: Each status as the result sentence ends ("Ditandatangani … pada …; <this>").
STATUS_TEXT = {
    SAH: "sertifikat sah",
    "tidak_dikenal": "sertifikat tidak dikenal (penerbitnya tidak ada dalam daftar tepercaya)",
    "berubah": "dokumen berubah setelah ditandatangani",
    "ditambahkan": "ada isi yang ditambahkan pada berkas setelah ditandatangani",
    "kedaluwarsa": "sertifikat sudah kedaluwarsa pada saat penandatanganan",
    "belum_berlaku": "sertifikat belum berlaku pada saat penandatanganan",
    "dicabut": "sertifikat sudah dicabut",
    "tidak_sah": "tanda tangan tidak sah",
}
UNSIGNED_TEXT = "Tidak ditandatangani secara elektronik."
UNREADABLE_TEXT = (
    "Tanda tangan elektronik tidak dapat diperiksa karena berkas PDF tidak terbaca dengan benar."
)
_ZONE = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}
_ALLOWED_LATER = {"NONE", "LTA_UPDATES", "FORM_FILLING"}


def load_trust_roots(pem_or_der_files: list[bytes]) -> list[Any]:
    """asn1crypto certificates from PEM (one or several) or DER blobs."""
    from asn1crypto import pem
    from asn1crypto import x509 as ax509

    roots = []
    for blob in pem_or_der_files:
        if pem.detect(blob):
            for _, _, der in pem.unarmor(blob, multiple=True):
                roots.append(ax509.Certificate.load(der))
        else:
            roots.append(ax509.Certificate.load(blob))
    return roots


def fingerprint(cert: Any) -> str:
    return hashlib.sha256(cert.dump()).hexdigest()


def when_text(moment: datetime, tz_name: str = "Asia/Jakarta") -> str:
    local = moment.astimezone(ZoneInfo(tz_name))
    return f"{format_tanggal(local.date())} pukul {local:%H.%M} {_ZONE.get(tz_name, tz_name)}"


def verify_pdf(
    data: bytes | IO[bytes],
    trust_roots: list[Any],
    *,
    now: datetime | None = None,
    tz_name: str = "Asia/Jakarta",
) -> dict[str, Any]:
    """Check every signature of a PDF; returns ``{status, text, signatures: [...], ...}``."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    now = now or datetime.now(UTC)
    base = {"checked_at": now.isoformat(), "trust_roots": len(trust_roots)}
    try:
        stream = io.BytesIO(data) if isinstance(data, bytes | bytearray) else data
        reader = PdfFileReader(stream, strict=False)
        embedded = list(reader.embedded_signatures)
    except Exception as exc:  # noqa: BLE001 - a broken PDF is a result, not a fault
        log.info("PDF signature check: unreadable file (%s)", exc)
        return base | {"status": UNREADABLE, "text": UNREADABLE_TEXT, "signatures": []}
    if not embedded:
        return base | {"status": UNSIGNED, "text": UNSIGNED_TEXT, "signatures": []}
    revisions = reader.xrefs.total_revisions
    results = []
    for emb in embedded:
        try:
            results.append(_check_one(reader, emb, revisions, trust_roots, now, tz_name))
        except Exception as exc:  # noqa: BLE001 - a malformed signature is "tidak sah"
            log.info("PDF signature check: malformed signature (%s)", exc)
            results.append(
                {
                    "field": getattr(emb, "field_name", None),
                    "status": "tidak_sah",
                    "text": "Tanda tangan elektronik rusak atau tidak dapat dibaca; "
                    + STATUS_TEXT["tidak_sah"]
                    + ".",
                }
            )
    bad = next((r for r in results if r["status"] != SAH), None)
    return base | {
        "status": bad["status"] if bad else SAH,
        "text": " ".join(r["text"] for r in results),
        "signatures": results,
    }


def _validation_context(trust_roots, moment, revinfo):
    from pyhanko_certvalidator import ValidationContext

    crls, ocsps = revinfo
    return ValidationContext(
        trust_roots=trust_roots,
        moment=moment,
        allow_fetching=False,
        revocation_mode="soft-fail",
        crls=crls,
        ocsps=ocsps,
        retroactive_revinfo=True,
    )


def _validate(emb, trust_roots, moment, revinfo):
    from pyhanko.sign.validation import validate_pdf_signature

    return validate_pdf_signature(
        emb,
        signer_validation_context=_validation_context(trust_roots, moment, revinfo),
        ts_validation_context=_validation_context(trust_roots, None, revinfo),
    )


def _check_one(reader, emb, revisions, trust_roots, now, tz_name) -> dict[str, Any]:
    revinfo = _embedded_revinfo(reader, emb)
    claimed = emb.self_reported_timestamp
    moment = min(claimed, now) if claimed else now
    status = _validate(emb, trust_roots, moment, revinfo)
    time_source = "penanda_tangan" if claimed else "pemeriksaan"
    ts = status.timestamp_validity
    timestamp = None
    if ts is not None:
        timestamp = {"time": ts.timestamp.isoformat(), "trusted": bool(ts.valid and ts.trusted)}
        if ts.valid and ts.trusted and ts.timestamp != moment:
            moment, time_source = ts.timestamp, "cap_waktu"
            status = _validate(emb, trust_roots, moment, revinfo)
        elif ts.valid and ts.trusted:
            time_source = "cap_waktu"
    code = _status_code(emb, status, revisions, moment)
    signer = _person(status.signing_cert)
    shown = when_text(moment, tz_name)
    text = f"Ditandatangani secara elektronik oleh {signer['name']} pada {shown}"
    if time_source == "penanda_tangan":
        text += " (waktu menurut perangkat penanda tangan, tanpa cap waktu)"
    text += f"; {STATUS_TEXT[code]}."
    cert = status.signing_cert
    return {
        "field": emb.field_name,
        "status": code,
        "text": text,
        "signer_name": signer["name"],
        "signer_email": signer["email"],
        "issuer": _common_name(cert.issuer),
        "serial": format(cert.serial_number, "x"),
        "cert_fingerprint": fingerprint(cert),
        "valid_from": cert.not_valid_before.isoformat(),
        "valid_until": cert.not_valid_after.isoformat(),
        "signed_at": moment.isoformat(),
        "time_source": time_source,
        "timestamp": timestamp,
        "intact": bool(status.intact),
        "trusted": bool(status.trusted),
        "coverage": status.coverage.name if status.coverage else None,
        "modification": status.modification_level.name if status.modification_level else None,
        "revocation": "diperiksa" if (revinfo[0] or revinfo[1]) else "tidak_disertakan",
    }


def _status_code(emb, status, revisions: int, moment: datetime) -> str:
    if not status.intact:
        return "berubah"
    if not status.valid:
        return "tidak_sah"
    coverage = status.coverage.name if status.coverage else ""
    if coverage != "ENTIRE_FILE":
        if coverage != "ENTIRE_REVISION":
            return "berubah"
        if emb.signed_revision >= revisions - 1:
            return "ditambahkan"  # bytes after the last revision that form no revision
        level = status.modification_level.name if status.modification_level else "OTHER"
        if level not in _ALLOWED_LATER:
            return "berubah"
    if status.trusted:
        return SAH
    indic = getattr(status, "trust_problem_indic", None)
    name = indic.name if indic is not None else ""
    if "REVOKED" in name:
        return "dicabut"
    if name in {"OUT_OF_BOUNDS_NO_POE", "EXPIRED", "NOT_YET_VALID", "OUT_OF_BOUNDS_NOT_REVOKED"}:
        cert = status.signing_cert
        return "belum_berlaku" if moment < cert.not_valid_before else "kedaluwarsa"
    return "tidak_dikenal"


def _common_name(name) -> str:
    native = name.native if name is not None else {}
    return str(native.get("common_name") or name.human_friendly)


def _person(cert) -> dict[str, str | None]:
    native = cert.subject.native
    email = native.get("email_address")
    if not email:
        try:
            san = cert.subject_alt_name_value
            for general in san or ():
                if general.name == "rfc822_name":
                    email = general.native
                    break
        except Exception:  # noqa: BLE001
            email = None
    return {"name": _common_name(cert.subject), "email": (email or None)}


def _embedded_revinfo(reader, emb) -> tuple[list[Any], list[Any]]:
    """CRLs and OCSP responses the file carries (DSS, Adobe revocation archive); best effort."""
    crls: list[Any] = []
    ocsps: list[Any] = []
    try:
        from pyhanko.sign.validation.dss import DocumentSecurityStore

        dss = DocumentSecurityStore.read_dss(reader)
        crls.extend(dss.crls.values() if isinstance(dss.crls, dict) else dss.crls)
        ocsps.extend(dss.ocsps.values() if isinstance(dss.ocsps, dict) else dss.ocsps)
    except Exception as exc:  # noqa: BLE001 - no DSS in the file
        log.debug("no document security store: %s", exc)
    try:
        attrs = emb.signer_info["signed_attrs"]
        for attr in attrs:
            if attr["type"].native == "adobe_revocation_info_archival":
                archive = attr["values"][0]
                crls.extend(archive["crl"] or ())
                ocsps.extend(archive["ocsp"] or ())
    except Exception as exc:  # noqa: BLE001
        log.debug("no Adobe revocation archive: %s", exc)
    return crls, ocsps


# --- what the pages and the API show ------------------------------------------------------


def summary_text(result: dict[str, Any] | None) -> str:
    """The one-line Indonesian result, or a note for a version never checked (not a PDF)."""
    if not result:
        return "Tanda tangan elektronik tidak diperiksa (bukan berkas PDF)."
    return str(result.get("text") or "")


def signers_with_status(result: dict[str, Any] | None) -> list[tuple[str | None, str]]:
    """``(signer e-mail, status)`` of each signature, for matching signers to accounts."""
    if not result:
        return []
    return [(s.get("signer_email"), s.get("status", "")) for s in result.get("signatures") or ()]
