#!/usr/bin/env bash
# Installs what the tests need on a fresh Debian machine: Chromium (browser tests) and
# PgBouncer (isolation through a transaction pooler), both from Debian.
# PostgreSQL and Redis are found or started by the test suite itself (tests/conftest.py).
set -euo pipefail
if [ ! -x /usr/bin/chromium ]; then  # the browser tests use exactly this binary
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Memasang chromium dari Debian untuk uji peramban..."
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "PERINGATAN: chromium tidak ada dan tidak dapat dipasang; uji peramban akan dilewati." >&2
  fi
fi
# PgBouncer (transaction pooling) for the isolation test through a pooler (tests/perf)
if ! command -v pgbouncer >/dev/null 2>&1 && [ ! -x /usr/sbin/pgbouncer ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Memasang pgbouncer dari Debian untuk uji isolasi lewat PgBouncer..."
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pgbouncer >/dev/null
  else
    echo "PERINGATAN: pgbouncer tidak ada dan tidak dapat dipasang; uji PgBouncer akan dilewati." >&2
  fi
fi
