import { existsSync } from 'node:fs'
import { Worker } from 'node:worker_threads'
import { applyBaseline, type GateBaseline } from '../../domain/gates/baseline.ts'
import type { Finding } from '../../domain/gates/finding.ts'
import type { SeverityOverride } from '../../domain/gates/gates-config.ts'
import type { EventMeta } from '../../ledger/ledger-meta.ts'
import type { WorkerJob, WorkerMessage, WorkerPreload, WorkerStep, WorkerWarm } from './worker-protocol.ts'

export type StepStatus = 'passed' | 'failed' | 'skipped' | 'timeout' | 'error' | 'interrupted'

/** What one hook step did: status, wall time, how many files it saw, its findings. */
export interface StepOutcome {
  name: string
  status: StepStatus
  durationMs: number
  files: number
  findings: Finding[]
  events: EventMeta[]
  /** Why it was skipped, timed out or errored. */
  reason?: string
  /** For skips by `SKIP=`: who and when, for the ledger. */
  skippedBy?: { who: string; at: string }
}

/** A gate step ready to run: its files, resolved config, timeout and severity overrides. */
export interface PlannedStep extends WorkerStep {
  timeoutMs: number
  severity: Record<string, SeverityOverride>
  /**
   * For steps that read the whole tree for context (link targets): only findings in these files
   * count. Undefined: every finding counts.
   */
  reportOnly?: readonly string[]
  /** The gate's baseline as committed: the findings it accepts do not block. */
  baseline?: GateBaseline
}

/**
 * Runs gate scans in a worker thread, one after another, each under its own timeout. The worker
 * is started early (`new GateRunner(names)`) so it imports the gates while the caller prepares the
 * snapshot. A step that overruns is recorded as `timeout` and the worker terminated; a fresh one
 * carries on with the steps after it. Aborting `signal` terminates the worker and marks what is
 * left `interrupted`. Never throws for a failing gate: everything is an outcome.
 */
export class GateRunner {
  private worker: StartedWorker | undefined
  private readonly preload: readonly string[]

  constructor(preload: readonly string[], warm: readonly string[] = []) {
    this.preload = preload
    this.worker = preload.length > 0 ? startWorker({ preload: [...preload], warm: [...warm] }) : undefined
  }

  /**
   * Has the started worker warm these gates up now (`warmUpGate` in the gate registry), while the caller still
   * prepares the job; gates it was not started with (skipped ones) are left alone.
   */
  warm(names: readonly string[]): void {
    const wanted = names.filter((n) => this.preload.includes(n))
    if (wanted.length > 0) this.worker?.worker.postMessage({ type: 'warm', names: wanted } satisfies WorkerWarm)
  }

  async run(root: string, steps: readonly PlannedStep[], signal?: AbortSignal): Promise<StepOutcome[]> {
    const outcomes = new Map<string, StepOutcome>()
    let pending = [...steps]
    while (pending.length > 0 && !signal?.aborted) {
      const worker = this.worker ?? startWorker({ preload: pending.map((s) => s.name) })
      this.worker = undefined
      await runJob(worker, root, pending, outcomes, signal)
      if (signal?.aborted) break // what is left is marked interrupted below
      const left = pending.filter((s) => !outcomes.has(s.name))
      if (left.length === pending.length) {
        // The worker died before starting any step: do not loop, report it on each step.
        const why = `the gate worker exited before running this step${worker.error ? `: ${worker.error.message}` : ''}`
        for (const s of left) outcomes.set(s.name, errored(s, why, 0))
        break
      }
      pending = left
    }
    this.dispose()
    for (const s of steps) {
      if (!outcomes.has(s.name)) outcomes.set(s.name, { ...errored(s, 'interrupted', 0), status: 'interrupted' })
    }
    return steps.map((s) => outcomes.get(s.name) as StepOutcome)
  }

  /** Stops a worker that was started but never given a job. */
  dispose(): void {
    void this.worker?.worker.terminate()
    this.worker = undefined
  }
}

/**
 * Keeps the findings in `reportOnly` files (when given), applies per-rule severity overrides
 * (`off` drops the finding) and the gate's baseline, and decides the step's status.
 */
export function judge(
  findings: readonly Finding[],
  severity: Record<string, SeverityOverride>,
  reportOnly?: readonly string[],
  baseline?: GateBaseline,
): { findings: Finding[]; failed: boolean } {
  const only = reportOnly ? new Set(reportOnly) : undefined
  const kept: Finding[] = []
  for (const f of findings) {
    if (only && !(f.file !== null && only.has(f.file))) continue
    const override = severity[f.rule]
    if (override === 'off') continue
    kept.push(override ? { ...f, severity: override } : f)
  }
  const judged = applyBaseline(kept, baseline)
  return { findings: judged, failed: judged.some((f) => f.severity === 'error') }
}

// --- internal ---

/** A worker and what happened to it before anyone listened: it may fail while importing the gates. */
interface StartedWorker {
  worker: Worker
  exited: boolean
  error: Error | undefined
}

function startWorker(workerData: WorkerPreload): StartedWorker {
  const started: StartedWorker = { worker: newWorker(workerData), exited: false, error: undefined }
  started.worker.on('error', (error) => {
    started.error = error
  })
  started.worker.once('exit', () => {
    started.exited = true
  })
  return started
}

function newWorker(workerData: WorkerPreload): Worker {
  // In the bundle (.codex/hook/) the worker is the gate-worker.mjs beside it; in the installed
  // package (compiled dist/) the gate-worker.js beside this file.
  const bundled = new URL('./gate-worker.mjs', import.meta.url)
  if (existsSync(bundled)) return new Worker(bundled, { workerData })
  const compiled = new URL('./gate-worker.js', import.meta.url)
  if (import.meta.url.endsWith('.js') && existsSync(compiled)) return new Worker(compiled, { workerData })
  // From source under tsx: Node 20 does not carry tsx's loader into workers (ERR_UNKNOWN_FILE_EXTENSION
  // for .ts), so the worker registers it itself before importing the .ts entry.
  const api = import.meta.resolve('tsx/esm/api')
  const source = new URL('./gate-worker.ts', import.meta.url).href
  const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(source)}) })`
  return new Worker(code, { eval: true, workerData })
}

function runJob(
  started: StartedWorker,
  root: string,
  steps: readonly PlannedStep[],
  outcomes: Map<string, StepOutcome>,
  signal: AbortSignal | undefined,
): Promise<void> {
  const { worker } = started
  if (started.exited) return Promise.resolve()
  return new Promise((resolve) => {
    const byName = new Map(steps.map((s) => [s.name, s]))
    let current: { step: PlannedStep; started: number } | undefined
    let timer: NodeJS.Timeout | undefined
    const stop = () => {
      if (current) {
        outcomes.set(current.step.name, {
          ...errored(current.step, 'interrupted', performance.now() - current.started),
          status: 'interrupted',
        })
      }
      void worker.terminate()
    }
    signal?.addEventListener('abort', stop, { once: true })
    worker.on('message', (message: WorkerMessage) => {
      const step = byName.get(message.name)
      if (!step) return
      if (message.type === 'start') {
        current = { step, started: performance.now() }
        timer = setTimeout(() => {
          outcomes.set(step.name, {
            ...errored(step, `timed out after ${step.timeoutMs} ms`, step.timeoutMs),
            status: 'timeout',
          })
          current = undefined
          void worker.terminate()
        }, step.timeoutMs)
        return
      }
      clearTimeout(timer)
      current = undefined
      if (message.type === 'done') {
        const { findings, failed } = judge(message.findings, step.severity, step.reportOnly, step.baseline)
        outcomes.set(step.name, {
          name: step.name,
          status: failed ? 'failed' : 'passed',
          durationMs: message.ms,
          files: step.reportOnly?.length ?? step.files.length,
          findings,
          events: message.events,
        })
      } else if (message.type === 'skipped') {
        outcomes.set(step.name, { ...errored(step, message.reason, message.ms), status: 'skipped' })
      } else {
        outcomes.set(step.name, errored(step, message.message, message.ms))
      }
    })
    worker.on('error', (error) => {
      // An uncaught error inside the worker ends it; blame the step it was running.
      if (current) {
        outcomes.set(current.step.name, errored(current.step, error.message, performance.now() - current.started))
      }
      current = undefined
    })
    worker.on('exit', () => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', stop)
      resolve()
    })
    const job: WorkerJob = {
      type: 'run',
      postedAt: Date.now(),
      root,
      steps: steps.map(({ name, files, config }) => ({ name, files, config })),
    }
    worker.postMessage(job)
  })
}

function errored(step: PlannedStep, reason: string, ms: number): StepOutcome {
  return {
    name: step.name,
    status: 'error',
    durationMs: ms,
    files: step.files.length,
    findings: [],
    events: [],
    reason,
  }
}
