#!/usr/bin/env bash
# Refreshes the fonts embedded in PDFs (form-render/fonts/), all under the SIL Open Font
# License 1.1:
# - Liberation Sans, regular, bold, italic and bold italic, from Debian's fonts-liberation2
#   package: it has Arial's metrics, so PDFs read like the HTML pages and like the council
#   documents people know. It covers Latin (Welsh and Polish included), Greek, Cyrillic and
#   Hebrew.
# - Noto Sans, regular, for the other scripts England's families most often write in, from
#   Debian's fonts-noto-core package: Arabic (Arabic, Urdu, Persian, Pashto, Sorani), Bengali,
#   Gurmukhi (Punjabi), Devanagari (Hindi, Nepali), Gujarati, Tamil, Ethiopic (Tigrinya,
#   Amharic), Thai, Georgian and Armenian. Typst falls back to them for what Liberation
#   Sans cannot show.
# The fonts are committed; this script is for updating them.
#
#   scripts/update-fonts.sh
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="$ROOT/form-render/fonts"
WORK="${TMPDIR:-/tmp}/sendform-fonts"
NOTO_SCRIPTS=(Arabic Bengali Gurmukhi Devanagari Gujarati Tamil Ethiopic Thai Georgian Armenian)

rm -rf "$WORK"
mkdir -p "$WORK"
(cd "$WORK" && apt-get download fonts-liberation2 fonts-noto-core >&2)
dpkg-deb -x "$WORK"/fonts-liberation2_*.deb "$WORK/extracted"
dpkg-deb -x "$WORK"/fonts-noto-core_*.deb "$WORK/extracted"
for style in Regular Bold Italic BoldItalic; do
  cp "$WORK/extracted/usr/share/fonts/truetype/liberation2/LiberationSans-$style.ttf" "$OUT/"
done
for script in "${NOTO_SCRIPTS[@]}"; do
  cp "$WORK/extracted/usr/share/fonts/truetype/noto/NotoSans$script-Regular.ttf" "$OUT/"
done
cp "$WORK/extracted/usr/share/doc/fonts-liberation2/copyright" "$OUT/LICENSE-liberation-fonts.txt"
cp "$WORK/extracted/usr/share/doc/fonts-noto-core/copyright" "$OUT/LICENSE-noto-fonts.txt"
for package in fonts-liberation2 fonts-noto-core; do
  version=$(dpkg-deb -f "$WORK"/"$package"_*.deb Version)
  echo "copied fonts from $package $version into $OUT" >&2
done
