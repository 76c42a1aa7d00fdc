#!/usr/bin/env bash
# Builds the minimal runtime that the device machine lacks (it has no Node.js and no internet),
# as two xz files in .device/bundle/ (git-ignored through .git/info/exclude; name it in `carry`):
#   node.xz               this machine's Node.js binary
#   node_modules.tar.xz   what the GPU smoke project and the backends benchmark load: vitest, tsx,
#                         onnxruntime-node (Linux x64 binaries only), better-sqlite3 (built addon),
#                         ajv, protobufjs, and everything they depend on (scripts/device/module-closure.mjs)
# The Vulkan loader .debs travel separately in .gl/ (see ../shared/notes/gpu.md).
# Usage: bash scripts/device/pack.sh [BUNDLE_DIR]      (run from the repo root after npm ci)
set -euo pipefail
cd "$(dirname "$0")/../.."
bundle="${1:-.device/bundle}"
mkdir -p "$bundle"
limit_mib=60 # the device call carries at most 64 MiB with the working tree and .gl/

node_bin="$(command -v node)"
[ "$(uname -m)" = x86_64 ] || { echo "pack.sh: the device is x86-64; pack on an x86-64 machine" >&2; exit 2; }
[ -f node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1 ] ||
  { echo "pack.sh: onnxruntime-node's Linux x64 library is missing; run npm ci" >&2; exit 2; }

echo "pack.sh: node $(node --version) from $node_bin"
xz -9 -T0 -c "$node_bin" > "$bundle/node.xz.tmp" && mv "$bundle/node.xz.tmp" "$bundle/node.xz"

mapfile -t modules < <(node scripts/device/module-closure.mjs vitest tsx onnxruntime-node better-sqlite3 ajv protobufjs)
echo "pack.sh: ${#modules[@]} packages"
# Each package folder without its own node_modules (nested ones are listed separately), other
# platforms' onnxruntime binaries, native sources, type declarations, source maps and docs.
tar -cf - \
  --exclude='node_modules/*/node_modules' --exclude='node_modules/@*/*/node_modules' \
  --exclude='onnxruntime-node/bin/napi-v6/darwin' --exclude='onnxruntime-node/bin/napi-v6/win32' \
  --exclude='onnxruntime-node/bin/napi-v6/linux/arm64' \
  --exclude='better-sqlite3/deps' --exclude='better-sqlite3/src' \
  --exclude='better-sqlite3/build/Release/obj*' --exclude='better-sqlite3/build/Release/test_extension.node' \
  --exclude='*.d.ts' --exclude='*.d.mts' --exclude='*.d.cts' --exclude='*.map' --exclude='*.md' \
  "${modules[@]}" | xz -9 -T0 > "$bundle/node_modules.tar.xz.tmp"
mv "$bundle/node_modules.tar.xz.tmp" "$bundle/node_modules.tar.xz"

total=$(du -cb "$bundle"/node.xz "$bundle"/node_modules.tar.xz .gl 2>/dev/null | tail -1 | cut -f1)
tree=$(git ls-files -co --exclude-standard -z | du --files0-from=- -cb 2>/dev/null | tail -1 | cut -f1)
ls -l "$bundle"
echo "pack.sh: bundle + .gl = $((total / 1048576)) MiB, working tree = $((tree / 1048576)) MiB (limit 64 MiB together)"
if [ $(((total + tree) / 1048576)) -ge "$limit_mib" ]; then
  echo "pack.sh: over ${limit_mib} MiB: the device call would be refused" >&2
  exit 1
fi
