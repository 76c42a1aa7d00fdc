import type { LedgerRow } from './records.ts'

/** A finding as gates produce it and the `findings` table stores it. */
export interface FindingMeta {
  gate: string
  severity: 'error' | 'warn'
  rule: string
  file: string | null
  line: number | null
  message: string
  remediation?: string
  fingerprint: string
}

export interface GateMeta {
  gate: string
  status: 'passed' | 'failed' | 'cached' | 'skipped'
  cache_key?: string
  cached_from?: string
  duration_ms?: number
  reason?: string
}

export interface EventMeta {
  role: 'system' | 'tool' | 'assistant'
  level?: 'debug' | 'info' | 'warn' | 'error'
  message: string
  data?: unknown
}

export interface ArtifactMeta {
  kind: string
  path: string
  sha256?: string
  bytes?: number
}

/** A training run recorded by a spec: rows for `training_runs`, `metrics`, `checkpoints`. */
export interface TrainingRunMeta {
  run: LedgerRow & { id: string }
  metrics?: LedgerRow[]
  checkpoints?: LedgerRow[]
}

/** The machine and shard a test ran on (`shard` is `i/N`). */
export interface RanOn {
  host: string
  shard: string | null
}

/**
 * What a test hands the ledger reporter. Tests run in workers and never touch the database:
 * they put this on `task.meta.codexLedger`, and the reporter (main process) writes it.
 */
export interface LedgerMeta {
  findings?: FindingMeta[]
  gate?: GateMeta
  events?: EventMeta[]
  artifacts?: ArtifactMeta[]
  trainingRuns?: TrainingRunMeta[]
  /**
   * The test's duration as the tool it stands for measured it (pytest's time for a python-drift
   * row), recorded instead of Vitest's, which only timed the replay of a result.
   */
  durationMs?: number
  /** The file the test stands for (the pytest file of a python-drift row), recorded instead of the replaying spec's. */
  file?: string
  /** Where the test ran, stamped by a sharded run (`codex-gates run --shard`) and kept through the merge. */
  ranOn?: RanOn
  /** For error capture: the step the test performs and what the reader needs to know. */
  step?: string
  context?: string
}

declare module '@vitest/runner' {
  interface TaskMeta {
    codexLedger?: LedgerMeta
  }
}

/** Anything with a `meta` bag: Vitest's `task` in a test context. */
export interface HasMeta {
  meta: { codexLedger?: LedgerMeta }
}

/** Merges `meta` into the test's ledger meta (arrays append). Call from inside a test. */
export function recordToLedger(task: HasMeta, meta: LedgerMeta): void {
  const current = task.meta.codexLedger ?? {}
  task.meta.codexLedger = {
    ...current,
    ...meta,
    findings: concat(current.findings, meta.findings),
    events: concat(current.events, meta.events),
    artifacts: concat(current.artifacts, meta.artifacts),
    trainingRuns: concat(current.trainingRuns, meta.trainingRuns),
  }
}

function concat<T>(a: T[] | undefined, b: T[] | undefined): T[] | undefined {
  if (!a) return b
  if (!b) return a
  return [...a, ...b]
}
