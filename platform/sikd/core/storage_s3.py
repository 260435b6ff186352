"""S3-compatible object storage (AWS, MinIO; moto in tests) behind the Storage interface."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import IO, Any

from sikd.core.storage_base import (
    ObjectInfo,
    ObjectNotFound,
    ReadableStream,
    StorageUnavailable,
    StoredObject,
    check_key,
    content_disposition,
    log,
)

# --------------------------------------------------------------------------------------
# S3

PART_SIZE = 8 * 1024 * 1024  # multipart upload part size (S3 minimum is 5 MiB)
_DEFAULT_SSE_RULE = {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}


class S3Storage:
    """S3-compatible backend (boto3). Thread-safe: boto3 clients are."""

    #: error codes of stores that do not implement a bucket feature (MinIO without KMS, …)
    _UNSUPPORTED = {
        "NotImplemented",
        "NotImplementedError",
        "KMS.NotConfigured",
        "InvalidRequest",
        "InvalidArgument",
        "MethodNotAllowed",
        "XNotImplemented",
        "ServerSideEncryptionConfigurationNotFoundError",
    }

    def __init__(
        self,
        endpoint_url: str | None,
        bucket: str,
        *,
        access_key_id: str | None = None,
        secret_access_key: str | None = None,
        region: str = "us-east-1",
        connect_timeout: float = 3.0,
        read_timeout: float = 30.0,
        max_attempts: int = 2,
    ) -> None:
        import boto3
        from botocore.config import Config

        self.bucket = bucket
        self.endpoint_url = endpoint_url
        self._client = boto3.client(
            "s3",
            endpoint_url=endpoint_url,
            aws_access_key_id=access_key_id,
            aws_secret_access_key=secret_access_key,
            region_name=region,
            config=Config(
                signature_version="s3v4",
                s3={"addressing_style": "path"},
                connect_timeout=connect_timeout,
                read_timeout=read_timeout,
                retries={"max_attempts": max_attempts, "mode": "standard"},
            ),
        )
        self._ready = False
        self._ready_lock = threading.Lock()
        self._sse = True

    # -- helpers ------------------------------------------------------------------------

    @staticmethod
    def _code(exc: Exception) -> str:
        return str(getattr(exc, "response", {}).get("Error", {}).get("Code", ""))

    def _unavailable(self, exc: Exception) -> StorageUnavailable:
        log.warning("S3 operation failed: %s", exc)
        return StorageUnavailable(detail=str(exc))

    def ensure_bucket(self) -> None:
        """Create the bucket if missing; ask for versioning and default encryption once."""
        if self._ready:
            return
        from botocore.exceptions import BotoCoreError, ClientError

        with self._ready_lock:
            if self._ready:
                return
            try:
                try:
                    self._client.head_bucket(Bucket=self.bucket)
                except ClientError as exc:
                    if self._code(exc) not in {"404", "NoSuchBucket", "NotFound"}:
                        raise
                    self._client.create_bucket(Bucket=self.bucket)
                    log.info("Created bucket %s", self.bucket)
            except (BotoCoreError, ClientError) as exc:
                raise self._unavailable(exc) from exc
            try:
                self._client.put_bucket_versioning(
                    Bucket=self.bucket, VersioningConfiguration={"Status": "Enabled"}
                )
            except (BotoCoreError, ClientError) as exc:
                log.warning("Bucket versioning not enabled on %s: %s", self.bucket, exc)
            try:
                self._client.put_bucket_encryption(
                    Bucket=self.bucket,
                    ServerSideEncryptionConfiguration={"Rules": [_DEFAULT_SSE_RULE]},
                )
            except (BotoCoreError, ClientError) as exc:
                log.warning("Default bucket encryption not set on %s: %s", self.bucket, exc)
            self._ready = True

    def _sse_args(self) -> dict[str, str]:
        return {"ServerSideEncryption": "AES256"} if self._sse else {}

    def _call_with_sse(self, method: Any, **kwargs: Any) -> dict[str, Any]:
        """Call ``method`` asking for SSE; if the store does not support it, retry without."""
        from botocore.exceptions import ClientError

        try:
            return method(**kwargs, **self._sse_args())
        except ClientError as exc:
            if self._sse and self._code(exc) in self._UNSUPPORTED:
                log.warning("Store refuses server-side encryption (%s); storing without.", exc)
                self._sse = False
                return method(**kwargs)
            raise

    # -- interface ----------------------------------------------------------------------

    def put_stream(self, key: str, fileobj: IO[bytes], content_type: str) -> StoredObject:
        """Stream ``fileobj`` to ``key``. At most one part (8 MiB) is held in memory."""
        from botocore.exceptions import BotoCoreError, ClientError

        check_key(key)
        self.ensure_bucket()
        first = fileobj.read(PART_SIZE)
        try:
            if len(first) < PART_SIZE:
                resp = self._call_with_sse(
                    self._client.put_object,
                    Bucket=self.bucket,
                    Key=key,
                    Body=first,
                    ContentType=content_type,
                )
                return StoredObject(key, resp.get("VersionId"), len(first))
            return self._multipart(key, first, fileobj, content_type)
        except (BotoCoreError, ClientError) as exc:
            raise self._unavailable(exc) from exc

    def _multipart(
        self, key: str, first: bytes, fileobj: IO[bytes], content_type: str
    ) -> StoredObject:
        created = self._call_with_sse(
            self._client.create_multipart_upload,
            Bucket=self.bucket,
            Key=key,
            ContentType=content_type,
        )
        upload_id = created["UploadId"]
        parts: list[dict[str, Any]] = []
        size = 0
        try:
            chunk = first
            number = 1
            while chunk:
                resp = self._client.upload_part(
                    Bucket=self.bucket, Key=key, UploadId=upload_id, PartNumber=number, Body=chunk
                )
                parts.append({"ETag": resp["ETag"], "PartNumber": number})
                size += len(chunk)
                number += 1
                chunk = b""  # drop the reference before reading the next part
                chunk = fileobj.read(PART_SIZE)
            done = self._client.complete_multipart_upload(
                Bucket=self.bucket,
                Key=key,
                UploadId=upload_id,
                MultipartUpload={"Parts": parts},
            )
        except BaseException:
            try:
                self._client.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload_id)
            except Exception:  # noqa: BLE001 - the store may be the thing that failed
                log.warning("Could not abort multipart upload %s of %s", upload_id, key)
            raise
        return StoredObject(key, done.get("VersionId"), size)

    def open(self, key: str, version_id: str | None = None) -> ReadableStream:
        from botocore.exceptions import BotoCoreError, ClientError

        check_key(key)
        args: dict[str, Any] = {"Bucket": self.bucket, "Key": key}
        if version_id:
            args["VersionId"] = version_id
        try:
            return self._client.get_object(**args)["Body"]
        except ClientError as exc:
            if self._code(exc) in {"NoSuchKey", "NoSuchVersion", "404"}:
                raise ObjectNotFound(key) from exc
            raise self._unavailable(exc) from exc
        except BotoCoreError as exc:
            raise self._unavailable(exc) from exc

    def delete(self, key: str, version_id: str | None = None) -> None:
        """Remove one version, or (``version_id=None``) every version of ``key`` for good.

        Users never delete documents; this is for the system removing orphan objects.
        """
        from botocore.exceptions import BotoCoreError, ClientError

        check_key(key)
        try:
            if version_id:
                self._client.delete_object(Bucket=self.bucket, Key=key, VersionId=version_id)
                return
            paginator = self._client.get_paginator("list_object_versions")
            found = False
            for page in paginator.paginate(Bucket=self.bucket, Prefix=key):
                for item in [*page.get("Versions", []), *page.get("DeleteMarkers", [])]:
                    if item["Key"] != key:
                        continue
                    found = True
                    self._client.delete_object(
                        Bucket=self.bucket, Key=key, VersionId=item["VersionId"]
                    )
            if not found:
                self._client.delete_object(Bucket=self.bucket, Key=key)
        except (BotoCoreError, ClientError) as exc:
            raise self._unavailable(exc) from exc

    def exists(self, key: str) -> bool:
        from botocore.exceptions import BotoCoreError, ClientError

        check_key(key)
        try:
            self._client.head_object(Bucket=self.bucket, Key=key)
            return True
        except ClientError as exc:
            if self._code(exc) in {"404", "NoSuchKey", "NotFound"}:
                return False
            raise self._unavailable(exc) from exc
        except BotoCoreError as exc:
            raise self._unavailable(exc) from exc

    def list_objects(self, prefix: str = "") -> Iterator[ObjectInfo]:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.ensure_bucket()
            paginator = self._client.get_paginator("list_objects_v2")
            for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
                for item in page.get("Contents", []):
                    yield ObjectInfo(item["Key"], int(item["Size"]), item["LastModified"])
        except (BotoCoreError, ClientError) as exc:
            raise self._unavailable(exc) from exc

    def list_keys(self, prefix: str = "") -> Iterator[str]:
        for info in self.list_objects(prefix):
            yield info.key

    def presigned_download_url(
        self, key: str, version_id: str | None, filename: str, expires_seconds: int = 300
    ) -> str | None:
        check_key(key)
        params: dict[str, Any] = {
            "Bucket": self.bucket,
            "Key": key,
            "ResponseContentDisposition": content_disposition(filename),
        }
        if version_id:
            params["VersionId"] = version_id
        return self._client.generate_presigned_url(
            "get_object", Params=params, ExpiresIn=int(expires_seconds)
        )

    def healthcheck(self) -> tuple[bool, str]:
        try:
            self.ensure_bucket()
            self._client.head_bucket(Bucket=self.bucket)
        except Exception as exc:  # noqa: BLE001 - any failure means unhealthy
            return False, f"Bucket {self.bucket} di {self.endpoint_url} tidak dapat diakses: {exc}"
        return True, f"Bucket {self.bucket} di {self.endpoint_url} dapat diakses."
