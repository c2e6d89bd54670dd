#!/usr/bin/env bash
# Refreshes the fonts embedded in PDFs (form-render/fonts/): Liberation Sans, regular, bold,
# italic and bold italic, from Debian's fonts-liberation2 package (SIL Open Font License 1.1).
# Liberation Sans has Arial's metrics, so PDFs read like the HTML pages and like the council
# documents people know. The fonts are committed; this script is for updating them.
#
#   scripts/update-fonts.sh
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="$ROOT/form-render/fonts"
WORK="${TMPDIR:-/tmp}/sendform-fonts"

rm -rf "$WORK"
mkdir -p "$WORK"
(cd "$WORK" && apt-get download fonts-liberation2 >&2)
dpkg-deb -x "$WORK"/fonts-liberation2_*.deb "$WORK/extracted"
for style in Regular Bold Italic BoldItalic; do
  cp "$WORK/extracted/usr/share/fonts/truetype/liberation2/LiberationSans-$style.ttf" "$OUT/"
done
cp "$WORK/extracted/usr/share/doc/fonts-liberation2/copyright" "$OUT/LICENSE-liberation-fonts.txt"
version=$(dpkg-deb -f "$WORK"/fonts-liberation2_*.deb Version)
echo "copied Liberation Sans from fonts-liberation2 $version into $OUT" >&2
