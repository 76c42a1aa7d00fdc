#!/usr/bin/env bash
# Runs on the device machine, from the repo root of the copied working tree (carry .gl and
# .device/bundle): installs the Vulkan loader, unpacks Node.js and node_modules from the bundle
# (scripts/device/pack.sh), runs the smoke-gpu Vitest project into a ledger and the backends
# benchmark, and leaves what should come back in $OUT:
#   ledger.db        the device ledger (sessions, test_results, training_runs, metrics)
#   vitest.log       the smoke-gpu run's output
#   bench.log        the benchmark's table and notes
#   backends.json    reports/bench/backends.json
#   profile.log      onnxruntime's kernel time by execution provider and op for the GPU-sized step
#   ledger.txt       the smoke-gpu test rows and the training runs, as text
#   checks.log       outcome of each scripts/device/webgpu-checks.ts probe
#   torch.json, torch.log   the PyTorch reference (scripts/device/torch_reference.py) where python3
#                    has torch: the same step in eager PyTorch, the benchmark's --reference anchor
# Usage: OUT=/some/dir bash scripts/device/run-gpu-smoke.sh [--simulate]
#   --simulate   no Vulkan setup and a quick CPU-only benchmark: checks the bundle on a machine
#                without a GPU (smoke-gpu then skips every test with the adapter reason)
# Environment: BENCH_ARGS and PROFILE_ARGS override the benchmark's and the profile run's flags;
#   TORCH_ARGS the reference's (default: the gpu-sized config; TORCH_ARGS=off skips it).
set -uo pipefail
cd "$(dirname "$0")/../.."
simulate=0
[ "${1:-}" = --simulate ] && simulate=1
out="${OUT:?set OUT to the folder that comes back}"
bundle="${BUNDLE:-.device/bundle}"
mkdir -p "$out"
status=0

if [ "$simulate" = 0 ]; then
  # The Vulkan loader (libvulkan.so.1) that Dawn needs; the NVIDIA ICD is the driver's (gpu.md).
  for f in .gl/*.deb; do dpkg -x "$f" /; done
  ldconfig
  export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
fi

if [ -e node_modules ]; then
  echo "run-gpu-smoke: node_modules exists here; this script unpacks its own. Run it in a fresh copy of the" >&2
  echo "working tree (what the device gets), e.g. git ls-files -co --exclude-standard | rsync -a --files-from=- . /tmp/copy" >&2
  exit 2
fi
node_bin="$(mktemp -d)/node"
xz -dc "$bundle/node.xz" > "$node_bin" && chmod +x "$node_bin" || { echo "run-gpu-smoke: cannot unpack node" >&2; exit 3; }
tar -xJf "$bundle/node_modules.tar.xz" || { echo "run-gpu-smoke: cannot unpack node_modules" >&2; exit 3; }
echo "node $("$node_bin" --version), $(nproc) cores"

# 0. The onnxruntime-node WebGPU behaviours the executor relies on, each in its own process.
if [ "$simulate" = 0 ]; then
  for check in getdata cross-session download concat64; do
    timeout 60 "$node_bin" --import tsx scripts/device/webgpu-checks.ts "$check" > "$out/check.tmp" 2>&1
    echo "== $check: exit $? ==" >> "$out/checks.log"
    grep -v '^\s*$' "$out/check.tmp" | tail -5 >> "$out/checks.log"
  done
  rm -f "$out/check.tmp"
  cat "$out/checks.log"
fi

# 1. The GPU smoke project, recorded in the device ledger.
export CODEX_LEDGER="$out/ledger.db"
timeout 150 "$node_bin" node_modules/vitest/vitest.mjs run --project smoke-gpu 2>&1 | tee "$out/vitest.log"
[ "${PIPESTATUS[0]}" = 0 ] || status=1

# 2. The PyTorch reference of the GPU-sized step (same shape and vocabulary), the anchor the
#    benchmark divides by; skipped where python3 has no torch.
vocab=$("$node_bin" --import tsx -e "import('./src/domain/train/text-data.ts').then((m) => console.log(m.loadTextData('configs/corpus/fables.txt', 0.1, 32).tokenizer.vocabSize))")
if [ "$simulate" = 1 ]; then
  torch_args="--device cpu --n-layer 1 --n-head 2 --n-embd 32 --block-size 32 --batch-size 8 --seconds 1"
else
  torch_args="--seconds 4"
fi
reference=''
if [ "${TORCH_ARGS:-}" != off ] && python3 -c 'import torch' 2>/dev/null; then
  # shellcheck disable=SC2086
  timeout 100 python3 scripts/device/torch_reference.py --vocab "$vocab" --out "$out/torch.json" ${TORCH_ARGS:-$torch_args} 2>&1 | tee "$out/torch.log"
  [ -s "$out/torch.json" ] && reference="--reference $out/torch.json"
else
  echo "run-gpu-smoke: no PyTorch reference (TORCH_ARGS=off or python3 has no torch)" | tee "$out/torch.log"
fi

# 3. The backends benchmark (ts, ort-cpu, ort-webgpu side by side; per-tensor and fused steps),
#    then onnxruntime's per-node profile of the GPU-sized step in a run of its own, so a crash
#    there cannot cost the table.
if [ "$simulate" = 1 ]; then
  bench_args='--quick --configs tiny --backends ts,ort-cpu'
  profile_args='--configs tiny --backends ort-cpu --seconds 1 --profile'
else
  bench_args='--configs gpu --backends ort-cpu,ort-webgpu --seconds 4'
  profile_args='--configs gpu --backends ort-webgpu --seconds 1 --profile'
fi
# shellcheck disable=SC2086
timeout 150 "$node_bin" --import tsx scripts/bench.ts backends ${BENCH_ARGS:-$bench_args} $reference 2>&1 | tee "$out/bench.log"
[ "${PIPESTATUS[0]}" = 0 ] || status=1
cp reports/bench/backends.json "$out/backends.json" 2>/dev/null || status=1
# shellcheck disable=SC2086
timeout 80 "$node_bin" --import tsx scripts/bench.ts backends ${PROFILE_ARGS:-$profile_args} 2>&1 | tee "$out/profile.log"
[ "${PIPESTATUS[0]}" = 0 ] || status=1

# 4. The ledger rows the closing note quotes.
"$node_bin" -e '
const Database = require("better-sqlite3")
const db = new Database(process.argv[1], { readonly: true })
for (const r of db.prepare("SELECT project, name, state, skip_reason, round(duration_ms) AS ms FROM test_results ORDER BY id").all())
  console.log([r.project, r.state, `${r.ms} ms`, r.name, r.skip_reason ?? ""].join(" | "))
for (const r of db.prepare("SELECT backend, device, status, seed FROM training_runs").all())
  console.log(["training_run", r.backend, r.device, r.status, `seed ${r.seed}`].join(" | "))
console.log("metrics rows:", db.prepare("SELECT count(*) AS n FROM metrics").get().n)
db.close()
' "$CODEX_LEDGER" 2>&1 | tee "$out/ledger.txt"
# Only a few files come back: drop SQLite's empty side files once the ledger is closed.
if [ ! -s "$CODEX_LEDGER-wal" ]; then rm -f "$CODEX_LEDGER-wal" "$CODEX_LEDGER-shm"; fi
exit "$status"
