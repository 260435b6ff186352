"""Official letters (naskah dinas) of the cooperation process, rendered to PDF or DOCX.

One wording per letter kind lives in ``templates/letters/<kind>.txt`` (Jinja, paragraphs
separated by blank lines). The PDF wraps those paragraphs in ``templates/letters/surat.html``
with the tenant's kop surat and is printed by WeasyPrint; the DOCX (for letters officials
edit before signing) is built with python-docx from the same paragraphs. Rendering is pure:
no database, no clock, no I/O besides reading the templates.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, validate

DASAR_NASIONAL = "Peraturan Menteri Dalam Negeri Nomor 25 Tahun 2020"


@dataclass(frozen=True)
class LetterKind:
    code: str
    label: str
    perihal: str  # default subject; may use {judul}
    basis: str
    required: tuple[str, ...] = ()  # context keys this kind needs beyond the common ones
    document_kind: str = ""  # the rulebook document kind the rendered letter is filed as

    @property
    def filed_as(self) -> str:
        return self.document_kind or self.code


LETTER_KINDS: dict[str, LetterKind] = {
    k.code: k
    for k in (
        LetterKind(
            "surat_permohonan_tanggapan",
            "Surat Permohonan Tanggapan Menteri atas Kajian",
            "Permohonan Tanggapan atas Rencana Kerja Sama {judul}",
            "PERWAL57 Pasal 61(2) huruf a",
            ("mitra",),
        ),
        LetterKind(
            "surat_permohonan_dprd",
            "Surat Permohonan Persetujuan DPRD",
            "Permohonan Persetujuan DPRD atas Rencana Kerja Sama {judul}",
            "PMDN25 tahap 5; PERWAL57 Pasal 64",
            ("mitra",),
        ),
        LetterKind(
            "surat_penyampaian_rencana",
            "Surat Penyampaian Rencana Kerja Sama",
            "Penyampaian Rencana Kerja Sama {judul}",
            "PMDN25 tahap 6; PERWAL57 Pasal 66",
            ("mitra",),
        ),
        LetterKind(
            "surat_penyampaian_naskah",
            "Surat Penyampaian Rancangan Naskah Kerja Sama",
            "Penyampaian Rancangan Naskah Kerja Sama {judul}",
            "PMDN25 tahap 8; PERWAL57 Pasal 68",
            ("mitra",),
        ),
        LetterKind(
            "surat_pengantar_gubernur",
            "Surat Pengantar Gubernur",
            "Penerusan Usulan Kerja Sama {judul}",
            "PERWAL57 Pasal 66(2) dan 68(2)",
            ("daerah", "rujukan_nomor", "rujukan_tanggal", "rujukan_perihal"),
        ),
        LetterKind(
            "tanggapan_sekjen",
            "Tanggapan Sekretaris Jenderal",
            "Tanggapan atas Rencana Kerja Sama {judul}",
            "PERWAL57 Pasal 61",
            ("rujukan_nomor", "rujukan_tanggal", "catatan"),
        ),
        LetterKind(
            "pertimbangan_sekjen",
            "Pertimbangan Sekretaris Jenderal",
            "Pertimbangan atas Rencana Kerja Sama {judul}",
            "PMDN25 tahap 7; PERWAL57 Pasal 67",
            ("rujukan_nomor", "rujukan_tanggal", "keputusan"),
            document_kind="surat_pertimbangan",
        ),
        LetterKind(
            "surat_konfirmasi_kemlu",
            "Surat Konfirmasi Kementerian Luar Negeri",
            "Konfirmasi atas Rancangan Naskah Kerja Sama {judul}",
            "PERWAL57 Pasal 1 angka 17 dan Pasal 69; PMDN25 tahap 9",
            ("daerah", "mitra", "rujukan_nomor", "rujukan_tanggal"),
            document_kind="surat_konfirmasi",
        ),
        LetterKind(
            "surat_persetujuan_mendagri",
            "Surat Persetujuan Menteri Dalam Negeri",
            "Persetujuan atas Naskah Kerja Sama {judul}",
            "PMDN25 tahap 10; PERWAL57 Pasal 70",
            ("mitra", "rujukan_nomor", "rujukan_tanggal"),
            document_kind="surat_persetujuan_menteri",
        ),
    )
}


class LetterRefused(ValueError):
    """The letter request is incomplete; ``message`` is an Indonesian sentence."""

    def __init__(self, message: str, errors: dict[str, Any]) -> None:
        super().__init__(message)
        self.code = "letter_context"
        self.message = message
        self.errors = errors


# --------------------------------------------------------------------------------------
# Context


def _req(label: str) -> dict[str, str]:
    return {"required": f"{label} wajib diisi.", "null": f"{label} wajib diisi."}


class PenandatanganSchema(Schema):
    class Meta:
        unknown = RAISE

    jabatan = fields.String(
        required=True, validate=validate.Length(min=1), error_messages=_req("Jabatan penandatangan")
    )
    nama = fields.String(
        required=True, validate=validate.Length(min=1), error_messages=_req("Nama penandatangan")
    )
    nip = fields.String(load_default=None)
    pangkat = fields.String(load_default=None)
    atas_nama = fields.String(load_default=None)  # "a.n. Wali Kota Bekasi"


class KopSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    pemerintah = fields.String(required=True)
    instansi = fields.String(load_default=None)
    alamat = fields.String(load_default=None)
    kontak = fields.String(load_default=None)
    nama_pemerintah = fields.String(load_default=None)


class LetterContextSchema(Schema):
    """What a letter request carries; nomor and tanggal are added by the service."""

    class Meta:
        unknown = RAISE

    judul = fields.String(
        required=True, validate=validate.Length(min=1), error_messages=_req("Judul kerja sama")
    )
    tujuan = fields.String(
        required=True, validate=validate.Length(min=1), error_messages=_req("Tujuan surat")
    )
    di = fields.String(load_default="Tempat")
    melalui = fields.String(load_default=None)  # "Gubernur Jawa Barat"
    perihal = fields.String(load_default=None)
    sifat = fields.String(load_default="Biasa")
    lampiran = fields.String(load_default="-")
    mitra = fields.String(load_default=None)
    daerah = fields.String(load_default=None)
    rujukan_nomor = fields.String(load_default=None)
    rujukan_tanggal = fields.Date(
        load_default=None, error_messages={"invalid": "Tanggal surat rujukan tidak sah."}
    )
    rujukan_perihal = fields.String(load_default=None)
    keputusan = fields.String(
        load_default=None,
        validate=validate.OneOf(
            ["perbaiki", "lanjut"], error="Keputusan harus 'perbaiki' atau 'lanjut'."
        ),
    )
    catatan = fields.String(load_default=None)
    isi = fields.List(fields.String(), load_default=None)  # paragraphs replacing the template
    tembusan = fields.List(fields.String(), load_default=list)
    tempat = fields.String(load_default=None)
    penandatangan = fields.Nested(
        PenandatanganSchema, required=True, error_messages=_req("Penandatangan")
    )
    kop = fields.Nested(KopSchema, load_default=None)


_KEY_LABELS = {
    "mitra": "Mitra kerja sama",
    "daerah": "Daerah pengusul",
    "rujukan_nomor": "Nomor surat rujukan",
    "rujukan_tanggal": "Tanggal surat rujukan",
    "rujukan_perihal": "Perihal surat rujukan",
    "catatan": "Catatan",
    "keputusan": "Keputusan",
}


def check_letter_context(kind: str, context: dict[str, Any]) -> dict[str, Any]:
    """Validate a request's context for ``kind``; return it JSON-ready or raise LetterRefused."""
    if kind not in LETTER_KINDS:
        raise LetterRefused("Jenis surat tidak dikenal.", {"kind": ["Jenis surat tidak dikenal."]})
    schema = LetterContextSchema()
    errors: dict[str, Any] = {}
    try:
        loaded = schema.load(context or {})
    except ValidationError as exc:
        errors = dict(exc.messages) if isinstance(exc.messages, dict) else {"_": exc.messages}
        loaded = {}
    for key in LETTER_KINDS[kind].required:
        if key not in errors and not (loaded.get(key) if loaded else (context or {}).get(key)):
            errors[key] = [f"{_KEY_LABELS.get(key, key)} wajib diisi untuk surat ini."]
    if errors:
        msgs: list[str] = []
        for value in errors.values():
            if isinstance(value, dict):
                for sub in value.values():
                    msgs.extend(sub if isinstance(sub, list) else [str(sub)])
            else:
                msgs.extend(value if isinstance(value, list) else [str(value)])
        unknown = [m for m in msgs if m == "Unknown field."]
        text = " ".join(m for m in msgs if m != "Unknown field.")
        if unknown:
            text = (text + " Ada isian yang tidak dikenal; hapus isian tersebut.").strip()
        raise LetterRefused(text, errors)
    return schema.dump(loaded)


def kop_for_tenant(tenant: Any) -> dict[str, str]:
    """Kop surat from a tenant row (code, name, kind); the address is a placeholder."""
    name, kind, code = tenant.name, tenant.kind, tenant.code
    if kind == "kementerian":
        pemerintah = f"{name.upper()} REPUBLIK INDONESIA"
        instansi = {"KEMENDAGRI": "SEKRETARIAT JENDERAL"}.get(code, "")
        nama = name
    elif kind == "provinsi":
        pemerintah = f"PEMERINTAH PROVINSI {name.upper()}"
        instansi = "SEKRETARIAT DAERAH"
        nama = f"Pemerintah Provinsi {name}"
    else:
        pemerintah = f"PEMERINTAH {name.upper()}"
        instansi = "SEKRETARIAT DAERAH"
        nama = f"Pemerintah {name}"
    return {
        "pemerintah": pemerintah,
        "instansi": instansi,
        "alamat": "Alamat kantor belum diisi (atur di Pengaturan Instansi)",
        "kontak": "",
        "nama_pemerintah": nama,
        "tempat": default_tempat(tenant),
    }


def default_tempat(tenant: Any) -> str:
    if tenant.kind == "kementerian":
        return "Jakarta"
    for prefix in ("Kota ", "Kabupaten "):
        if tenant.name.startswith(prefix):
            return tenant.name[len(prefix) :]
    return tenant.name
