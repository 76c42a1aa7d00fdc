import type { Finding } from '../../domain/gates/finding.ts'
import type { EventMeta } from '../../ledger/ledger-meta.ts'

/** One gate scan the worker runs: files are repo-relative, under the job's root. */
export interface WorkerStep {
  name: string
  files: string[]
  config: unknown
}

/** What the worker is started with: the gates to import while the main thread works out the snapshot. */
export interface WorkerPreload {
  preload: string[]
  /** Gates to warm up (`warmUpGate` in the gate registry) at once. */
  warm?: string[]
}

/** Asks a started worker to warm gates up now (the main thread has just seen they will run). */
export interface WorkerWarm {
  type: 'warm'
  names: string[]
}

/** The job the main thread posts once the snapshot is exported; the worker exits when it is done. */
export interface WorkerJob {
  type: 'run'
  /** `Date.now()` when posted: a job that waited for a warm-up counts the wait in that step's time. */
  postedAt: number
  root: string
  steps: WorkerStep[]
}

/** What the worker posts back, in order: `start`, then one of `done`, `skipped` or `error` per step. */
export type WorkerMessage =
  | { type: 'start'; name: string }
  | { type: 'done'; name: string; findings: Finding[]; events: EventMeta[]; ms: number }
  | { type: 'skipped'; name: string; reason: string; ms: number }
  | { type: 'error'; name: string; message: string; ms: number }
