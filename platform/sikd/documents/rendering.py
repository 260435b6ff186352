"""Rendering letters: the template with kop, nomor and Indonesian dates, to PDF or DOCX."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from sikd.core.i18n import format_tanggal
from sikd.documents.letters import LETTER_KINDS, LetterContextSchema, LetterRefused

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates" / "letters"
DASAR_NASIONAL = "Peraturan Menteri Dalam Negeri Nomor 25 Tahun 2020"


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
    base = dict.fromkeys(LetterContextSchema().fields) | {"dasar": DASAR_NASIONAL}
    ctx = base | {k: v for k, v in context.items() if v is not None}
    kop_keys = ("instansi", "alamat", "kontak", "tempat", "nama_pemerintah", "logo")
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
    if kop.get("logo"):
        import base64

        logo = doc.add_paragraph()
        logo.alignment = WD_ALIGN_PARAGRAPH.CENTER
        raw = base64.b64decode(str(kop["logo"]).split(",", 1)[1])
        logo.add_run().add_picture(io.BytesIO(raw), height=Cm(2.2))
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
