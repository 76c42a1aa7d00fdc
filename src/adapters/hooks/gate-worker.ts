// Worker thread that runs the hook's in-process gate scans one after another. It starts first
// thing, imports its gates while the main thread asks git for the snapshot and opens the ledger,
// then waits for the job. It lives apart from the main thread so a scan that never returns (a
// pathological regex, a huge file) can be stopped by its step timeout: the main thread terminates
// the worker, which a synchronous scan cannot block.
import { parentPort, workerData } from 'node:worker_threads'
import type { Gate } from '../../domain/gates/gate.ts'
import type { GateName } from '../../domain/gates/gates-config.ts'
import { loadGate } from '../../domain/gates/registry.ts'
import { errorMessage } from '../../foundation/errors/user-error.ts'
import type { WorkerJob, WorkerMessage, WorkerPreload } from './worker-protocol.ts'

const port = parentPort
if (!port) throw new Error('BUG: gate-worker.ts must run as a worker thread')
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
for (const name of (workerData as WorkerPreload).preload) load(name)

port.once('message', async (job: WorkerJob) => {
  for (const step of job.steps) {
    post({ type: 'start', name: step.name })
    const started = performance.now()
    try {
      const gate = await load(step.name)
      // Each gate takes its own config shape; the main thread resolved it from codex-gates.json.
      const config = step.config as never
      const reason = gate.skipReason?.(job.root, step.files, config)
      if (reason) {
        post({ type: 'skipped', name: step.name, reason, ms: performance.now() - started })
        continue
      }
      const result = await gate.scan(job.root, step.files, config)
      post({
        type: 'done',
        name: step.name,
        findings: result.findings,
        events: result.events ?? [],
        ms: performance.now() - started,
      })
    } catch (error) {
      post({ type: 'error', name: step.name, message: errorMessage(error), ms: performance.now() - started })
    }
  }
  port.close()
})
