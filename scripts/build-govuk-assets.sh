#!/usr/bin/env bash
# Rebuilds the vendored govuk-frontend assets in form-render/assets/ from the npm package
# (MIT), compiled for a council service: Arial instead of the GOV.UK font, which only GOV.UK
# may use. The versions are pinned in form-render/assets/build/package.json and its lock file.
#
#   scripts/build-govuk-assets.sh
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="$ROOT/form-render/assets/build"
OUT="$ROOT/form-render/assets"
WORK="${TMPDIR:-/tmp}/sendform-govuk-assets"

rm -rf "$WORK"
mkdir -p "$WORK"
cp "$BUILD/package.json" "$BUILD/package-lock.json" "$BUILD/sendform.scss" "$WORK/"
(cd "$WORK" && npm ci --no-audit --no-fund --ignore-scripts >&2)
(cd "$WORK" && npx --no-install sass --no-source-map --style=compressed --load-path=node_modules \
  --quiet-deps sendform.scss "$OUT/govuk-frontend.min.css")
cp "$WORK/node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js" "$OUT/govuk-frontend.min.js"
version=$(node -p "require('$WORK/node_modules/govuk-frontend/package.json').version")
echo "built govuk-frontend $version into $OUT" >&2
