#!/bin/sh
# Creates the documents bucket with versioning on, and a lifecycle rule that moves
# superseded (noncurrent) versions out only after the retention the Biro chooses.
set -eu
mc alias set sikd "http://minio:9000" "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD"
mc mb --ignore-existing "sikd/$SIKD_S3_BUCKET"
mc version enable "sikd/$SIKD_S3_BUCKET"
mc encrypt set sse-s3 "sikd/$SIKD_S3_BUCKET" || echo "SSE-S3 needs a KMS in MinIO; skipped"
# Noncurrent versions are kept for SIKD_NONCURRENT_RETENTION_DAYS (default 3650 = 10 years).
mc ilm rule add --noncurrent-expire-days "${SIKD_NONCURRENT_RETENTION_DAYS:-3650}" "sikd/$SIKD_S3_BUCKET" || true
mc admin user add sikd "$SIKD_S3_ACCESS_KEY_ID" "$SIKD_S3_SECRET_ACCESS_KEY"
mc admin policy attach sikd readwrite --user "$SIKD_S3_ACCESS_KEY_ID" || true
