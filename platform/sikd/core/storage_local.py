"""Objects in a local directory (``var/objects``): the embedded default when no S3 endpoint is set."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from sikd.core.storage_base import (
    COPY_CHUNK,
    InvalidKey,
    ObjectInfo,
    ObjectNotFound,
    ReadableStream,
    StorageUnavailable,
    StoredObject,
    check_key,
)

# --------------------------------------------------------------------------------------
# Local directory


class LocalStorage:
    """Objects as files under ``root``; no versioning (``version_id`` is always None)."""

    _TMP_PREFIX = ".tmp-"

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root).resolve()

    def _path(self, key: str) -> Path:
        check_key(key)
        path = (self.root / key).resolve()
        if self.root not in path.parents:
            raise InvalidKey(f"Kunci objek tidak sah: {key!r}.")
        return path

    def put_stream(self, key: str, fileobj: IO[bytes], content_type: str) -> StoredObject:
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp_name = tempfile.mkstemp(prefix=self._TMP_PREFIX, dir=path.parent)
        except OSError as exc:
            raise StorageUnavailable(detail=str(exc)) from exc
        size = 0
        try:
            with os.fdopen(fd, "wb") as out:
                while chunk := fileobj.read(COPY_CHUNK):
                    out.write(chunk)
                    size += len(chunk)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp_name, path)
        except OSError as exc:
            Path(tmp_name).unlink(missing_ok=True)
            raise StorageUnavailable(detail=str(exc)) from exc
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise
        return StoredObject(key, None, size)

    def open(self, key: str, version_id: str | None = None) -> ReadableStream:
        path = self._path(key)
        try:
            return path.open("rb")
        except FileNotFoundError as exc:
            raise ObjectNotFound(key) from exc
        except OSError as exc:
            raise StorageUnavailable(detail=str(exc)) from exc

    def delete(self, key: str, version_id: str | None = None) -> None:
        path = self._path(key)
        try:
            path.unlink(missing_ok=True)
        except OSError as exc:
            raise StorageUnavailable(detail=str(exc)) from exc

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def list_objects(self, prefix: str = "") -> Iterator[ObjectInfo]:
        if not self.root.is_dir():
            return
        for dirpath, _dirs, files in os.walk(self.root):
            for name in sorted(files):
                if name.startswith(self._TMP_PREFIX):
                    continue
                full = Path(dirpath) / name
                key = full.relative_to(self.root).as_posix()
                if not key.startswith(prefix):
                    continue
                stat = full.stat()
                yield ObjectInfo(key, stat.st_size, datetime.fromtimestamp(stat.st_mtime, UTC))

    def list_keys(self, prefix: str = "") -> Iterator[str]:
        for info in self.list_objects(prefix):
            yield info.key

    def presigned_download_url(
        self, key: str, version_id: str | None, filename: str, expires_seconds: int = 300
    ) -> str | None:
        """No URL: the app streams local objects itself after the authorization check."""
        return None

    def healthcheck(self) -> tuple[bool, str]:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(prefix=self._TMP_PREFIX, dir=self.root):
                pass
        except OSError as exc:
            return False, f"Direktori penyimpanan {self.root} tidak dapat ditulisi: {exc}"
        return True, f"Direktori penyimpanan {self.root} dapat ditulisi."
