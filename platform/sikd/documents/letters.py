"""Official letters (naskah dinas) of the cooperation process, rendered to PDF or DOCX.

One wording per letter kind lives in ``templates/letters/<kind>.txt`` (Jinja, paragraphs
separated by blank lines). The PDF wraps those paragraphs in ``templates/letters/surat.html``
with the tenant's kop surat and is printed by WeasyPrint; the DOCX (for letters officials
edit before signing) is built with python-docx from the same paragraphs. Rendering is pure:
no database, no clock, no I/O besides reading the templates.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, validate

from sikd.documents.indonesian import format_tanggal

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates" / "letters"
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


# --------------------------------------------------------------------------------------
# Rendering


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _env() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters["tanggal"] = lambda v: format_tanggal(_as_date(v)) if v else ""
    return env


_ENV = _env()


@dataclass(frozen=True)
class LetterParts:
    """Everything a letter shows, in reading order; both renderers lay this out."""

    kop: dict[str, str]
    nomor: str
    tanggal: str
    tempat: str
    sifat: str
    lampiran: str
    perihal: str
    tujuan: str
    melalui: str | None
    di: str
    paragraphs: list[str]
    penandatangan: dict[str, str | None]
    tembusan: list[str]


def letter_parts(kind: str, context: dict[str, Any]) -> LetterParts:
    """Resolve defaults and the kind's wording into the parts of one letter."""
    spec = LETTER_KINDS[kind]
    missing = [
        k for k in ("nomor", "tanggal", "judul", "tujuan", "penandatangan") if not context.get(k)
    ]
    if missing:
        raise LetterRefused(
            "Data surat belum lengkap: " + ", ".join(missing) + ".", {k: ["wajib"] for k in missing}
        )
    base = {k: None for k in LetterContextSchema().fields} | {"dasar": DASAR_NASIONAL}
    ctx = base | {k: v for k, v in context.items() if v is not None}
    kop_keys = ("instansi", "alamat", "kontak", "tempat", "nama_pemerintah")
    kop = dict.fromkeys(kop_keys) | {"pemerintah": "PEMERINTAH DAERAH"} | (ctx.get("kop") or {})
    ctx["kop"] = kop
    ctx["pemerintah"] = kop.get("nama_pemerintah") or kop["pemerintah"].title()
    perihal = ctx.get("perihal") or spec.perihal.format(judul=ctx["judul"])
    ctx["perihal"] = perihal
    if ctx.get("isi"):
        paragraphs = [p.strip() for p in ctx["isi"] if p and p.strip()]
    else:
        body = _ENV.get_template(f"{kind}.txt").render(**ctx)
        paragraphs = [" ".join(p.split()) for p in body.split("\n\n") if p.strip()]
    return LetterParts(
        kop=kop,
        nomor=str(ctx["nomor"]),
        tanggal=format_tanggal(_as_date(ctx["tanggal"])),
        tempat=ctx.get("tempat") or kop.get("tempat") or "",
        sifat=ctx.get("sifat") or "Biasa",
        lampiran=ctx.get("lampiran") or "-",
        perihal=perihal,
        tujuan=ctx["tujuan"],
        melalui=ctx.get("melalui"),
        di=ctx.get("di") or "Tempat",
        paragraphs=paragraphs,
        penandatangan=dict.fromkeys(("atas_nama", "pangkat", "nip")) | ctx["penandatangan"],
        tembusan=list(ctx.get("tembusan") or []),
    )


def render_letter(kind: str, context: dict[str, Any], fmt: str = "pdf") -> bytes:
    """Render one letter to PDF (WeasyPrint) or DOCX (python-docx). Pure."""
    if kind not in LETTER_KINDS:
        raise LetterRefused("Jenis surat tidak dikenal.", {"kind": ["Jenis surat tidak dikenal."]})
    parts = letter_parts(kind, context)
    if fmt == "pdf":
        return _render_pdf(parts)
    if fmt == "docx":
        return _render_docx(parts)
    raise LetterRefused("Format surat harus PDF atau DOCX.", {"fmt": ["pdf atau docx"]})


def render_letter_html(kind: str, context: dict[str, Any]) -> str:
    return _ENV.get_template("surat.html").render(p=letter_parts(kind, context))


def _render_pdf(parts: LetterParts) -> bytes:
    from weasyprint import HTML

    html = _ENV.get_template("surat.html").render(p=parts)
    return HTML(string=html, base_url=str(TEMPLATES_DIR)).write_pdf()


def _render_docx(parts: LetterParts) -> bytes:
    from docx import Document as DocxDocument
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    doc = DocxDocument()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin, section.bottom_margin = Cm(2.0), Cm(2.0)
    normal = doc.styles["Normal"]
    normal.font.name = "Bookman Old Style"
    normal.font.size = Pt(12)
    normal.paragraph_format.space_after = Pt(0)

    def para(text: str = "", *, bold: bool = False, size: float | None = None, align=None):
        p = doc.add_paragraph()
        run = p.add_run(text)
        run.bold = bold
        if size:
            run.font.size = Pt(size)
        if align is not None:
            p.alignment = align
        return p

    kop = parts.kop
    para(kop["pemerintah"], bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER)
    if kop.get("instansi"):
        para(kop["instansi"], bold=True, size=16, align=WD_ALIGN_PARAGRAPH.CENTER)
    line = para(kop.get("alamat") or "", size=10, align=WD_ALIGN_PARAGRAPH.CENTER)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for attr, value in (
        ("w:val", "thickThinSmallGap"),
        ("w:sz", "18"),
        ("w:space", "1"),
        ("w:color", "000000"),
    ):
        bottom.set(qn(attr), value)
    borders.append(bottom)
    line._p.get_or_add_pPr().append(borders)
    para()
    para(f"{parts.tempat}, {parts.tanggal}".lstrip(", "), align=WD_ALIGN_PARAGRAPH.RIGHT)
    para()

    table = doc.add_table(rows=0, cols=3)
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    for label, value in (
        ("Nomor", parts.nomor),
        ("Sifat", parts.sifat),
        ("Lampiran", parts.lampiran),
        ("Hal", parts.perihal),
    ):
        cells = table.add_row().cells
        cells[0].text, cells[1].text, cells[2].text = label, ":", value
    for row in table.rows:
        row.cells[0].width, row.cells[1].width, row.cells[2].width = Cm(2.5), Cm(0.5), Cm(13)
    para()
    para("Yth. " + parts.tujuan)
    if parts.melalui:
        para("melalui " + parts.melalui)
    para("di")
    para(parts.di).paragraph_format.left_indent = Cm(1)
    para()
    for text in parts.paragraphs:
        p = para(text, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
        p.paragraph_format.first_line_indent = Cm(1.25)
        p.paragraph_format.space_after = Pt(6)
        p.paragraph_format.line_spacing = 1.15
    para()
    signer = parts.penandatangan
    block = [signer.get("atas_nama"), signer["jabatan"], "", "", "", signer["nama"]]
    block += [signer.get("pangkat"), f"NIP {signer['nip']}" if signer.get("nip") else None]
    for i, text in enumerate(t for t in block if t is not None):
        p = para(text, bold=(text == signer["nama"] and i > 0))
        p.paragraph_format.left_indent = Cm(9)
    if parts.tembusan:
        para()
        para("Tembusan:")
        for i, item in enumerate(parts.tembusan, start=1):
            para(f"{i}. {item}")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
