#!/usr/bin/env bash
# GPU checks and benchmark, in two halves (bench/README.md explains them):
#
#   bench/gpu.sh pack          here, with the .NET SDK: publishes `bert` and bench/GpuTestRunner self-contained for
#                              linux-x64 and packs them with WikiText-2 and MRPC into artifacts/gpu/bundle.tar.xz (~35 MB)
#   bench/gpu.sh run [WHAT]    on the GPU machine (no SDK, no network; carry artifacts/gpu): unpacks the bundle and
#                              runs WHAT: `tests` (the GPU tests), `bench` (our GPU pretraining beside PyTorch eager
#                              and torch.compile on the same data, pairs/s side by side) or `all` (the default)
#
# Settings for run (environment): STEPS=50 BATCH=512 MAX_LEN=64 DEVICE=cuda:0 PRECISION=bf16 RESULTS=<dir for logs and JSON>.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
artifacts="$root/artifacts/gpu"

pack() {
  local staging; staging="$(mktemp -d)"
  trap 'rm -rf "$staging"' RETURN
  # The shared data: BERT_DATA_DIR, else the first shared/data found walking up from the repository (as the tests do).
  local data_root="${BERT_DATA_DIR:-}" dir="$root"
  while [ -z "$data_root" ] && [ "$dir" != / ]; do
    dir="$(dirname "$dir")"
    [ -d "$dir/shared/data" ] && data_root="$dir/shared/data"
  done
  local data="$data_root/wikitext-2"
  [ -f "$data/wiki.train.tokens" ] || { echo "gpu.sh: WikiText-2 not found (looked in ${data_root:-shared/data above $root}); set BERT_DATA_DIR" >&2; exit 1; }
  [ -f "$data_root/mrpc/msr_paraphrase_train.txt" ] || { echo "gpu.sh: MRPC not found in $data_root/mrpc" >&2; exit 1; }
  # Both apps are self-contained for the same runtime, so they share one folder and one copy of it. The test runner
  # references bert (through Bert.Samples.Tests) and goes first, so bert's own publish leaves its files last.
  dotnet publish "$here/GpuTestRunner" -c Release -r linux-x64 --self-contained -o "$staging/bin" -v quiet -nologo
  dotnet publish "$root/Bert.Samples" -c Release -r linux-x64 --self-contained -o "$staging/bin" -v quiet -nologo
  mkdir -p "$staging/data/wikitext-2" "$staging/data/mrpc" "$artifacts"
  cp "$data"/wiki.*.tokens "$staging/data/wikitext-2/"
  cp "$data_root"/mrpc/msr_paraphrase_*.txt "$staging/data/mrpc/"
  tar -cJf "$artifacts/bundle.tar.xz" -C "$staging" bin data
  echo "gpu.sh: wrote $artifacts/bundle.tar.xz ($(du -h "$artifacts/bundle.tar.xz" | cut -f1)); run \`bench/gpu.sh run\` on the GPU machine with carry [\"artifacts/gpu\"]"
}

# The machine has the CUDA toolkit and PyTorch's CUDA wheels but not necessarily on the loader's path:
# add every folder that holds cuBLAS or NCCL, so the runtime's library probing finds them.
cuda_library_path() {
  local dirs=() site
  for d in /usr/local/cuda/lib64 /usr/local/cuda/targets/x86_64-linux/lib; do [ -d "$d" ] && dirs+=("$d"); done
  if site="$(python3 -c 'import nvidia, os; print(os.path.dirname(list(nvidia.__path__)[0]))' 2>/dev/null)"; then
    while IFS= read -r lib; do dirs+=("$(dirname "$lib")"); done \
      < <(find "$site/nvidia" \( -name 'libcublas.so*' -o -name 'libnccl.so*' \) 2>/dev/null | sort -u)
  fi
  local IFS=:
  echo "${dirs[*]}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
}

run() {
  local what="${1:-all}" bundle="${BUNDLE_DIR:-/tmp/bert-gpu}"
  local steps="${STEPS:-50}" batch="${BATCH:-512}" max_len="${MAX_LEN:-64}" device="${DEVICE:-cuda:0}" precision="${PRECISION:-bf16}"
  local results="${RESULTS:-${OUT:-/tmp/bert-gpu-results}}"
  [ -f "$artifacts/bundle.tar.xz" ] || { echo "gpu.sh: no $artifacts/bundle.tar.xz: run \`bench/gpu.sh pack\` first, then carry artifacts/gpu" >&2; exit 1; }
  mkdir -p "$bundle" "$results"
  tar -xJf "$artifacts/bundle.tar.xz" -C "$bundle"
  export LD_LIBRARY_PATH; LD_LIBRARY_PATH="$(cuda_library_path)"
  # The tests find WikiText-2 and MRPC in the bundle (Bert.Tests.SharedData reads BERT_DATA_DIR).
  export PYTHONUNBUFFERED=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 BERT_DATA_DIR="$bundle/data"
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
  local status=0

  if [ "$what" = all ] || [ "$what" = tests ]; then
    echo "== GPU tests (the ILGPU program on GPU 0 against the CPU; the GPU training tests take a few minutes) =="
    "$bundle/bin/GpuTestRunner" 2>&1 | tee "$results/gpu-tests.log" || status=1
  fi

  if [ "$what" = all ] || [ "$what" = bench ]; then
    local data="$bundle/data/wikitext-2" common=(--steps "$steps" --batch "$batch" --max-len "$max_len")
    echo "== Pretraining throughput: $steps steps, batch $batch, max_len $max_len =="
    # Ours: the generated model's GPU program (ForwardOn/BackwardOn) with the device norm and Adam; the JSON line it
    # ends with holds "pairs_per_s", the losses, the device and the GPU's name.
    "$bundle/bin/bert" pretrain --device "$device" --precision "$precision" --data "$data" "${common[@]}" \
      --eval-batches 0 --out "$results/bert-checkpoint" --json 2>&1 | tee "$results/bert.log" || status=1
    python3 "$here/pytorch_tutorial_bert.py" --device cuda --data "$data" "${common[@]}" --json 2>&1 | tee "$results/torch-eager.log" || status=1
    python3 "$here/pytorch_tutorial_bert.py" --device cuda --compile --data "$data" "${common[@]}" --json 2>&1 | tee "$results/torch-compile.log" || status=1
    summarize "$results"
  fi
  return "$status"
}

# One line per run: the pairs/s from the JSON line each log ends with.
summarize() {
  python3 - "$1" <<'PY'
import json, os, sys
results = sys.argv[1]
print(f"{'run':<28}{'pairs/s':>12}{'MLM loss':>10}{'NSP loss':>10}")
for name, log in [("Bert.Compiler (GPU)", "bert.log"), ("PyTorch eager (cuda)", "torch-eager.log"), ("PyTorch torch.compile (cuda)", "torch-compile.log")]:
    rows = []
    path = os.path.join(results, log)
    if os.path.exists(path):
        for line in open(path, encoding="utf-8"):
            line = line.strip()
            if line.startswith("{") and "pairs_per_s" in line:
                rows.append(json.loads(line))
    if rows:
        r = rows[-1]
        print(f"{name:<28}{r['pairs_per_s']:>12.1f}{r.get('mlm_loss', float('nan')):>10.3f}{r.get('nsp_loss', float('nan')):>10.3f}")
    else:
        print(f"{name:<28}{'(no result)':>12}")
PY
}

case "${1:-}" in
  pack) pack ;;
  run) shift; run "$@" ;;
  *) echo "usage: bench/gpu.sh pack | run [all|tests|bench]" >&2; exit 2 ;;
esac
