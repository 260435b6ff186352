#!/usr/bin/env bash
# Installs what the browser tests need on a fresh Debian machine: Chromium from Debian.
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
