"""Upload validation: size limit, type by content, zip bombs, display names."""

from __future__ import annotations

import hashlib
import io
import os
import zipfile

import docx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sikd.documents.validation import (
    CHUNK,
    HEAD_BYTES,
    MSG_TYPE,
    UploadRefused,
    ZipLimits,
    display_filename,
    validate_upload,
)

MB = 1024 * 1024


class CountingStream(io.RawIOBase):
    """``prefix`` followed by zeros up to ``size``; records how much was read."""

    def __init__(self, prefix: bytes, size: int) -> None:
        self.prefix = prefix
        self.size = size
        self.pos = 0

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        n = self.size - self.pos if n < 0 else min(n, self.size - self.pos)
        out = bytearray(n)
        if self.pos < len(self.prefix):
            part = self.prefix[self.pos : self.pos + n]
            out[: len(part)] = part
        self.pos += n
        return bytes(out)


def docx_bytes(text: str = "Naskah kerja sama") -> bytes:
    buf = io.BytesIO()
    d = docx.Document()
    d.add_paragraph(text)
    d.save(buf)
    return buf.getvalue()


def zip_bytes(members: dict[str, bytes], *, first_stored: str | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        if first_stored:
            zf.writestr(first_stored, members.pop(first_stored), compress_type=zipfile.ZIP_STORED)
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


XLSX = {
    "[Content_Types].xml": b"<Types/>",
    "_rels/.rels": b"<Relationships/>",
    "xl/workbook.xml": b"<workbook/>",
    "xl/worksheets/sheet1.xml": b"<worksheet/>",
}


def validate(data: bytes, name: str = "berkas", **kw):
    kw.setdefault("max_bytes", 50 * MB)
    return validate_upload(io.BytesIO(data), name, **kw)


# -- accepted ---------------------------------------------------------------------------


def test_pdf_is_accepted_with_its_sha256_and_size():
    data = b"%PDF-1.7\n" + os.urandom(200_000) + b"\n%%EOF\n"
    with validate(data, "Surat Permohonan.pdf") as up:
        assert up.kind == "pdf" and up.content_type == "application/pdf"
        assert up.size == len(data)
        assert up.sha256 == hashlib.sha256(data).hexdigest()
        assert up.file.read() == data
        assert up.filename == "Surat Permohonan.pdf"


def test_docx_xlsx_odt_are_told_apart_by_their_members():
    assert validate(docx_bytes(), "naskah.docx").kind == "docx"
    assert validate(zip_bytes(dict(XLSX)), "anggaran.xlsx").kind == "xlsx"
    odt = zip_bytes(
        {
            "mimetype": b"application/vnd.oasis.opendocument.text",
            "content.xml": b"<office:document-content/>",
            "META-INF/manifest.xml": b"<manifest/>",
        },
        first_stored="mimetype",
    )
    up = validate(odt, "kajian.odt")
    assert up.kind == "odt" and up.content_type == "application/vnd.oasis.opendocument.text"


def test_images_are_accepted():
    png = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + os.urandom(100)
    jpeg = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + os.urandom(100)
    assert validate(png, "foto.png").kind == "png"
    assert validate(jpeg, "foto.jpg").content_type == "image/jpeg"


def test_large_upload_is_spooled_to_disk_not_memory():
    with validate_upload(CountingStream(b"%PDF-1.5\n", 3 * MB), "x.pdf", max_bytes=50 * MB) as up:
        assert up.size == 3 * MB
        assert up.file._rolled  # SpooledTemporaryFile moved to a real temp file


# -- refused ----------------------------------------------------------------------------


def test_oversized_upload_is_refused_without_reading_the_rest():
    stream = CountingStream(b"%PDF-1.7\n", 500 * MB)
    with pytest.raises(UploadRefused) as err:
        validate_upload(stream, "besar.pdf", max_bytes=50 * MB)
    assert err.value.message == "Ukuran berkas melebihi batas 50 MB."
    assert err.value.code == "too_large"
    assert stream.pos <= 50 * MB + CHUNK


def test_size_message_follows_the_setting():
    with pytest.raises(UploadRefused) as err:
        validate(b"%PDF-1.7\n" + b"0" * (3 * MB), max_bytes=int(2.5 * MB))
    assert err.value.message == "Ukuran berkas melebihi batas 2,5 MB."


@pytest.mark.parametrize(
    "data",
    [
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 400,  # Windows executable
        b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>",
        b"<html><body>surat</body></html>",
        b"\x7fELF\x02\x01\x01" + b"\x00" * 300,
        b"GIF89a" + b"\x00" * 300,
        b"Hanya teks biasa, bukan dokumen.",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,  # old .doc (OLE)
    ],
    ids=["exe", "html-doctype", "html", "elf", "gif", "text", "ole-doc"],
)
def test_disallowed_types_are_refused_in_indonesian(data):
    with pytest.raises(UploadRefused) as err:
        validate(data, "surat.pdf")  # the name does not matter, the content does
    assert err.value.message == MSG_TYPE
    assert err.value.code == "type_not_allowed"


def test_executable_is_refused_after_the_first_bytes():
    stream = CountingStream(b"MZ\x90\x00", 40 * MB)
    with pytest.raises(UploadRefused):
        validate_upload(stream, "laporan.pdf", max_bytes=50 * MB)
    assert stream.pos <= HEAD_BYTES + CHUNK


@pytest.mark.parametrize(
    "members",
    [
        {"laporan.txt": b"isi"},
        {"[Content_Types].xml": b"<Types/>", "ppt/presentation.xml": b"<p/>"},  # PPTX
        {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"},
    ],
    ids=["plain-zip", "pptx", "ods"],
)
def test_zips_that_are_not_allowed_office_documents_are_refused(members):
    with pytest.raises(UploadRefused) as err:
        validate(zip_bytes(members), "naskah.docx")
    assert err.value.message == MSG_TYPE


def test_empty_and_corrupt_files_are_refused():
    with pytest.raises(UploadRefused) as err:
        validate(b"", "kosong.pdf")
    assert err.value.code == "empty"
    with pytest.raises(UploadRefused) as err:
        validate(docx_bytes()[:2000], "potong.docx")
    assert err.value.code == "corrupt"


def test_highly_compressed_docx_member_is_refused_as_zip_bomb():
    members = {
        "[Content_Types].xml": b"<Types/>",
        "word/document.xml": b"<w:document/>",
        "word/media/bomb.xml": b"\x00" * (20 * MB),  # ~1000:1
    }
    with pytest.raises(UploadRefused) as err:
        validate(zip_bytes(members), "naskah.docx")
    assert err.value.message == "Berkas DOCX ini tampak seperti zip bomb dan ditolak."


def test_total_uncompressed_size_and_member_count_are_limited():
    members = {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}
    members |= {f"word/media/p{i}.bin": os.urandom(400_000) for i in range(3)}
    with pytest.raises(UploadRefused) as err:
        validate(zip_bytes(dict(members)), zip_limits=ZipLimits(max_total_uncompressed=MB))
    assert err.value.code == "zip_bomb"
    many = {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}
    many |= {f"word/m/{i}.xml": b"" for i in range(2001)}
    with pytest.raises(UploadRefused) as err:
        validate(zip_bytes(many), "banyak.docx")
    assert err.value.code == "zip_bomb"


def test_archive_nested_in_an_office_file_is_refused():
    inner = zip_bytes({"a.txt": b"x"})
    members = {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}
    for name in ("word/media/image1.png", "word/lampiran.zip"):  # by content and by name
        with pytest.raises(UploadRefused) as err:
            validate(zip_bytes(dict(members) | {name: inner}), "naskah.docx")
        assert err.value.code == "nested_archive"


def test_chart_workbook_embedded_in_docx_is_allowed_but_not_deeper():
    members = {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}
    chart = zip_bytes(dict(XLSX))
    ok = zip_bytes(dict(members) | {"word/embeddings/Microsoft_Excel_Worksheet.xlsx": chart})
    assert validate(ok, "grafik.docx").kind == "docx"
    deeper = zip_bytes(dict(XLSX) | {"xl/media/x.zip": zip_bytes({"a": b"b"})})
    bad = zip_bytes(dict(members) | {"word/embeddings/Microsoft_Excel_Worksheet.xlsx": deeper})
    with pytest.raises(UploadRefused) as err:
        validate(bad, "grafik.docx")
    assert err.value.code == "nested_archive"


# -- display names ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "kind", "expected"),
    [
        ("../../etc/passwd", "pdf", "passwd.pdf"),
        ("C:\\Users\\tkksd\\LoI Kota Bekasi.PDF", "pdf", "LoI Kota Bekasi.pdf"),
        ("laporan.exe", "pdf", "laporan.exe.pdf"),
        ("", "docx", "berkas.docx"),
        (None, "png", "berkas.png"),
        ('nama<script>"x".jpeg', "jpeg", "nama_script__x_.jpeg"),
        ("...tersembunyi.pdf", "pdf", "tersembunyi.pdf"),
        ("surat\r\nX-Header: 1.pdf", "pdf", "suratX-Header_ 1.pdf"),
    ],
)
def test_filenames_are_kept_only_as_safe_display_names(raw, kind, expected):
    assert display_filename(raw, kind) == expected


@given(st.text(max_size=300), st.sampled_from(["pdf", "docx", "xlsx", "odt", "jpeg", "png"]))
def test_display_name_is_always_safe(raw, kind):
    name = display_filename(raw, kind)
    assert name and len(name) <= 160
    assert not any(c in name for c in '/\\<>:"|?*\r\n\x00')
    assert not name.startswith(".")
    assert name.rsplit(".", 1)[1] in {"pdf", "docx", "xlsx", "odt", "jpg", "jpeg", "png"}
