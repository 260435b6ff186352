"""Documents, their versions and outgoing letters (numbered from :mod:`sikd.tenancy.sequences`).

Nothing here is overwritten or deleted by users: a new upload adds a :class:`DocumentVersion`;
a document that no longer counts is marked superseded, with a reason.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    false,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sikd.core.extensions import db
from sikd.tenancy.models import TenantOwnedMixin

JSONType = JSON().with_variant(JSONB(), "postgresql")

LETTER_STATUSES = ("queued", "rendering", "done", "failed")


class Document(TenantOwnedMixin, db.Model):
    __tablename__ = "documents"
    __table_args__ = (
        Index("ix_documents_tenant_id_cooperation_id", "tenant_id", "cooperation_id"),
        Index("ix_documents_tenant_id_kind", "tenant_id", "kind"),
        UniqueConstraint("tenant_id", "uuid", name="uq_documents_tenant_id_uuid"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False, default=uuid.uuid4)
    # The cooperation model comes later; no ForeignKey yet (indexed with tenant_id first).
    cooperation_id: Mapped[int | None] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(64), nullable=False)
    stage: Mapped[str | None] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(255), nullable=False)
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("document_versions.id", use_alter=True, name="fk_documents_current_version_id")
    )
    superseded: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # marked public by the owning tenant (TKKSD or admin): shown and downloadable in the public
    # register while its cooperation is there (sikd.documents.publication); default private
    public: Mapped[bool] = mapped_column(
        Boolean, nullable=False, default=False, server_default=false()
    )
    superseded_reason: Mapped[str | None] = mapped_column(Text)
    superseded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    superseded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now()
    )

    # A version is kept under its document's tenant: loaded by (tenant_id, document_id), so the
    # tenant-led unique index answers (by document_id alone PostgreSQL walks the whole index).
    versions: Mapped[list[DocumentVersion]] = relationship(
        back_populates="document",
        primaryjoin=(
            "and_(Document.id == foreign(DocumentVersion.document_id), "
            "Document.tenant_id == DocumentVersion.tenant_id)"
        ),
        order_by="DocumentVersion.number",
    )
    current_version: Mapped[DocumentVersion | None] = relationship(
        foreign_keys=[current_version_id], post_update=True
    )

    def __repr__(self) -> str:
        return f"<Document {self.id} {self.kind} tenant={self.tenant_id}>"


class DocumentVersion(TenantOwnedMixin, db.Model):
    __tablename__ = "document_versions"
    __table_args__ = (
        UniqueConstraint("tenant_id", "document_id", "number", name="uq_document_versions_number"),
        UniqueConstraint("tenant_id", "storage_key", name="uq_document_versions_storage_key"),
        Index("ix_document_versions_tenant_id_sha256", "tenant_id", "sha256"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), nullable=False)
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    filename: Mapped[str] = mapped_column(String(255), nullable=False)  # display name only
    content_type: Mapped[str] = mapped_column(String(128), nullable=False)
    size: Mapped[int] = mapped_column(BigInteger, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    storage_key: Mapped[str] = mapped_column(String(512), nullable=False)
    storage_version_id: Mapped[str | None] = mapped_column(String(255))
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now()
    )
    fields: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    # The electronic-signature check of a PDF at upload (sikd.documents.signatures.verify_pdf);
    # None for other file types.
    signature: Mapped[dict[str, Any] | None] = mapped_column(JSONType)

    document: Mapped[Document] = relationship(back_populates="versions", foreign_keys=[document_id])

    def __repr__(self) -> str:
        return f"<DocumentVersion {self.document_id} v{self.number}>"


class Letter(TenantOwnedMixin, db.Model):
    """An outgoing letter: numbered at request time, rendered by a job into a Document."""

    __tablename__ = "letters"
    __table_args__ = (
        UniqueConstraint("tenant_id", "nomor", name="uq_letters_tenant_id_nomor"),
        Index("ix_letters_tenant_id_cooperation_id", "tenant_id", "cooperation_id"),
        Index("ix_letters_tenant_id_status", "tenant_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(64), nullable=False)
    cooperation_id: Mapped[int | None] = mapped_column(Integer)  # no ForeignKey yet
    nomor: Mapped[str] = mapped_column(String(96), nullable=False)
    sequence_number: Mapped[int] = mapped_column(Integer, nullable=False)
    tanggal: Mapped[date] = mapped_column(Date, nullable=False)
    fmt: Mapped[str] = mapped_column(String(8), nullable=False, default="pdf")
    context: Mapped[dict[str, Any]] = mapped_column(JSONType, nullable=False, default=dict)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="queued")
    progress: Mapped[int] = mapped_column(SmallInteger, nullable=False, default=0)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    error: Mapped[str | None] = mapped_column(Text)
    requested_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now()
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now(), onupdate=func.now()
    )

    document: Mapped[Document | None] = relationship(foreign_keys=[document_id])

    def __repr__(self) -> str:
        return f"<Letter {self.nomor} {self.kind} {self.status}>"
