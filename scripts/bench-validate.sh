#!/usr/bin/env bash
# Validation speed beside the peers, in one run on this machine (docs/performance.md).
#
# Runs, twice and interleaved so that both sides see the same machine load: the peers
# validating the 10,000 labelled submissions of the 50-question form
# (../shared/bench/peers/run-validate.sh: ajv, the Rust jsonschema crate, python-jsonschema,
# SurveyJS), and `cargo bench -p form-runtime` validating the same submissions against the
# same form translated into our language, both pinned to one CPU. Prints the medians.
#
#   scripts/bench-validate.sh        # PEERS=path/to/peers to use another copy
# The slow peers run on fewer passes here (PY_PASSES, SJ_REUSE_N, SJ_NEW_N to change).
set -euo pipefail
RESULTS_NAME=results-validate
# shellcheck source=peers-common.sh
source "$(dirname "$0")/peers-common.sh"
export PY_PASSES="${PY_PASSES:-1}" SJ_REUSE_N="${SJ_REUSE_N:-200}" SJ_NEW_N="${SJ_NEW_N:-50}"

for round in 1 2; do
  echo "== round $round: peers" >&2
  (cd "$COPY" && PEERS_RESULTS="$RESULTS/round$round" ./run-validate.sh) >&2
  echo "== round $round: form-runtime" >&2
  (cd "$ROOT" && taskset -c "$CORE" cargo bench -p form-runtime --bench validate -- \
      --warm-up-time 2 --measurement-time 8 'send50' >&2)
  for mode in "all errors" "is_valid" "all errors, from serde_json values" "parse into Answers" "parse into serde_json values"; do
    python3 -c "import json,sys; e=json.load(open(sys.argv[1])); m=e['median']['point_estimate']; print(json.dumps({'peer':'form-runtime','mode':sys.argv[2],'per_s':round(10000/(m/1e9)),'us':round(m/1e3/10000,2)}))" \
      "$ROOT/target/criterion/validate send50/$mode/new/estimates.json" "$mode" >> "$RESULTS/round$round/form-runtime.jsonl"
  done
done

python3 - "$RESULTS" <<'PY'
import json, pathlib, statistics, sys
results = pathlib.Path(sys.argv[1])
rows = {}
for round_dir in sorted(results.glob("round*")):
    for line in (round_dir / "validate.jsonl").read_text().splitlines():
        d = json.loads(line)
        rate = d.get("median_vps")
        if rate:
            rows.setdefault((f"{d['peer']} {d.get('version', '')}", d["mode"]), []).append(float(rate))
    for line in (round_dir / "form-runtime.jsonl").read_text().splitlines():
        d = json.loads(line)
        rows.setdefault(("form-runtime", d["mode"]), []).append(d["per_s"])
print("| validator | mode | validations/s per round | median |")
print("|---|---|---|---:|")
for (peer, mode), values in sorted(rows.items(), key=lambda kv: -statistics.median(kv[1])):
    print(f"| {peer} | {mode} | {' / '.join(f'{v:,.0f}' for v in values)} | {statistics.median(values):,.0f} |")
PY
