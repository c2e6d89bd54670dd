#!/usr/bin/env bash
# The browser test: renders every example's pages for every audience it is published to,
# blank, filled with its example answers, and with errors (no answers, as if sent), and
# drives Debian's chromium headless over them (tests-support/browser/check.mjs): axe-core
# must find no WCAG 2.x A/AA violation, with and without JavaScript, every control must be
# reachable by Tab, every answer must be shown in the direction of its first letter (the
# parent request is rendered once more with answers in Urdu and Hebrew for it), and no page may
# raise a script error. Screenshots of every page are saved under
# target/browser-test/screenshots (not committed).
#
# Needs scripts/install-test-deps.sh to have run (chromium, axe-core, playwright-core).
#
#   scripts/browser-test.sh          # every page
#   scripts/browser-test.sh ONLY     # the pages whose path under site/ contains ONLY
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
OUT="$ROOT/target/browser-test"
rm -rf "$OUT"
mkdir -p "$OUT/site"
cd "$ROOT"

cargo build --quiet -p portal-host --bin sendform
SENDFORM="$TARGET/debug/sendform"
TODAY=2026-11-22
echo '{}' >"$OUT/no-answers.json"

for form in examples/*.form; do
  name="$(basename "$form" .form)"
  "$SENDFORM" build "$form" --out "$OUT/site/$name/build" >/dev/null
  audiences="$(node -e 'console.log(require(process.argv[1]).audiences.join(" "))' \
    "$OUT/site/$name/build/form.json")"
  for audience in $audiences; do
    pages="$OUT/site/$name/$audience"
    "$SENDFORM" html "$form" --audience "$audience" --today "$TODAY" \
      --out "$pages/blank" >/dev/null
    "$SENDFORM" html "$form" --audience "$audience" --today "$TODAY" \
      --answers "examples/$name.answers.json" --out "$pages/filled" >/dev/null
    "$SENDFORM" html "$form" --audience "$audience" --today "$TODAY" \
      --answers "$OUT/no-answers.json" --submitted --out "$pages/errors" >/dev/null
  done
done

# Answers written right to left: the parent request with a name in Urdu, a setting in Hebrew
# and a concern in Urdu then English, for the check of each answer's direction.
node -e '
  const answers = require(process.argv[1]);
  answers.child_first_name = "عائشہ";
  answers.child_setting = "בית ספר יסודי אלון.";
  answers.concern_ci = "وہ مختصر جملوں میں بات کرتی ہے۔\n\nShe talks in short sentences.";
  console.log(JSON.stringify(answers));
' "$ROOT/examples/parent-request.answers.json" >"$OUT/right-to-left.json"
"$SENDFORM" html examples/parent-request.form --audience citizen --today "$TODAY" \
  --answers "$OUT/right-to-left.json" --out "$OUT/site/parent-request/citizen/right-to-left" >/dev/null

TEST_DEPS="$ROOT/target/test-deps" node tests-support/browser/check.mjs "$OUT" "$@"
