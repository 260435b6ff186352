"""Object storage: S3 backend against moto's server over real HTTP, local backend in a temp dir."""

from __future__ import annotations

import hashlib
import io
import os
import urllib.request
import uuid
from pathlib import Path

import boto3
import pytest
from moto.server import ThreadedMotoServer
from werkzeug.http import parse_options_header

from sikd.core.storage import (
    InvalidKey,
    ObjectNotFound,
    StorageUnavailable,
    check_key,
    content_disposition,
    storage_from_settings,
)
from sikd.core.storage_local import LocalStorage
from sikd.core.storage_s3 import PART_SIZE, S3Storage


class PatternStream(io.RawIOBase):
    """A readable stream of ``size`` pseudo-random bytes that never exists in memory whole."""

    def __init__(self, size: int, seed: bytes = b"sikd") -> None:
        self.size = size
        self.pos = 0
        self.block = hashlib.sha256(seed).digest() * 4096  # 128 KiB
        self.largest_read = 0

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        left = self.size - self.pos
        if n is None or n < 0:
            n = left
        n = min(n, left)
        self.largest_read = max(self.largest_read, n)
        out = bytearray()
        while len(out) < n:
            offset = (self.pos + len(out)) % len(self.block)
            out += self.block[offset : offset + n - len(out)]
        self.pos += n
        return bytes(out)

    def digest(self) -> str:
        h = hashlib.sha256()
        copy = PatternStream(self.size)
        while chunk := copy.read(1 << 20):
            h.update(chunk)
        return h.hexdigest()


def _sha(stream) -> str:
    h = hashlib.sha256()
    while chunk := stream.read(1 << 20):
        h.update(chunk)
    stream.close()
    return h.hexdigest()


def stop_server(server: ThreadedMotoServer) -> int:
    """Stop moto and close its listening socket (so clients fail fast); returns the port."""
    port = server.get_host_and_port()[1]
    server.stop()
    server._server.server_close()
    return port


def restart_server(server: ThreadedMotoServer, port: int) -> None:
    server._port = port
    server.start()


@pytest.fixture(scope="module")
def moto_server():
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "test")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "test")
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield server, f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3(moto_server):
    _server, url = moto_server
    return S3Storage(
        url,
        f"sikd-test-{uuid.uuid4().hex[:8]}",
        access_key_id="test",
        secret_access_key="test",
        connect_timeout=1,
        read_timeout=5,
        max_attempts=1,
    )


def _raw_client(storage: S3Storage):
    return boto3.client(
        "s3",
        endpoint_url=storage.endpoint_url,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        region_name="us-east-1",
    )


# -- S3 ---------------------------------------------------------------------------------


def test_s3_creates_missing_bucket_with_versioning_and_encryption(s3):
    stored = s3.put_stream("32.75/umum/abc/v1", io.BytesIO(b"%PDF-1.7 kecil"), "application/pdf")
    raw = _raw_client(s3)
    assert raw.get_bucket_versioning(Bucket=s3.bucket)["Status"] == "Enabled"
    head = raw.head_object(Bucket=s3.bucket, Key=stored.key)
    assert head["ServerSideEncryption"] == "AES256"
    assert head["ContentType"] == "application/pdf"
    assert stored.version_id
    assert stored.size == len(b"%PDF-1.7 kecil")


def test_s3_large_upload_is_multipart_and_streamed(s3):
    size = 2 * PART_SIZE + 12345
    source = PatternStream(size)
    stored = s3.put_stream("32.75/7/doc/v1", source, "application/pdf")
    assert stored.size == size
    # never more than one part was asked of the stream at a time
    assert source.largest_read <= PART_SIZE
    assert _sha(s3.open(stored.key)) == PatternStream(size).digest()
    head = _raw_client(s3).head_object(Bucket=s3.bucket, Key=stored.key)
    assert head["ETag"].strip('"').endswith("-3")  # three parts
    assert head["ServerSideEncryption"] == "AES256"


def test_s3_versions_are_kept_and_readable(s3):
    first = s3.put_stream("32.75/umum/d/v1", io.BytesIO(b"pertama"), "text/plain")
    second = s3.put_stream("32.75/umum/d/v1", io.BytesIO(b"kedua"), "text/plain")
    assert first.version_id != second.version_id
    assert s3.open(first.key, first.version_id).read() == b"pertama"
    assert s3.open(first.key).read() == b"kedua"


def test_s3_delete_removes_every_version(s3):
    s3.put_stream("32.75/umum/x/v1", io.BytesIO(b"a"), "text/plain")
    s3.put_stream("32.75/umum/x/v1", io.BytesIO(b"b"), "text/plain")
    assert s3.exists("32.75/umum/x/v1")
    s3.delete("32.75/umum/x/v1")
    assert not s3.exists("32.75/umum/x/v1")
    versions = _raw_client(s3).list_object_versions(Bucket=s3.bucket, Prefix="32.75/umum/x/")
    assert not versions.get("Versions") and not versions.get("DeleteMarkers")
    with pytest.raises(ObjectNotFound):
        s3.open("32.75/umum/x/v1")


def test_s3_list_keys_by_prefix(s3):
    for key in ("32.75/1/a/v1", "32.75/1/a/v2", "32.75/2/b/v1", "32.16/1/c/v1"):
        s3.put_stream(key, io.BytesIO(b"x"), "text/plain")
    assert sorted(s3.list_keys("32.75/1/")) == ["32.75/1/a/v1", "32.75/1/a/v2"]
    assert len(list(s3.list_keys(""))) == 4


def test_s3_presigned_url_downloads_as_attachment_with_the_display_name(s3):
    stored = s3.put_stream("32.75/umum/p/v1", io.BytesIO(b"%PDF-1.4 isi"), "application/pdf")
    url = s3.presigned_download_url(stored.key, stored.version_id, "Surat Kota Bekasi.pdf", 60)
    assert url.startswith(s3.endpoint_url)
    with urllib.request.urlopen(url, timeout=5) as resp:  # noqa: S310 - local moto server
        assert resp.read() == b"%PDF-1.4 isi"
        disposition = resp.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    _, options = parse_options_header(disposition)  # RFC 6266: the name comes back whole
    assert options["filename"] == "Surat Kota Bekasi.pdf"


def test_s3_unreachable_raises_storage_unavailable_in_indonesian(moto_server, s3):
    server, _url = moto_server
    assert s3.healthcheck()[0] is True
    port = stop_server(server)
    try:
        ok, detail = s3.healthcheck()
        assert ok is False and "tidak dapat diakses" in detail
        with pytest.raises(StorageUnavailable) as err:
            s3.put_stream("32.75/umum/z/v1", io.BytesIO(b"x"), "text/plain")
        assert "Coba lagi" in str(err.value)
    finally:
        restart_server(server, port)
    assert s3.healthcheck()[0] is True
    assert s3.put_stream("32.75/umum/z/v1", io.BytesIO(b"x"), "text/plain").size == 1


def test_s3_failed_multipart_upload_is_aborted(s3):
    class Broken(PatternStream):
        def read(self, n=-1):
            if self.pos >= PART_SIZE:
                raise OSError("koneksi klien terputus")
            return super().read(n)

    s3.ensure_bucket()
    with pytest.raises(OSError, match="koneksi klien terputus"):
        s3.put_stream("32.75/umum/broken/v1", Broken(3 * PART_SIZE), "application/pdf")
    raw = _raw_client(s3)
    assert not raw.list_multipart_uploads(Bucket=s3.bucket).get("Uploads")
    assert not s3.exists("32.75/umum/broken/v1")


# -- keys -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key", ["../etc/passwd", "/abs/path", "a//b", "a/./b", "a/../b", "", "a/b\\c", "a/ b", ".x"]
)
def test_keys_that_could_escape_are_refused(key):
    with pytest.raises(InvalidKey):
        check_key(key)


def test_content_disposition_keeps_unicode_name_and_a_safe_ascii_fallback():
    value = content_disposition('Naskah "Kerja Sama" — Bekasi.pdf')
    assert value.startswith("attachment; filename=")
    value.encode("latin-1")  # a valid header value (RFC 6266 / 5987), whatever the name
    _, options = parse_options_header(value)
    assert options["filename"] == 'Naskah "Kerja Sama" — Bekasi.pdf'  # from filename*, whole
    assert "filename*=UTF-8''Naskah%20%22Kerja%20Sama%22%20%E2%80%94%20Bekasi.pdf" in value


def test_content_disposition_never_carries_a_line_break():
    value = content_disposition('surat"\r\nSet-Cookie: x=1.pdf')
    assert "\r" not in value and "\n" not in value


# -- local ------------------------------------------------------------------------------


def test_local_roundtrip_list_and_delete(tmp_path: Path):
    store = LocalStorage(tmp_path / "objects")
    stored = store.put_stream("32.75/umum/a/v1", io.BytesIO(b"isi"), "text/plain")
    assert stored.size == 3 and stored.version_id is None
    assert store.exists("32.75/umum/a/v1")
    assert store.open("32.75/umum/a/v1").read() == b"isi"
    store.put_stream("32.75/9/b/v1", io.BytesIO(b"lain"), "text/plain")
    assert list(store.list_keys("32.75/umum/")) == ["32.75/umum/a/v1"]
    store.delete("32.75/umum/a/v1")
    assert not store.exists("32.75/umum/a/v1")
    with pytest.raises(ObjectNotFound):
        store.open("32.75/umum/a/v1")
    assert store.presigned_download_url("32.75/9/b/v1", None, "b.pdf", 60) is None
    assert store.healthcheck()[0] is True


def test_local_write_is_atomic_when_the_stream_breaks(tmp_path: Path):
    store = LocalStorage(tmp_path)
    store.put_stream("t/umum/a/v1", io.BytesIO(b"lama"), "text/plain")

    class Broken(PatternStream):
        def read(self, n=-1):
            if self.pos > 0:
                raise OSError("terputus")
            return super().read(n)

    with pytest.raises(StorageUnavailable):
        store.put_stream("t/umum/a/v1", Broken(5 << 20), "text/plain")
    assert store.open("t/umum/a/v1").read() == b"lama"
    assert [p.name for p in (tmp_path / "t/umum/a").iterdir()] == ["v1"]  # no temp file left


def test_local_refuses_traversal(tmp_path: Path):
    store = LocalStorage(tmp_path / "objects")
    for key in ("../outside", "a/../../outside"):
        with pytest.raises(InvalidKey):
            store.put_stream(key, io.BytesIO(b"x"), "text/plain")
    assert not (tmp_path / "outside").exists()


def test_backend_is_chosen_from_settings(tmp_path: Path):
    from sikd.core.config import load_settings

    local = storage_from_settings(load_settings({"SIKD_STORAGE_DIR": str(tmp_path)}))
    assert isinstance(local, LocalStorage)
    remote = storage_from_settings(
        load_settings({"SIKD_S3_ENDPOINT_URL": "http://127.0.0.1:9", "SIKD_S3_BUCKET": "b"})
    )
    assert isinstance(remote, S3Storage) and remote.bucket == "b"
