"""Streamed validation of uploaded files, before any byte reaches the object store.

:func:`validate_upload` copies the incoming stream into a spooled temporary file (memory up to
1 MiB, then disk) in 64 KiB chunks while counting bytes and computing the sha256. It stops
reading the moment the size limit is passed, and refuses a disallowed type as soon as the
first bytes are in, without reading the rest.

Allowed: PDF, DOCX, XLSX, ODT, JPEG, PNG — by content (magic bytes and, for the office
formats, the zip's members), never by the file name. Office files are zips; their central
directory is checked against zip bombs (member count, total uncompressed size, compression
ratio, archives nested inside) before anything else reads them. The user's file name is
kept only as a sanitised display name.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import IO, Any

import filetype

CHUNK = 64 * 1024
SPOOL_IN_MEMORY = 1024 * 1024
HEAD_BYTES = 8192

CONTENT_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "odt": "application/vnd.oasis.opendocument.text",
    "jpeg": "image/jpeg",
    "png": "image/png",
}
EXTENSIONS: dict[str, tuple[str, ...]] = {
    "pdf": (".pdf",),
    "docx": (".docx",),
    "xlsx": (".xlsx",),
    "odt": (".odt",),
    "jpeg": (".jpg", ".jpeg"),
    "png": (".png",),
}
KIND_LABELS = {k: k.upper() for k in CONTENT_TYPES} | {"jpeg": "JPEG"}

_ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
_ARCHIVE_EXTENSIONS = (
    ".zip", ".jar", ".rar", ".7z", ".gz", ".tgz", ".bz2", ".xz", ".tar", ".cab", ".zst",
    ".docx", ".xlsx", ".pptx", ".odt", ".ods", ".odp", ".docm", ".xlsm",
)  # fmt: skip
_ARCHIVE_MAGIC = (
    b"PK\x03\x04", b"PK\x05\x06", b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf\x27\x1c", b"BZh",
    b"\xfd7zXZ\x00", b"MSCF", b"\x28\xb5\x2f\xfd",
)  # fmt: skip
_OFFICE_EMBEDDING = re.compile(r"^(word|xl)/embeddings/[^/]+\.(xlsx|docx|pptx)$")

MSG_TYPE = "Jenis berkas tidak diizinkan: hanya PDF, DOCX, XLSX, ODT, JPEG, atau PNG."
MSG_EMPTY = "Berkas kosong. Pilih berkas yang berisi dokumen lalu unggah lagi."


class UploadRefused(ValueError):
    """The upload is refused; ``message`` is an Indonesian sentence for the user."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class ZipLimits:
    max_members: int = 2000
    max_total_uncompressed: int = 256 * 1024 * 1024
    max_ratio: int = 100
    #: members smaller than this are not ratio-checked (tiny XML compresses very well)
    ratio_floor: int = 1024 * 1024


@dataclass
class ValidatedUpload:
    """A checked upload, spooled and rewound, ready for the object store."""

    file: IO[bytes]
    size: int
    sha256: str
    kind: str
    content_type: str
    filename: str

    def close(self) -> None:
        self.file.close()

    def __enter__(self) -> ValidatedUpload:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def format_megabytes(n_bytes: int) -> str:
    value = f"{n_bytes / (1024 * 1024):.1f}".rstrip("0").rstrip(".")
    return value.replace(".", ",") + " MB"


def too_large_message(max_bytes: int) -> str:
    return f"Ukuran berkas melebihi batas {format_megabytes(max_bytes)}."


def validate_upload(
    stream: IO[bytes] | Any,
    filename: str | None,
    *,
    max_bytes: int,
    zip_limits: ZipLimits = ZipLimits(),
) -> ValidatedUpload:
    """Spool ``stream`` while hashing and counting; refuse what is too big or not allowed.

    The caller owns the returned object and must ``close()`` it (or use it as a context
    manager). On refusal the spool is already closed and nothing else is read.
    """
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115 - returned
    try:
        digest = hashlib.sha256()
        size = 0
        head = b""
        kind: str | None = None
        while True:
            chunk = stream.read(CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if size > max_bytes:
                raise UploadRefused("too_large", too_large_message(max_bytes))
            digest.update(chunk)
            spool.write(chunk)
            if kind is None:
                head = (head + chunk)[:HEAD_BYTES]
                if len(head) >= HEAD_BYTES:
                    kind = detect_magic(head)  # refuses early, before reading the rest
        if size == 0:
            raise UploadRefused("empty", MSG_EMPTY)
        if kind is None:
            kind = detect_magic(head)
        spool.seek(0)
        if kind == "zip":
            kind = inspect_office_zip(spool, zip_limits)
            spool.seek(0)
        return ValidatedUpload(
            file=spool,
            size=size,
            sha256=digest.hexdigest(),
            kind=kind,
            content_type=CONTENT_TYPES[kind],
            filename=display_filename(filename, kind),
        )
    except BaseException:
        spool.close()
        raise


def detect_magic(head: bytes) -> str:
    """``pdf`` | ``jpeg`` | ``png`` | ``zip`` (to be inspected) from the first bytes, or refuse."""
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    guess = filetype.guess(head)
    mime = guess.mime if guess is not None else None
    if mime == "application/pdf" and head.startswith(b"%PDF-"):
        return "pdf"
    if mime == "image/jpeg":
        return "jpeg"
    if mime == "image/png":
        return "png"
    raise UploadRefused("type_not_allowed", MSG_TYPE)


def _bomb(kind: str) -> UploadRefused:
    return UploadRefused(
        "zip_bomb",
        f"Berkas {KIND_LABELS.get(kind, kind.upper())} ini tampak seperti zip bomb dan ditolak.",
    )


def _office_kind(zf: zipfile.ZipFile) -> str:
    names = zf.namelist()
    if "mimetype" in names:
        with zf.open("mimetype") as fh:
            if fh.read(len(_ODT_MIMETYPE) + 2).strip() == _ODT_MIMETYPE:
                return "odt"
        raise UploadRefused("type_not_allowed", MSG_TYPE)
    if "[Content_Types].xml" in names:
        if any(n.startswith("word/") for n in names):
            return "docx"
        if any(n.startswith("xl/") for n in names):
            return "xlsx"
    raise UploadRefused("type_not_allowed", MSG_TYPE)


def _check_directory(zf: zipfile.ZipFile, kind: str, limits: ZipLimits) -> None:
    infos = zf.infolist()
    if len(infos) > limits.max_members:
        raise _bomb(kind)
    total = 0
    for info in infos:
        total += info.file_size
        if total > limits.max_total_uncompressed:
            raise _bomb(kind)
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > limits.ratio_floor and ratio > limits.max_ratio:
            raise _bomb(kind)
        if info.flag_bits & 0x1:  # encrypted member: cannot be checked
            raise UploadRefused(
                "encrypted",
                "Berkas terenkripsi tidak dapat diperiksa. Buka kuncinya lalu unggah lagi.",
            )


def _is_archive(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    if info.is_dir():
        return False
    if info.filename.lower().endswith(_ARCHIVE_EXTENSIONS):
        return True
    with zf.open(info) as fh:
        head = fh.read(512)
    return head.startswith(_ARCHIVE_MAGIC) or head[257:262] == b"ustar"


def _check_zip(zf: zipfile.ZipFile, kind: str, limits: ZipLimits, depth: int) -> None:
    _check_directory(zf, kind, limits)
    for info in zf.infolist():
        if not _is_archive(zf, info):
            continue
        # Charts in Word/Excel files are embedded workbooks: allowed one level deep,
        # under the same limits, with nothing nested inside them.
        if depth == 0 and kind in {"docx", "xlsx"} and _OFFICE_EMBEDDING.match(info.filename):
            with tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY) as inner:
                with zf.open(info) as src:  # ZipExtFile stops at the declared file_size
                    while chunk := src.read(CHUNK):
                        inner.write(chunk)
                inner.seek(0)
                try:
                    with zipfile.ZipFile(inner) as inner_zf:
                        _check_zip(inner_zf, kind, limits, depth + 1)
                except zipfile.BadZipFile as exc:
                    raise _bomb(kind) from exc
            continue
        raise UploadRefused(
            "nested_archive",
            f"Berkas {KIND_LABELS[kind]} ini berisi arsip di dalamnya dan ditolak. "
            "Unggah dokumennya tanpa lampiran arsip.",
        )


def inspect_office_zip(fileobj: IO[bytes], limits: ZipLimits = ZipLimits()) -> str:
    """Tell DOCX/XLSX/ODT apart by their members and refuse zip bombs; returns the kind."""
    try:
        with zipfile.ZipFile(fileobj) as zf:
            kind = _office_kind(zf)
            _check_zip(zf, kind, limits, depth=0)
            return kind
    except zipfile.BadZipFile as exc:
        raise UploadRefused(
            "corrupt", "Berkas rusak atau tidak lengkap. Simpan ulang dokumennya lalu unggah lagi."
        ) from exc
    except (zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError) as exc:
        raise UploadRefused(
            "corrupt", "Berkas tidak dapat dibaca. Simpan ulang dokumennya lalu unggah lagi."
        ) from exc


_UNSAFE_CHARS = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')


def display_filename(raw: str | None, kind: str) -> str:
    """A name safe to show and to put in Content-Disposition; the extension matches ``kind``."""
    name = unicodedata.normalize("NFC", raw or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = _UNSAFE_CHARS.sub("_", name)
    name = re.sub(r"\s+", " ", name).strip().lstrip(".").strip()
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    if "." + ext.lower() not in EXTENSIONS[kind]:
        stem, ext = name, EXTENSIONS[kind][0][1:]
    stem = stem.strip() or "berkas"
    return f"{stem[:150]}.{ext.lower()}"
