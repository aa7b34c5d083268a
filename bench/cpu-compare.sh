#!/usr/bin/env bash
# Side by side on this machine: our training step, the tutorial's PyTorch step, our step again, then the ratio
# of sentence pairs per second (ours: the two runs' mean; PyTorch between them, so drift affects both alike).
#   bench/cpu-compare.sh [RUNS] [PYTORCH_STEPS]     (defaults 5 and 20; 2 threads, like the issue's reference)
# Needs PyTorch for python3 (Debian: apt-get install python3-torch; PYTHON=... picks another interpreter).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
steps=${2:-20}
python=${PYTHON:-python3}
data=${BERT_DATA_DIR:-../shared/data}/wikitext-2

ours() {
    ./bert bench step --runs "$runs" --data "$data" --json | tail -1 |
        "$python" -c 'import json, sys; print(json.load(sys.stdin)["benchmarks"][0]["items_per_second"])'
}

first=$(ours)
torch=$("$python" bench/pytorch_tutorial_bert.py --data "$data" --steps "$steps" --threads 2 --json | tail -1 |
    "$python" -c 'import json, sys; print(json.load(sys.stdin)["pairs_per_s"])')
second=$(ours)
"$python" - "$first" "$second" "$torch" <<'PY'
import sys
first, second, torch = map(float, sys.argv[1:])
ours = (first + second) / 2
print(f"Bert.Compiler  {first:7.1f} and {second:7.1f} pairs/s (bench step, median of each run)")
print(f"PyTorch        {torch:7.1f} pairs/s (tutorial script, 2 threads)")
print(f"ratio          {ours / torch:7.2f}x")
PY
