import { appendFileSync, mkdirSync } from 'node:fs'
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
 */
export class MetricsLog {
  readonly path: string

  constructor(path: string) {
    this.path = path
    mkdirSync(dirname(path), { recursive: true })
  }

  /** Appends one line: `{"step":…,"ts":…,"<name>":value,…}`. */
  write(step: number, values: Record<string, number>, ts = Date.now()): void {
    const line: Record<string, unknown> = { step, ts }
    for (const [name, value] of Object.entries(values)) line[name] = encodeFloat(value)
    appendFileSync(this.path, `${JSON.stringify(line)}\n`)
  }
}

/** The records of one line, for the ledger. */
export function toMetricRecords(step: number, values: Record<string, number>, ts = Date.now()): MetricRecord[] {
  return Object.entries(values).map(([name, value]) => ({ step, name, value, ts }))
}
