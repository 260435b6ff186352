"""Signing a letter SIKD produced: the signed PDF becomes a new version of the letter's document.

Only the issuing tenant's signing official may sign (the Kepala Daerah of a daerah, the
Sekretaris Jenderal's leader at Kemendagri, the Kemlu reviewer); the new version is checked
like any upload (:func:`sikd.documents.signing.check_upload`) and the signing is audited on the
cooperation's chain (or the issuer's, for a letter without a cooperation).
"""

from __future__ import annotations

import io
from typing import Any

from sikd.core.errors import AppError, NotFound
from sikd.core.extensions import db
from sikd.core.storage import ObjectNotFound, StorageUnavailable
from sikd.documents.models import Document, DocumentVersion, Letter
from sikd.documents.services import open_version, upload_document
from sikd.documents.signing import SigningFailed, signer
from sikd.tenancy.scope import scoped, system_scope, tenant_scope

SIGNING_ROLES = {"kepala_daerah", "sekjen_leader", "kemlu_reviewer"}


def sign_letter(
    user: Any, letter_id: int, *, nik: str | None = None, passphrase: str | None = None
) -> DocumentVersion:
    """Sign the current version of a rendered letter of the user's tenant; returns the new one."""
    letter = db.session.execute(
        scoped(Letter, user.tenant_id).where(Letter.id == letter_id)
    ).scalar_one_or_none()
    if letter is None:
        raise NotFound("not_found", "Surat tidak ditemukan atau tidak dapat Anda lihat.")
    if not SIGNING_ROLES & set(user.roles):
        raise AppError(
            "role_not_allowed",
            "Hanya pejabat penandatangan (Kepala Daerah, pimpinan Sekretariat Jenderal, atau "
            "Kemlu) yang dapat menandatangani surat secara elektronik.",
            status=403,
        )
    if letter.status != "done" or letter.document_id is None or letter.fmt != "pdf":
        raise AppError(
            "not_ready",
            "Surat ini belum selesai dibuat sebagai PDF. Tunggu hingga statusnya selesai, "
            "atau buat surat dalam format PDF.",
            status=409,
        )
    with system_scope():
        document = db.session.get(Document, letter.document_id)
        owner_id = document.tenant_id
    with tenant_scope(owner_id):
        document = db.session.get(Document, letter.document_id)
        if document.superseded:  # refused before the signature is spent
            raise AppError(
                "superseded",
                "Dokumen surat ini sudah digantikan; tanda tangani surat yang berlaku.",
                status=409,
            )
        current = document.current_version
        try:
            original = open_version(current).read()
        except (StorageUnavailable, ObjectNotFound) as exc:
            raise AppError(
                "storage_unavailable",
                "Berkas surat tidak dapat dibaca dari penyimpanan saat ini. Coba lagi beberapa "
                "saat lagi; bila berulang, hubungi administrator.",
                status=503,
            ) from exc
        try:
            signed = signer().sign(original, user, nik=nik, passphrase=passphrase)
        except SigningFailed as exc:
            raise AppError("signing_failed", exc.message, status=exc.status) from exc
        version = upload_document(
            owner_id,
            document.cooperation_id,
            document.kind,
            None,
            io.BytesIO(signed),
            current.filename.removesuffix(".pdf") + " (ditandatangani).pdf",
            user.id,
            fields=current.fields,
            document_id=document.id,
            commit=False,
        )
        _audit(user, letter, document, version)
        public = document.public
        db.session.commit()
    if public:  # the public register shows the signed version at once
        from sikd.web.public_cache import public_changed

        public_changed()
    return version


def _audit(user: Any, letter: Letter, document: Document, version: DocumentVersion) -> None:
    status = (version.signature or {}).get("status")
    summary = (
        f"Surat nomor {letter.nomor} ditandatangani secara elektronik oleh {user.full_name} "
        f"(versi {version.number}; hasil pemeriksaan: {status})"
    )
    data = {"letter_id": letter.id, "sha256": version.sha256, "signature_status": status}
    if document.cooperation_id is not None:
        from sikd.cooperations.history import record_on_cooperation
        from sikd.cooperations.models import Cooperation

        coop = db.session.get(Cooperation, document.cooperation_id)
        if coop is not None:
            record_on_cooperation(
                coop, user, "letter.signed", "document", document.id, summary, data
            )
            return
    from sikd.audit import services as audit
    from sikd.core import clock

    with tenant_scope(user.tenant_id):
        audit.record(
            tenant_id=user.tenant_id,
            action="letter.signed",
            object_type="document",
            object_id=document.id,
            summary=summary,
            at=clock.now(),
            actor=user,
            data=data,
        )
