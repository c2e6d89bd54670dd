#!/usr/bin/env bash
# Installs what the tests need beyond the Rust toolchain, pinned by tests-support/npm's lock
# file: govuk-frontend's component fixtures, axe-core and playwright-core (npm, into
# target/test-deps); Debian's poppler-utils (pdftotext, pdfinfo, pdftoppm) for the PDF tests;
# and Debian's chromium for the browser check. No browser is downloaded from anywhere but
# Debian's archive. The tests run this script themselves when what they need is missing.
#
#   scripts/install-test-deps.sh [--npm-only | --pdf-only]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DEST="$ROOT/target/test-deps"
only="${1:-}"

apt_install() {
  if [[ $(id -u) -eq 0 ]]; then
    apt-get install -y --no-install-recommends "$@" >&2 || (apt-get update >&2 && apt-get install -y --no-install-recommends "$@" >&2)
  else
    sudo apt-get install -y --no-install-recommends "$@" >&2
  fi
}

if [[ "$only" != "--pdf-only" ]]; then
  mkdir -p "$DEST"
  cp "$ROOT/tests-support/npm/package.json" "$ROOT/tests-support/npm/package-lock.json" "$DEST/"
  (cd "$DEST" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >&2)
fi
if [[ "$only" != "--npm-only" ]] && ! command -v pdftotext >/dev/null; then
  apt_install poppler-utils
fi
if [[ -z "$only" ]] && ! command -v chromium >/dev/null; then
  apt_install chromium
fi
