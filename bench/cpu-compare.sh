#!/usr/bin/env bash
# Side by side on this machine, alternating: our training step, the tutorial's PyTorch step, the same step in TorchSharp,
# ours, PyTorch, TorchSharp, …, ours. Each round's ratios divide the mean of our two runs around the round by each
# peer's rate, so drift affects all alike; the rates are medians of per-step times (ours: `bench step`, the peers:
# the median_pairs_per_s of their JSON line).
#   bench/cpu-compare.sh [RUNS] [PEER_STEPS] [ROUNDS]     (defaults 5, 20 and 1; 2 threads each, like the issue's reference)
# PyTorch: python3 with torch (Debian: apt-get install python3-torch; PYTHON=... picks another interpreter).
# TorchSharp 0.107 (LibTorch 2.10): bench/TorchSharpTutorial/run.sh builds and runs it (needs g++ on Debian 12).
# PEERS="pytorch" or PEERS="torchsharp" runs one of them only.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
steps=${2:-20}
rounds=${3:-1}
python=${PYTHON:-python3}
peers=(${PEERS:-pytorch torchsharp})
data=${BERT_DATA_DIR:-../shared/data}/wikitext-2

median_rate() { tail -1 | "$python" -c 'import json, sys; print(json.load(sys.stdin)["median_pairs_per_s"])'; }
ours() {
    ./bert bench step --runs "$runs" --data "$data" --json | tail -1 |
        "$python" -c 'import json, sys; print(json.load(sys.stdin)["benchmarks"][0]["items_per_second"])'
}
pytorch() { "$python" bench/pytorch_tutorial_bert.py --data "$data" --steps "$steps" --threads 2 --json | median_rate; }
torchsharp() { bench/TorchSharpTutorial/run.sh --data "$data" --steps "$steps" --threads 2 --json | median_rate; }

results=("$(ours)")
for ((round = 0; round < rounds; round++)); do
    for peer in "${peers[@]}"; do results+=("$("$peer")"); done
    results+=("$(ours)")
done
"$python" - "${peers[*]}" "${results[@]}" <<'PY'
import statistics, sys
names = {"pytorch": "PyTorch", "torchsharp": "TorchSharp"}
peers, values = sys.argv[1].split(), list(map(float, sys.argv[2:]))
width = len(peers) + 1
ratios = {p: [] for p in peers}
for r in range(len(values) // width):
    before, after = values[r * width], values[(r + 1) * width]
    line = f"round {r + 1}: Bert.Compiler {before:6.1f} and {after:6.1f} pairs/s"
    for i, peer in enumerate(peers):
        rate = values[r * width + 1 + i]
        ratios[peer].append((before + after) / 2 / rate)
        line += f", {names[peer]} {rate:6.1f} pairs/s ({ratios[peer][-1]:.2f}x)"
    print(line)
for peer in peers:
    n = len(ratios[peer])
    print(f"ours / {names[peer]:10} {statistics.median(ratios[peer]):5.2f}x (median of {n} round{'s' if n > 1 else ''})")
PY
