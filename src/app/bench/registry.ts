import type { BenchResult } from './bench-report.ts'

/** A benchmark: parses its own argv, measures, returns figures. Loaded lazily. */
export type Bench = (argv: string[]) => Promise<BenchResult>

/** Benchmarks by name: `npm run bench -- <name>`. A new benchmark is one file plus one line. */
export const BENCHES = {
  ledger: () => import('./ledger-bench.ts').then((m) => m.ledgerBench),
  data: () => import('./data-bench.ts').then((m) => m.dataBench),
  checkpoint: () => import('./checkpoint-bench.ts').then((m) => m.checkpointBench),
  report: () => import('./report-bench.ts').then((m) => m.reportBench),
  backends: () => import('./backends-bench.ts').then((m) => m.backendsBench),
  secrets: () => import('./secrets-bench.ts').then((m) => m.secretsBench),
  hook: () => import('./hook-bench.ts').then((m) => m.hookBench),
  train: () => import('./train-bench.ts').then((m) => m.trainBench),
  gates: () => import('./gates-bench.ts').then((m) => m.gatesBench),
  layers: () => import('./layers-bench.ts').then((m) => m.layersBench),
  python: () => import('./python-bench.ts').then((m) => m.pythonBench),
  precommit: () => import('./precommit-bench.ts').then((m) => m.precommitBench),
  adoption: () => import('./adoption-bench.ts').then((m) => m.adoptionBench),
} satisfies Record<string, () => Promise<Bench>>

export type BenchName = keyof typeof BENCHES
