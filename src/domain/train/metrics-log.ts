import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs'
import { dirname } from 'node:path'
import { encodeFloat } from '../../foundation/json/float-json.ts'

/** One metric value at one step, MLflow-like; `ts` in ms since the epoch. */
export interface MetricRecord {
  step: number
  name: string
  value: number
  ts: number
}

/**
 * `metrics.ndjson` of a run: one JSON line per logged step, appended with a synchronous write
 * so a run that dies keeps every line it logged. NaN and ±Infinity are written as the strings
 * "NaN", "Infinity", "-Infinity" (JSON has no such numbers).
 *
 * The file is opened once, in the constructor, and written through that descriptor: a write
 * never resolves the path again, so the run folder being removed or renamed while the trainer
 * finishes its last step (a spec's temp folder cleaned up, a user's `rm -rf`) cannot fail the run
 * with ENOENT; the lines go to the file that was opened.
 */
export class MetricsLog {
  readonly path: string
  private fd: number | undefined

  constructor(path: string) {
    this.path = path
    mkdirSync(dirname(path), { recursive: true })
    this.fd = openSync(path, 'a')
  }

  /** Appends one line: `{"step":…,"ts":…,"<name>":value,…}`. */
  write(step: number, values: Record<string, number>, ts = Date.now()): void {
    if (this.fd === undefined) throw new Error(`BUG: ${this.path} written after close()`)
    const line: Record<string, unknown> = { step, ts }
    for (const [name, value] of Object.entries(values)) line[name] = encodeFloat(value)
    writeSync(this.fd, `${JSON.stringify(line)}\n`)
  }

  /** Closes the file; idempotent. */
  close(): void {
    if (this.fd === undefined) return
    closeSync(this.fd)
    this.fd = undefined
  }
}

/** The records of one line, for the ledger. */
export function toMetricRecords(step: number, values: Record<string, number>, ts = Date.now()): MetricRecord[] {
  return Object.entries(values).map(([name, value]) => ({ step, name, value, ts }))
}
