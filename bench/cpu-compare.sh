#!/usr/bin/env bash
# Side by side on this machine, alternating: our training step, the tutorial's PyTorch step, ours, PyTorch, …, ours.
# Each round's ratio divides the mean of our two runs around a PyTorch run by it, so drift affects both alike; the
# rates are medians of per-step times on both sides (ours: `bench step`, PyTorch: the script's median_pairs_per_s).
#   bench/cpu-compare.sh [RUNS] [PYTORCH_STEPS] [ROUNDS]     (defaults 5, 20 and 1; 2 threads, like the issue's reference)
# Needs PyTorch for python3 (Debian: apt-get install python3-torch; PYTHON=... picks another interpreter).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
steps=${2:-20}
rounds=${3:-1}
python=${PYTHON:-python3}
data=${BERT_DATA_DIR:-../shared/data}/wikitext-2

ours() {
    ./bert bench step --runs "$runs" --data "$data" --json | tail -1 |
        "$python" -c 'import json, sys; print(json.load(sys.stdin)["benchmarks"][0]["items_per_second"])'
}
torch() {
    "$python" bench/pytorch_tutorial_bert.py --data "$data" --steps "$steps" --threads 2 --json | tail -1 |
        "$python" -c 'import json, sys; print(json.load(sys.stdin)["median_pairs_per_s"])'
}

results=("$(ours)")
for ((round = 0; round < rounds; round++)); do results+=("$(torch)" "$(ours)"); done
"$python" - "${results[@]}" <<'PY'
import statistics, sys
values = list(map(float, sys.argv[1:]))
ratios = []
for r in range(len(values) // 2):
    before, torch, after = values[2 * r], values[2 * r + 1], values[2 * r + 2]
    ratios.append((before + after) / 2 / torch)
    print(f"round {r + 1}: Bert.Compiler {before:6.1f} and {after:6.1f} pairs/s, PyTorch {torch:6.1f} pairs/s, ratio {ratios[-1]:.2f}x")
print(f"ratio          {statistics.median(ratios):7.2f}x (median of {len(ratios)} round{'s' if len(ratios) > 1 else ''})")
PY
