# Sourced by the scripts/bench-*.sh scripts: a writable copy of the peer benchmarks
# (../shared/bench/peers, or $PEERS), set up and with its data generated, and a fresh
# results folder. Set RESULTS_NAME before sourcing. Defines ROOT, COPY, RESULTS and CORE.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PEERS_SRC="${PEERS:-$ROOT/../shared/bench/peers}"
SCRATCH="${PEERS_SCRATCH:-${TMPDIR:-/tmp}/send-peers}"
COPY="$SCRATCH/peers-copy"
RESULTS="$SCRATCH/$RESULTS_NAME"
CORE="${PEERS_CORE:-1}"

# The peers' scripts write their generated inputs beside themselves: work on a copy.
rm -rf "$COPY" "$RESULTS"
mkdir -p "$SCRATCH" "$RESULTS"
cp -r "$PEERS_SRC" "$COPY"
chmod -R u+w "$COPY"
export PEERS_SCRATCH="$SCRATCH" SEND_PEERS_DIR="$COPY"
(cd "$COPY" && ./setup.sh && PEERS_RESULTS="$RESULTS/setup" ./gen-data.sh) >&2
