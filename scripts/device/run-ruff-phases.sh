#!/usr/bin/env bash
# Lazy against eager compilation of ruff's WebAssembly at 2/4/8/16 cores (taskset) and V8 pool
# sizes, on the device machine (many cores). Carry .device/bundle/node.xz and .device/ruff/ruff.tar.xz
# (tar -cJf .device/ruff/ruff.tar.xz node_modules/@astral-sh/ruff-wasm-nodejs). Prints one JSON line per run.
set -uo pipefail
cd "$(dirname "$0")/../.."
node=$(mktemp -d)/node
xz -dc .device/bundle/node.xz > "$node" && chmod +x "$node"
[ -d node_modules/@astral-sh/ruff-wasm-nodejs ] || tar -xJf .device/ruff/ruff.tar.xz
for round in 1 2 3 4 5 6 7; do
  for cores in 2 4 8 16; do
    for pool in 4 "$cores"; do
      for mode in lazy eager; do
        echo "round=$round cores=$cores pool=$pool $(taskset -c 0-$((cores - 1)) "$node" --v8-pool-size="$pool" scripts/device/ruff-phases.mjs "$mode")"
      done
    done
  done
done
