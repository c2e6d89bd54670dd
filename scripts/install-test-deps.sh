#!/usr/bin/env bash
# Installs what the tests need beyond the Rust toolchain, pinned by tests-support/npm's lock
# file: govuk-frontend's component fixtures, axe-core and playwright-core (npm, into
# target/test-deps), and Debian's chromium for the browser check (skipped with --npm-only).
# No browser is downloaded from anywhere but Debian's archive.
#
#   scripts/install-test-deps.sh [--npm-only]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DEST="$ROOT/target/test-deps"
mkdir -p "$DEST"
cp "$ROOT/tests-support/npm/package.json" "$ROOT/tests-support/npm/package-lock.json" "$DEST/"
(cd "$DEST" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >&2)
if [[ "${1:-}" != "--npm-only" ]] && ! command -v chromium >/dev/null; then
  if [[ $(id -u) -eq 0 ]]; then
    apt-get install -y --no-install-recommends chromium >&2 || (apt-get update >&2 && apt-get install -y --no-install-recommends chromium >&2)
  else
    sudo apt-get install -y --no-install-recommends chromium >&2
  fi
fi
