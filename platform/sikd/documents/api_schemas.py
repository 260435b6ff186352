"""What the documents API reads and answers, as marshmallow schemas (and so in the OpenAPI
document), and the multipart upload body as the document declares it."""

from __future__ import annotations

from marshmallow import fields, validate

from sikd.core.schemas import Schema

PG_INT_MAX = 2**31 - 1


class VersionOut(Schema):
    id = fields.Integer(required=True)
    number = fields.Integer(required=True)
    filename = fields.String(required=True)
    content_type = fields.String(required=True)
    size = fields.Integer(required=True)
    sha256 = fields.String(required=True)
    uploaded_at = fields.String(required=True, metadata={"format": "date-time"})
    contents = fields.Dict(
        data_key="fields",
        attribute="fields",
        allow_none=True,
        metadata={"description": "isi terstruktur"},
    )
    signature = fields.Dict(
        allow_none=True, metadata={"description": "hasil pemeriksaan tanda tangan elektronik"}
    )
    download = fields.String(required=True, metadata={"description": "alamat unduh (API)"})


class VersionDetailOut(VersionOut):
    document_id = fields.Integer(required=True)
    kind = fields.String(required=True)
    title = fields.String(required=True)
    current = fields.Boolean(required=True)
    signature_text = fields.String(allow_none=True)


class SignBody(Schema):
    nik = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(min=1, max=32),
        metadata={"label": "NIK penanda tangan", "description": "untuk layanan TTE"},
    )
    passphrase = fields.String(
        load_default=None,
        allow_none=True,
        load_only=True,
        validate=validate.Length(min=1, max=1000),
        metadata={"label": "Passphrase TTE"},
    )


class DocumentOut(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True)
    title = fields.String(required=True)
    stage = fields.String(allow_none=True)
    superseded = fields.Boolean(required=True)
    superseded_reason = fields.String(allow_none=True)
    public = fields.Boolean(
        required=True, metadata={"description": "diumumkan di daftar publik (versi terkini)"}
    )
    versions = fields.List(fields.Nested(VersionOut), required=True)
    current_version_id = fields.Integer(allow_none=True)


class DocumentList(Schema):
    items = fields.List(fields.Nested(DocumentOut), required=True)


class SupersedeBody(Schema):
    reason = fields.String(
        required=True,
        validate=validate.Length(min=1, max=2000),
        metadata={"label": "Alasan penggantian"},
    )


class PublicBody(Schema):
    public = fields.Boolean(
        required=True,
        metadata={
            "label": "Diumumkan",
            "description": "true: tampil dan dapat diunduh di daftar publik; false: ditarik",
        },
    )


class LetterRequest(Schema):
    kind = fields.String(
        required=True, validate=validate.Length(min=1, max=64), metadata={"label": "Jenis surat"}
    )
    context = fields.Dict(
        keys=fields.String(),
        load_default=dict,
        metadata={"label": "Isi surat", "description": "isian templat surat"},
    )
    fmt = fields.String(
        load_default="pdf",
        validate=validate.OneOf(["pdf", "docx"]),
        metadata={"label": "Format surat"},
    )


class LetterOut(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True)
    nomor = fields.String(required=True)
    tanggal = fields.String(required=True, metadata={"format": "date"})
    status = fields.String(
        required=True, metadata={"description": "queued, rendering, done, failed"}
    )
    progress = fields.Integer(required=True)
    document_id = fields.Integer(allow_none=True)
    error = fields.String(allow_none=True)
    cooperation_id = fields.Integer(allow_none=True)


class LinkOut(Schema):
    url = fields.String(required=True)
    expires_in_seconds = fields.Integer(required=True)


UPLOAD_BODY = {
    "required": True,
    "description": "Berkas dan isinya yang terstruktur (multipart/form-data).",
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["kind", "file"],
                "properties": {
                    "kind": {
                        "type": "string",
                        "minLength": 1,
                        "maxLength": 64,
                        "description": "jenis dokumen menurut aturan instansi (GET /rules)",
                    },
                    "file": {"type": "string", "format": "binary"},
                    "fields": {
                        "type": "string",
                        "description": "objek JSON: isi terstruktur sesuai jenis dokumen",
                    },
                    "document_id": {
                        "type": "integer",
                        "minimum": 1,
                        "maximum": PG_INT_MAX,
                        "description": "dokumen yang diberi versi baru (kosong: dokumen baru)",
                    },
                },
            }
        }
    },
}

DOWNLOAD_RESPONSES = {
    "responses": {
        "200": {
            "description": "Isi berkas (penyimpanan lokal)",
            "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}},
        },
        "302": {
            "description": "Ke tautan unduh berumur pendek (penyimpanan S3)",
            "headers": {"Location": {"schema": {"type": "string"}}},
        },
    }
}
