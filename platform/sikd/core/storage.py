"""Object storage for documents: S3 (``storage_s3``) when an endpoint is configured, else a local
directory (``storage_local``). The interface, errors and key rules are in ``storage_base``."""

from __future__ import annotations

from typing import Any

from sikd.core.storage_base import (
    InvalidKey,
    ObjectInfo,
    ObjectNotFound,
    ReadableStream,
    Storage,
    StorageError,
    StorageUnavailable,
    StoredObject,
    check_key,
    content_disposition,
)

__all__ = [
    "InvalidKey",
    "ObjectInfo",
    "ObjectNotFound",
    "ReadableStream",
    "Storage",
    "StorageError",
    "StorageUnavailable",
    "StoredObject",
    "check_key",
    "content_disposition",
    "get_storage",
    "init_storage",
    "storage_from_settings",
]


# --------------------------------------------------------------------------------------
# Flask wiring


def storage_from_settings(settings: Any) -> Storage:
    """S3 when ``settings.s3_endpoint_url`` is set, else a local directory."""
    if settings.s3_endpoint_url:
        from sikd.core.storage_s3 import S3Storage

        return S3Storage(
            settings.s3_endpoint_url,
            settings.s3_bucket,
            access_key_id=settings.s3_access_key_id,
            secret_access_key=settings.s3_secret_access_key,
            region=settings.s3_region,
        )
    from sikd.core.storage_local import LocalStorage

    return LocalStorage(settings.storage_dir)


def init_storage(app: Any) -> Storage:
    """Pick the backend from ``app.config["SIKD_SETTINGS"]`` and keep it on the app."""
    storage = storage_from_settings(app.config["SIKD_SETTINGS"])
    app.extensions["sikd_storage"] = storage
    return storage


def get_storage() -> Storage:
    """The current app's storage backend (inside an app context)."""
    from flask import current_app

    try:
        return current_app.extensions["sikd_storage"]
    except KeyError:
        return init_storage(current_app._get_current_object())  # type: ignore[attr-defined]
