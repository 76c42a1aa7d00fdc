import { existsSync } from 'node:fs'
import type { Worker } from 'node:worker_threads'
import type { GateName } from '../../domain/gates/gates-config.ts'
import { loadGate } from '../../domain/gates/registry.ts'
import { nodeWorkerThreads } from '../../foundation/lazy/node-worker-threads.ts'
import { errored, judge } from './judge-step.ts'
import { inlineSteps, runInline } from './run-inline.ts'
import type { PlannedStep, StepOutcome, StepStatus } from './step-outcome.ts'
import type { WorkerJob, WorkerMessage, WorkerPreload, WorkerWarm } from './worker-protocol.ts'

export type { PlannedStep, StepOutcome, StepStatus }
export { judge }

/**
 * Runs gate scans in a worker thread, one after another, each under its own timeout. The worker
 * is started early (`new GateRunner(names)`) so it imports the gates while the caller prepares the
 * snapshot. A step that overruns is recorded as `timeout` and the worker terminated; a fresh one
 * carries on with the steps after it. Aborting `signal` terminates the worker and marks what is
 * left `interrupted`. Never throws for a failing gate: everything is an outcome.
 */
export class GateRunner {
  private worker: StartedWorker | undefined
  private preload: readonly string[]
  private readonly inline: ReadonlySet<string>

  /**
   * `inline`: gates that run on this thread instead when their inputs are small (see
   * run-inline.ts); their worker is then never needed.
   */
  constructor(preload: readonly string[], warm: readonly string[] = [], inline: ReadonlySet<string> = new Set()) {
    this.preload = preload
    this.inline = inline
    this.worker = preload.length > 0 ? startWorker({ preload: [...preload], warm: [...warm] }) : undefined
  }

  /** Imports the light gates now, on this thread, while the caller waits on git (they may run inline). */
  prefetch(names: readonly string[]): void {
    for (const name of names) if (this.inline.has(name)) void loadGate(name as GateName).catch(() => {})
  }

  /**
   * Has the started worker warm these gates up now (`warmUpGate` in the gate registry), while the caller still
   * prepares the job; gates it was not started with (skipped ones) are left alone.
   */
  warm(names: readonly string[]): void {
    const wanted = names.filter((n) => this.preload.includes(n))
    if (wanted.length > 0) this.worker?.worker.postMessage({ type: 'warm', names: wanted } satisfies WorkerWarm)
  }

  /**
   * The caller has just learned these gates will run: starts a worker for them now unless one is
   * started already, and warms `warm` up in it.
   */
  need(names: readonly string[], warm: readonly string[] = []): void {
    if (this.worker || names.length === 0) {
      this.warm(warm)
      return
    }
    this.preload = names
    this.worker = startWorker({ preload: [...names], warm: warm.filter((n) => names.includes(n)) })
  }

  async run(root: string, steps: readonly PlannedStep[], signal?: AbortSignal): Promise<StepOutcome[]> {
    const outcomes = new Map<string, StepOutcome>()
    const here = inlineSteps(root, steps, this.inline)
    const inWorker = this.inWorker(
      root,
      steps.filter((s) => !here.includes(s)),
      outcomes,
      signal,
    )
    await runInline(root, here, outcomes, signal)
    await inWorker
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

  private async inWorker(
    root: string,
    steps: readonly PlannedStep[],
    outcomes: Map<string, StepOutcome>,
    signal: AbortSignal | undefined,
  ): Promise<void> {
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
  }
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
  const { Worker } = nodeWorkerThreads()
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
