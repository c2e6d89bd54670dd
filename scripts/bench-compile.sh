#!/usr/bin/env bash
# Compile speed beside pyxform, in one run on this machine (docs/performance.md).
#
# Runs, twice and interleaved so that both tools see the same machine load: pyxform converting
# the peer benchmark's 50- and 1,000-question XLSForms (../shared/bench/peers/run-pyxform.sh),
# and `cargo bench -p form-dsl` compiling the same forms translated into our language, both
# pinned to one CPU. Prints the medians side by side.
#
#   scripts/bench-compile.sh            # PEERS=path/to/peers to use another copy
set -euo pipefail
RESULTS_NAME=results-compile
# shellcheck source=peers-common.sh
source "$(dirname "$0")/peers-common.sh"

for round in 1 2; do
  echo "== round $round: pyxform" >&2
  (cd "$COPY" && PEERS_RESULTS="$RESULTS/round$round" ./run-pyxform.sh) >&2
  echo "== round $round: form-dsl" >&2
  (cd "$ROOT" && taskset -c "$CORE" cargo bench -p form-dsl --bench compile -- \
      --warm-up-time 2 --measurement-time 5 'send' >&2)
  for form in send50 send1000; do
    dir=$(ls -td "$ROOT"/target/criterion/compile/"$form "* | head -1)
    python3 -c "import json,sys; e=json.load(open(sys.argv[1])); print(json.dumps({'tool':'form-dsl','form':sys.argv[2],'median_ms':round(e['median']['point_estimate']/1e6,3),'mean_ms':round(e['mean']['point_estimate']/1e6,3)}))" \
      "$dir/new/estimates.json" "$form" >> "$RESULTS/round$round/form-dsl.jsonl"
  done
done

python3 - "$RESULTS" <<'PY'
import json, pathlib, statistics, sys
results = pathlib.Path(sys.argv[1])
rows = {}
for round_dir in sorted(results.glob("round*")):
    for line in (round_dir / "pyxform-inproc.jsonl").read_text().splitlines():
        d = json.loads(line)
        rows.setdefault(("pyxform (in-process, warm)", d["form"].split(".")[0]), []).append(d["median_ms"])
    hyper = json.loads((round_dir / "pyxform-hyperfine.json").read_text())
    for r in hyper["results"]:
        if "send" in r["command"]:
            form = "send1000" if "send1000" in r["command"] else "send50"
            rows.setdefault(("pyxform (whole process)", form), []).append(r["median"] * 1000)
    for line in (round_dir / "form-dsl.jsonl").read_text().splitlines():
        d = json.loads(line)
        rows.setdefault(("form-dsl (parse and check)", d["form"]), []).append(d["median_ms"])
print("| tool | form | median ms per round | ratio to form-dsl |")
print("|---|---|---|---|")
ours = {form: statistics.median(v) for (tool, form), v in rows.items() if tool.startswith("form-dsl")}
for (tool, form), values in sorted(rows.items()):
    ratio = statistics.median(values) / ours[form] if form in ours else float("nan")
    print(f"| {tool} | {form} | {' / '.join(f'{v:,.2f}' for v in values)} | {ratio:,.0f}x |")
PY
