import { UserError } from '../../../../foundation/errors/user-error.ts'
import type { SmokeMetricsConfig } from '../command-config.ts'

/** One metric value at one step of a smoke run (NaN and ±Infinity kept as such). */
export interface MetricPoint {
  step: number
  name: string
  value: number
  /** ms since the epoch: the record's own `ts`/`time` when it has one, else when it was read. */
  ts: number
}

/**
 * The metrics a training run printed (or wrote to its metrics file), in order:
 * - `json-lines`: one object a line, `{"step": 3, "loss": 1.25}`; Python's bare `NaN`,
 *   `Infinity` and `-Infinity` are read (json.dumps writes them);
 * - `key-value`: `step=3 loss=1.25 lr=3e-4` pairs anywhere in a line;
 * - `regex`: named groups, `step` and one per metric.
 * Every numeric field but the step and time keys is a metric. A record without a step takes the
 * next number (1, 2, 3, …). Lines with no metric are ignored (logs, progress bars).
 */
export function readMetrics(text: string, config: SmokeMetricsConfig, now = Date.now()): MetricPoint[] {
  const re = config.format === 'regex' ? metricsRegex(config.pattern) : undefined
  const points: MetricPoint[] = []
  let counter = 0
  for (const line of text.split(/\r?\n/)) {
    const record =
      config.format === 'json-lines'
        ? jsonRecord(line)
        : config.format === 'key-value'
          ? keyValueRecord(line)
          : regexRecord(line, re as RegExp)
    if (!record) continue
    const stepValue = record[config.step_key]
    const metrics = Object.entries(record).filter(
      ([k, v]) => k !== config.step_key && !TIME_KEYS.has(k) && typeof v === 'number',
    )
    if (metrics.length === 0) continue
    counter++
    const step = typeof stepValue === 'number' && Number.isInteger(stepValue) ? stepValue : counter
    const ts = timeOf(record) ?? now
    for (const [name, value] of metrics) points.push({ step, name, value: value as number, ts })
  }
  return points
}

/** A metric value as text: a number, or nan / inf / -inf / infinity in any case. */
export function parseMetricNumber(text: string): number | undefined {
  const t = text.trim()
  if (/^[-+]?nan$/i.test(t)) return Number.NaN
  if (/^\+?inf(inity)?$/i.test(t)) return Number.POSITIVE_INFINITY
  if (/^-inf(inity)?$/i.test(t)) return Number.NEGATIVE_INFINITY
  if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(t)) return undefined
  return Number(t)
}

// --- internal ---

const TIME_KEYS = new Set(['ts', 'time', 'timestamp', 'wall_time', 'elapsed'])

type MetricRecord = Record<string, unknown>

function jsonRecord(line: string): MetricRecord | undefined {
  const t = line.trim()
  if (!t.startsWith('{')) return undefined
  // Python's json.dumps writes NaN, Infinity, -Infinity bare: quote them so JSON.parse takes them.
  const quoted = t.replace(/([:[,]\s*)(-?Infinity|NaN)(?=\s*[,}\]])/g, '$1"$2"')
  let value: unknown
  try {
    value = JSON.parse(quoted)
  } catch {
    return undefined
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined
  const out: MetricRecord = {}
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] = typeof v === 'string' && /^(-?Infinity|NaN)$/.test(v) ? parseMetricNumber(v) : v
  }
  return out
}

function keyValueRecord(line: string): MetricRecord | undefined {
  const out: MetricRecord = {}
  let found = false
  for (const m of line.matchAll(/([A-Za-z_][\w./-]*)\s*=\s*([^\s,;]+)/g)) {
    const value = parseMetricNumber(m[2] as string)
    if (value === undefined) continue
    out[m[1] as string] = value
    found = true
  }
  return found ? out : undefined
}

function regexRecord(line: string, re: RegExp): MetricRecord | undefined {
  const groups = re.exec(line)?.groups
  if (!groups) return undefined
  const out: MetricRecord = {}
  for (const [k, v] of Object.entries(groups)) {
    if (v === undefined) continue
    const value = parseMetricNumber(v)
    if (value !== undefined) out[k] = value
  }
  return out
}

function metricsRegex(pattern: string | undefined): RegExp {
  if (!pattern) {
    throw new UserError(
      'GATES_CONFIG',
      'metrics.format "regex" needs metrics.pattern',
      'e.g. "pattern": "step (?<step>\\\\d+) loss (?<loss>\\\\S+)"',
    )
  }
  try {
    return new RegExp(pattern.replace(/\(\?P</g, '(?<'))
  } catch (error) {
    throw new UserError(
      'GATES_CONFIG',
      `metrics.pattern is not a valid regex: ${(error as Error).message}`,
      'name a group per metric: step (?<step>\\d+) loss (?<loss>\\S+)',
    )
  }
}

function timeOf(record: MetricRecord): number | undefined {
  for (const key of ['ts', 'time', 'timestamp']) {
    const v = record[key]
    if (typeof v !== 'number' || !Number.isFinite(v)) continue
    if (v > 1e12) return Math.round(v) // ms since the epoch
    if (v > 1e9) return Math.round(v * 1000) // seconds since the epoch (Python's time.time())
  }
  return undefined
}
