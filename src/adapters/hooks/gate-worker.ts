// Worker thread that runs the hook's in-process gate scans one after another. It starts first
// thing, imports its gates while the main thread asks git for the snapshot and opens the ledger,
// then waits for the job. It lives apart from the main thread so a scan that never returns (a
// pathological regex, a huge file) can be stopped by its step timeout: the main thread terminates
// the worker, which a synchronous scan cannot block.
import { parentPort, workerData } from 'node:worker_threads'
import type { Gate } from '../../domain/gates/gate.ts'
import type { GateName } from '../../domain/gates/gates-config.ts'
import { loadGate, warmUpGate } from '../../domain/gates/registry.ts'
import { errorMessage } from '../../foundation/errors/user-error.ts'
import type { EventMeta } from '../../ledger/ledger-meta.ts'
import type { RuffRoute } from '../ruff-server/ruff-route.ts'
import type { WorkerJob, WorkerMessage, WorkerPreload, WorkerWarm } from './worker-protocol.ts'

if (!parentPort) throw new Error('BUG: gate-worker.ts must run as a worker thread')
const port = parentPort
const post = (message: WorkerMessage) => port.postMessage(message)
const loaded = new Map<string, Promise<Gate>>()
const load = (name: string) => {
  let gate = loaded.get(name)
  if (!gate) {
    gate = loadGate(name as GateName) as Promise<Gate>
    gate.catch(() => {}) // reported when the step runs
    loaded.set(name, gate)
  }
  return gate
}
// A warm-up (ruff's WebAssembly compile and first calls, ~150-200 ms) runs once, started as soon as
// it is asked for, beside the gate's own import. Its compile runs off this thread; its first calls
// block it: a job posted meanwhile waits, and that wait is counted in the step's time.
const warmed = new Map<string, Promise<void>>()
const warmSpans = new Map<string, { from: number; to: number }>()
// python-lint's warm-up first asks the warm ruff server (ruff-route.ts): one that answers makes
// the compile unneeded; else ruff warms up here as before and the step starts a server for next time.
let ruffRoute: Promise<RuffRoute> | undefined
const openRoute = () => {
  ruffRoute ??= import('../ruff-server/ruff-route.ts').then((m) => m.openRuffRoute(process.env))
  return ruffRoute
}
const warm = (name: string) => {
  if (warmed.has(name)) return
  const from = Date.now()
  const warmUp = name === 'python-lint' ? openRoute().then(() => {}) : warmUpGate(name as GateName)
  const warming = warmUp.then(() => {
    warmSpans.set(name, { from, to: Date.now() })
  })
  warming.catch(() => {}) // the step's scan meets the same failure and reports it
  warmed.set(name, warming)
}
const { preload, warm: warmFirst = [] } = workerData as WorkerPreload
for (const name of preload) load(name)
for (const name of warmFirst) warm(name)

let running = false
port.on('message', (message: WorkerJob | WorkerWarm) => {
  if (message.type === 'warm') {
    for (const name of message.names) warm(name)
    return
  }
  if (running) return
  running = true
  void run(message, Date.now())
})

async function run(job: WorkerJob, received: number): Promise<void> {
  for (const step of job.steps) {
    post({ type: 'start', name: step.name })
    // Wall clock (Date.now) is shared with the main thread; performance.now() is per thread.
    const started = performance.now() - waitedOn(step.name, job.postedAt, received)
    try {
      await warmed.get(step.name)?.catch(() => {})
      const gate = await load(step.name)
      // Each gate takes its own config shape; the main thread resolved it from codex-gates.json.
      const config = step.config as never
      const reason = gate.skipReason?.(job.root, step.files, config)
      if (reason) {
        post({ type: 'skipped', name: step.name, reason, ms: performance.now() - started })
        continue
      }
      const result =
        step.name === 'python-lint'
          ? await (await openRoute()).scan(job.root, step.files, config)
          : await gate.scan(job.root, step.files, config)
      const warmUp = warmUpEvent(step.name, job.postedAt, received)
      post({
        type: 'done',
        name: step.name,
        findings: result.findings,
        events: [...(result.events ?? []), ...(warmUp ? [warmUp] : [])],
        ms: performance.now() - started,
      })
    } catch (error) {
      post({ type: 'error', name: step.name, message: errorMessage(error), ms: performance.now() - started })
    }
  }
  port.close()
}

/** How long the job, posted at `posted` and handled at `received`, waited for `name`'s warm-up (ms). */
function waitedOn(name: string, posted: number, received: number): number {
  const span = warmSpans.get(name)
  return span ? Math.max(0, Math.min(span.to, received) - Math.max(span.from, posted)) : 0
}

/** How the step's warm-up went against the snapshot export: the figure that says whether it paid off. */
function warmUpEvent(name: string, posted: number, received: number): EventMeta | undefined {
  const span = warmSpans.get(name)
  if (!span) return undefined
  const ms = span.to - span.from
  const ahead = Math.max(0, Math.min(span.to, posted) - span.from)
  const waited = waitedOn(name, posted, received)
  return {
    role: 'tool',
    level: 'info',
    message: `${name}: warm-up ${ms} ms, ${ahead} ms of it while the snapshot was exported; the step waited ${waited} ms for it`,
    data: { step: name, warm_up_ms: ms, overlapped_ms: ahead, waited_ms: waited },
  }
}
