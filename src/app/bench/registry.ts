import { type CommandLoader, lazyCommand } from '../../foundation/cli/define-command.ts'

/**
 * Benchmarks by name, each the subcommand `npm run bench -- <name>`: its module loads only when it
 * runs; the summary is what `--help` lists. A new benchmark is one file plus one line.
 */
export const BENCHES = {
  ledger: lazyCommand(
    "the writer's insert throughput and the ledger reporter's overhead on a generated suite",
    async () => (await import('./ledger-bench.ts')).ledgerBench,
  ),
  data: lazyCommand(
    'records/s and peak RSS of dataset preparation, MB/s of BPE encoding',
    async () => (await import('./data-bench.ts')).dataBench,
  ),
  checkpoint: lazyCommand(
    'save and load throughput of safetensors files and whole checkpoints',
    async () => (await import('./checkpoint-bench.ts')).checkpointBench,
  ),
  report: lazyCommand(
    'rendering the dashboard, status document and periodic summary over a large ledger',
    async () => (await import('./report-bench.ts')).reportBench,
  ),
  backends: lazyCommand(
    'train-step tokens/s and GFLOP/s of ts, ort-cpu and ort-webgpu side by side',
    async () => (await import('./backends-bench.ts')).backendsBench,
  ),
  secrets: lazyCommand(
    'the secrets scanner against secretlint on a generated corpus with planted secrets',
    async () => (await import('./secrets-bench.ts')).secretsBench,
  ),
  hook: lazyCommand(
    "the pre-commit hook's wall time for a one-file change, step by step, against its alternatives",
    async () => (await import('./hook-bench.ts')).hookBench,
  ),
  train: lazyCommand(
    "training tokens/s of the ts executor beside this machine's matmul ceiling",
    async () => (await import('./train-bench.ts')).trainBench,
  ),
  gates: lazyCommand(
    'wall time of the gates project cold and warm, and a warm codex-gates run (no Vitest) against node -e 0',
    async () => (await import('./gates-bench.ts')).gatesBench,
  ),
  layers: lazyCommand(
    'the layers gate against dependency-cruiser on the same rules',
    async () => (await import('./layers-bench.ts')).layersBench,
  ),
  python: lazyCommand(
    'python-lint and python-types on a generated tree of Python files',
    async () => (await import('./python-bench.ts')).pythonBench,
  ),
  precommit: lazyCommand(
    "Debian's pre-commit against codex-gates run on one .pre-commit-config.yaml",
    async () => (await import('./precommit-bench.ts')).precommitBench,
  ),
  adoption: lazyCommand(
    'install to first green run of codex-gates in the two adoption fixtures',
    async () => (await import('./adoption-bench.ts')).adoptionBench,
  ),
  shards: lazyCommand(
    'critical path of N = 1, 2, 4, 8 shards of the unit project: file-count vs balanced; merge time',
    async () => (await import('./shards-bench.ts')).shardsBench,
  ),
} satisfies Record<string, CommandLoader>

export type BenchName = keyof typeof BENCHES
