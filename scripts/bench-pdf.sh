#!/usr/bin/env bash
# PDF speed beside the peers, in one run on this machine (docs/performance.md).
#
# Runs, twice and interleaved so that both sides see the same machine load: the peers making
# their ~20-page EHC plan (../shared/bench/peers/run-pdf.sh: WeasyPrint from HTML, and Typst
# in-process through typst-py; the Typst CLI too when built with `./setup.sh typst-cli`), and
# `cargo bench -p form-render --bench pdf` making the same plan (its content turned into
# answers to examples/ehc-plan.form) through our EHC plan template, plus `sendform pdf` timed
# as a new process each time. Neither side is pinned to a CPU (Typst lays out in parallel).
#
#   scripts/bench-pdf.sh        # PEERS=path/to/peers to use another copy
set -euo pipefail
RESULTS_NAME=results-pdf
# shellcheck source=peers-common.sh
source "$(dirname "$0")/peers-common.sh"
export WEASY_N="${WEASY_N:-5}" PDF_RUNS="${PDF_RUNS:-5}"

(cd "$ROOT" && cargo build --release -q -p portal-host)
ANSWERS="$ROOT/target/pdf-bench/ehc-plan-peer.answers.json"
for round in 1 2; do
  echo "== round $round: peers" >&2
  (cd "$COPY" && PEERS_RESULTS="$RESULTS/round$round" ./run-pdf.sh) >&2
  echo "== round $round: form-render" >&2
  (cd "$ROOT" && cargo bench -p form-render --bench pdf -- --warm-up-time 2 --measurement-time 10 'plan template' >&2)
  (cd "$ROOT" && hyperfine -N --warmup 1 --runs "$PDF_RUNS" --export-json "$RESULTS/round$round/sendform-cold.json" \
      -n "sendform pdf --template ehc-plan (new process)" \
      "target/release/sendform pdf examples/ehc-plan.form $ANSWERS --template ehc-plan --today 2026-11-22 --out $RESULTS/plan.pdf" >&2)
  for mode in "first render" "warm, a new document each time" "warm, the same document again"; do
    python3 -c "import json,sys; e=json.load(open(sys.argv[1])); print(json.dumps({'mode':sys.argv[2],'ms':round(e['median']['point_estimate']/1e6,1)}))" \
      "$ROOT/target/criterion/pdf_ehc-plan plan template/$mode/new/estimates.json" "$mode" >> "$RESULTS/round$round/form-render.jsonl"
  done
done
echo "pages: sendform $(pdfinfo "$RESULTS/plan.pdf" | awk '/^Pages/{print $2}'); peers: $(cat "$RESULTS/round1/pdf-pages.txt" | tr '\n' ' ')"

python3 - "$RESULTS" <<'PY'
import json, pathlib, statistics, sys
results = pathlib.Path(sys.argv[1])
rows = {}
for round_dir in sorted(results.glob("round*")):
    for line in (round_dir / "pdf-warm.jsonl").read_text().splitlines():
        d = json.loads(line)
        name = f"{d['peer']} {d.get('version', '')}".strip()
        rows.setdefault((name, "warm, a new document each time"), []).append(d["median_ms"])
        if "same_document_again_median_ms" in d:
            rows.setdefault((name, "warm, the same document again"), []).append(d["same_document_again_median_ms"])
        if "first_render_in_process_ms" in d:
            rows.setdefault((name, "first render in process"), []).append(d["first_render_in_process_ms"])
    for result in json.loads((round_dir / "pdf-hyperfine.json").read_text())["results"]:
        rows.setdefault((result["command"], "new process"), []).append(result["median"] * 1000)
    for result in json.loads((round_dir / "sendform-cold.json").read_text())["results"]:
        rows.setdefault((result["command"], "new process"), []).append(result["median"] * 1000)
    for line in (round_dir / "form-render.jsonl").read_text().splitlines():
        d = json.loads(line)
        rows.setdefault(("form-render, EHC plan template", d["mode"]), []).append(d["ms"])
print("| tool | mode | ms per document (round 1 / round 2) |")
print("|---|---|---:|")
for (tool, mode), values in rows.items():
    print(f"| {tool} | {mode} | {' / '.join(f'{v:,.1f}' for v in values)} |")
PY
