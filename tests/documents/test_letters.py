"""Letters rendered from templates: PDF via WeasyPrint, DOCX via python-docx (pure, no DB)."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from types import SimpleNamespace

import pytest

from sikd.documents.letters import LETTER_KINDS, LetterRefused, check_letter_context, kop_for_tenant
from sikd.documents.rendering import letter_parts, render_letter, render_letter_html

BEKASI = SimpleNamespace(code="32.75", name="Kota Bekasi", kind="kota")

CONTEXT = {
    "nomor": "000.7/007/Kerma-32.75/2026",
    "tanggal": date(2026, 11, 22),
    "judul": "Kota Bersaudara Bekasi dan Xiamen",
    "mitra": "Pemerintah Kota Xiamen, Republik Rakyat Tiongkok",
    "daerah": "Pemerintah Kota Bekasi",
    "tujuan": "Menteri Dalam Negeri c.q. Sekretaris Jenderal",
    "melalui": "Gubernur Jawa Barat",
    "di": "Jakarta",
    "rujukan_nomor": "100.4.4/1234/SJ",
    "rujukan_tanggal": date(2026, 10, 1),
    "rujukan_perihal": "Permohonan pertimbangan",
    "keputusan": "lanjut",
    "catatan": "Ruang lingkup agar dirinci per bidang.",
    "kop": kop_for_tenant(BEKASI),
    "penandatangan": {"jabatan": "Wali Kota Bekasi", "nama": "Dr. Contoh Nama, M.Si."},
    "tembusan": ["Ketua DPRD Kota Bekasi", "Gubernur Jawa Barat"],
}


def pdf_text(data: bytes) -> str:
    pypdf = pytest.importorskip("pypdf")
    reader = pypdf.PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def docx_text(data: bytes) -> str:
    import docx

    d = docx.Document(io.BytesIO(data))
    parts = [p.text for p in d.paragraphs]
    for table in d.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def test_pdf_letter_has_kop_nomor_tanggal_and_perihal():
    data = render_letter("surat_permohonan_dprd", CONTEXT, fmt="pdf")
    assert data.startswith(b"%PDF-")
    text = " ".join(pdf_text(data).split())
    assert "PEMERINTAH KOTA BEKASI" in text
    assert "000.7/007/Kerma-32.75/2026" in text
    assert "Bekasi, 22 November 2026" in text
    assert "Permohonan Persetujuan DPRD atas Rencana Kerja Sama Kota Bersaudara" in text
    assert "Wali Kota Bekasi" in text and "Dr. Contoh Nama, M.Si." in text


def test_docx_letter_is_editable_and_says_the_same():
    data = render_letter("surat_permohonan_dprd", CONTEXT, fmt="docx")
    assert zipfile.is_zipfile(io.BytesIO(data))
    text = docx_text(data)
    assert "PEMERINTAH KOTA BEKASI" in text
    assert "000.7/007/Kerma-32.75/2026" in text
    assert "Bekasi, 22 November 2026" in text
    assert "Yth. Menteri Dalam Negeri c.q. Sekretaris Jenderal" in text
    assert "melalui Gubernur Jawa Barat" in text
    assert "1. Ketua DPRD Kota Bekasi" in text


@pytest.mark.parametrize("kind", sorted(LETTER_KINDS))
def test_every_letter_kind_renders_both_formats(kind):
    parts = letter_parts(kind, CONTEXT)
    assert len(parts.paragraphs) >= 2
    assert all("{{" not in p and "{%" not in p for p in parts.paragraphs)
    assert parts.perihal.endswith(CONTEXT["judul"])
    assert render_letter(kind, CONTEXT, "docx")[:2] == b"PK"
    assert CONTEXT["nomor"] in " ".join(pdf_text(render_letter(kind, CONTEXT, "pdf")).split())


def test_pertimbangan_says_what_the_daerah_must_do_next_pmdn25_tahap_7():
    lanjut = " ".join(letter_parts("pertimbangan_sekjen", CONTEXT).paragraphs)
    assert "menyusun rancangan Naskah Kerja Sama" in lanjut
    perbaiki = " ".join(
        letter_parts("pertimbangan_sekjen", CONTEXT | {"keputusan": "perbaiki"}).paragraphs
    )
    assert "perlu diperbaiki" in perbaiki and "menyusun rancangan" not in perbaiki


def test_reply_letters_cite_the_letter_they_answer_in_indonesian_dates():
    text = " ".join(letter_parts("tanggapan_sekjen", CONTEXT).paragraphs)
    assert "Nomor 100.4.4/1234/SJ tanggal 1 Oktober 2026" in text


def test_user_text_is_escaped_in_the_html():
    html = render_letter_html("surat_permohonan_dprd", CONTEXT | {"judul": "<script>x</script>"})
    assert "<script>x" not in html and "&lt;script&gt;x" in html


def test_own_paragraphs_replace_the_template_wording():
    parts = letter_parts(
        "surat_permohonan_dprd", CONTEXT | {"isi": ["Paragraf satu.", " ", "Dua."]}
    )
    assert parts.paragraphs == ["Paragraf satu.", "Dua."]


def test_kop_for_provinsi_and_kementerian():
    jabar = kop_for_tenant(SimpleNamespace(code="32", name="Jawa Barat", kind="provinsi"))
    assert jabar["pemerintah"] == "PEMERINTAH PROVINSI JAWA BARAT"
    kemendagri = kop_for_tenant(
        SimpleNamespace(code="KEMENDAGRI", name="Kementerian Dalam Negeri", kind="kementerian")
    )
    assert kemendagri["pemerintah"] == "KEMENTERIAN DALAM NEGERI REPUBLIK INDONESIA"
    assert kemendagri["instansi"] == "SEKRETARIAT JENDERAL"
    assert kemendagri["tempat"] == "Jakarta"


def test_letter_request_context_is_checked_with_indonesian_messages():
    with pytest.raises(LetterRefused) as err:
        check_letter_context("surat_permohonan_dprd", {"judul": "X"})
    msg = err.value.message
    assert "Tujuan surat wajib diisi." in msg
    assert "Penandatangan wajib diisi." in msg
    assert "Mitra kerja sama wajib diisi untuk surat ini." in msg
    with pytest.raises(LetterRefused) as err:
        check_letter_context(
            "pertimbangan_sekjen",
            {
                "judul": "X",
                "tujuan": "Wali Kota Bekasi",
                "penandatangan": {"jabatan": "Sekretaris Jenderal", "nama": "N"},
                "rujukan_nomor": "1",
                "rujukan_tanggal": "2026-10-01",
            },
        )
    assert "Keputusan wajib diisi untuk surat ini." in err.value.message


def test_letter_request_context_is_returned_json_ready():
    clean = check_letter_context(
        "surat_permohonan_dprd",
        {
            "judul": "X",
            "mitra": "Kota Xiamen",
            "tujuan": "Ketua DPRD Kota Bekasi",
            "penandatangan": {"jabatan": "Wali Kota Bekasi", "nama": "N"},
            "rujukan_tanggal": "2026-10-01",
        },
    )
    assert clean["rujukan_tanggal"] == "2026-10-01" and clean["sifat"] == "Biasa"
