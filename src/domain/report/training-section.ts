import { short } from './format.ts'
import type { ReportContext } from './report-context.ts'
import type { ChartData, CheckpointRow, TrainingRunRow, TrainingSection } from './report-summary.ts'

/** Runs shown when the rendered session recorded none of its own. */
export const RECENT_RUNS = 5
/** Series longer than this are thinned (every k-th point, the last and every NaN kept). */
export const MAX_POINTS = 400
/** Runs drawn per chart (the newest ones). */
const RUNS_PER_CHART = 6

interface RunRow {
  id: string
  session_id: string | null
  backend: string | null
  device: string | null
  seed: number | null
  status: string
  init_from: string | null
  registry_name: string | null
  adapter_json: string | null
  trainable_params: number | null
  total_params: number | null
}

const RUN_COLUMNS =
  'id, session_id, backend, device, seed, status, init_from, registry_name, adapter_json, trainable_params, total_params'

interface MetricRow {
  run_id: string
  step: number
  name: string
  value: number | null
  is_nan: number
  ts: number
}

/** What the training and system-metrics sections need, from one pass over the metrics. */
export function trainingSections(ctx: ReportContext): { training?: TrainingSection; system?: ChartData[] } {
  let scope: TrainingSection['scope'] = 'session'
  let runs = ctx.ledger.all<RunRow>(
    `SELECT ${RUN_COLUMNS} FROM training_runs WHERE session_id = ? ORDER BY started_at, id`,
    ctx.session.id,
  )
  if (runs.length === 0) {
    scope = 'recent'
    runs = ctx.ledger.all<RunRow>(
      `SELECT ${RUN_COLUMNS.split(', ')
        .map((c) => `r.${c}`)
        .join(', ')}
         FROM training_runs r LEFT JOIN sessions s ON s.id = r.session_id
        WHERE COALESCE(s.started_at, r.started_at) <= ?
        ORDER BY COALESCE(r.started_at, s.started_at) DESC, r.id DESC LIMIT ?`,
      ctx.cutoff,
      RECENT_RUNS,
    )
    runs.reverse()
  }
  if (runs.length === 0) return {}
  const ids = runs.map((r) => r.id)
  const marks = ids.map(() => '?').join(', ')
  const metrics = ctx.ledger.all<MetricRow>(
    `SELECT run_id, step, name, value, is_nan, ts FROM metrics WHERE run_id IN (${marks}) ORDER BY run_id, name, step, ts`,
    ...ids,
  )
  const checkpoints = ctx.ledger
    .all<Omit<CheckpointRow, 'kept'> & { kept: number }>(
      `SELECT run_id, step, path, sha256, metric, kept, status FROM checkpoints WHERE run_id IN (${marks})
        ORDER BY run_id, step`,
      ...ids,
    )
    .map((c) => ({ ...c, kept: c.kept === 1 }))

  const byRun = groupBy(metrics, (m) => m.run_id)
  const rows: TrainingRunRow[] = runs.map((run) => runRow(run, byRun.get(run.id) ?? []))
  const training: TrainingSection = { scope, runs: rows, checkpoints, charts: trainingCharts(runs, metrics) }
  const system = systemCharts(runs, metrics)
  return { training, ...(system.length ? { system } : {}) }
}

/** `val_loss`, `train.loss`, `loss` → `loss`: metrics that share a chart. */
export function metricFamily(name: string): string {
  return name.replace(/^(train|val|valid|eval|test)[._]/, '').replace(/[._](train|val|valid|eval|test)$/, '')
}

// --- internal ---

/** `LoRA r=4 α=8 c_attn,c_proj` from the run's adapter_json, or null for full training. */
export function adapterLabel(adapterJson: string | null): string | null {
  if (!adapterJson) return null
  try {
    const a = JSON.parse(adapterJson) as { r?: unknown; lora_alpha?: unknown; target_modules?: unknown }
    const targets = Array.isArray(a.target_modules) ? a.target_modules.join(',') : '?'
    return `LoRA r=${a.r} α=${a.lora_alpha} ${targets}`
  } catch {
    return 'LoRA (unreadable settings)'
  }
}

function runRow(run: RunRow, metrics: readonly MetricRow[]): TrainingRunRow {
  const last: Record<string, number | null> = {}
  const nan = new Set<string>()
  let steps: number | null = null
  for (const m of metrics) {
    if (m.name.startsWith('sys.')) continue
    last[m.name] = m.is_nan ? null : m.value // rows come ordered by step: the last one wins
    if (m.is_nan || m.value === null || !Number.isFinite(m.value)) nan.add(m.name)
    steps = steps === null ? m.step : Math.max(steps, m.step)
  }
  const { init_from, registry_name, adapter_json, ...rest } = run
  return {
    ...rest,
    steps,
    last,
    nan_metrics: [...nan].sort(),
    init: registry_name ? `registry:${registry_name}` : init_from,
    adapter: adapterLabel(adapter_json),
  }
}

function trainingCharts(runs: readonly RunRow[], metrics: readonly MetricRow[]): ChartData[] {
  const charts: ChartData[] = []
  const backends = [...new Set(runs.map((r) => r.backend ?? 'unknown'))]
  for (const backend of backends) {
    const chartRuns = runs.filter((r) => (r.backend ?? 'unknown') === backend).slice(-RUNS_PER_CHART)
    const runIds = new Set(chartRuns.map((r) => r.id))
    const own = metrics.filter((m) => runIds.has(m.run_id) && !m.name.startsWith('sys.'))
    const byRunAndName = groupBy(own, (m) => `${m.run_id}\u0000${m.name}`)
    const names = [...new Set(own.map((m) => m.name))].sort()
    const families = [...new Set(names.map(metricFamily))].sort(byFamilyOrder)
    for (const family of families) {
      const series = chartRuns.flatMap((run) =>
        names
          .filter((name) => metricFamily(name) === family && byRunAndName.has(`${run.id}\u0000${name}`))
          .map((name) => ({
            name: chartRuns.length > 1 ? `${short(run.id, 12)} ${name}` : name,
            points: thin((byRunAndName.get(`${run.id}\u0000${name}`) ?? []).map(point)),
          })),
      )
      if (series.length === 0) continue
      charts.push({
        id: `train-${backend}-${family}`,
        title: `${backend}: ${family} vs step`,
        x_label: 'step',
        y_label: family,
        series,
      })
    }
  }
  return charts
}

function systemCharts(runs: readonly RunRow[], metrics: readonly MetricRow[]): ChartData[] {
  const sys = metrics.filter((m) => m.name.startsWith('sys.'))
  const names = [...new Set(sys.map((m) => m.name))].sort()
  return names.map((name) => {
    const ofName = sys.filter((m) => m.name === name)
    // Samplers log on a clock: when a run's samples share one step, plot them against seconds.
    const byTime = runs.some((r) => {
      const own = ofName.filter((m) => m.run_id === r.id)
      return own.length > 1 && own.every((m) => m.step === own[0]?.step)
    })
    const series = runs
      .map((run) => {
        const own = ofName.filter((m) => m.run_id === run.id)
        const t0 = own.reduce((min, m) => Math.min(min, m.ts), Number.POSITIVE_INFINITY)
        const points = own.map(
          (m) => [byTime ? Math.round((m.ts - t0) / 100) / 10 : m.step, metricValue(m)] as [number, number | null],
        )
        return { name: runs.length > 1 ? short(run.id, 12) : name, points: thin(points.sort((a, b) => a[0] - b[0])) }
      })
      .filter((s) => s.points.length > 0)
    return { id: `sys-${name}`, title: name, x_label: byTime ? 'seconds' : 'step', y_label: name.slice(4), series }
  })
}

function point(m: MetricRow): [number, number | null] {
  return [m.step, metricValue(m)]
}

function metricValue(m: MetricRow): number | null {
  return m.is_nan || m.value === null || !Number.isFinite(m.value) ? null : m.value
}

/** Keeps at most MAX_POINTS points: every k-th, the last, and every gap (a NaN must stay visible). */
function thin(points: [number, number | null][]): [number, number | null][] {
  if (points.length <= MAX_POINTS) return points
  const k = Math.ceil(points.length / MAX_POINTS)
  return points.filter((p, i) => i % k === 0 || i === points.length - 1 || p[1] === null)
}

const FAMILY_ORDER = ['loss', 'perplexity', 'ppl']

function byFamilyOrder(a: string, b: string): number {
  const ia = FAMILY_ORDER.indexOf(a)
  const ib = FAMILY_ORDER.indexOf(b)
  if (ia !== ib) return (ia === -1 ? 99 : ia) - (ib === -1 ? 99 : ib)
  return a < b ? -1 : a > b ? 1 : 0
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>()
  for (const item of items) {
    const k = key(item)
    const list = out.get(k)
    if (list) list.push(item)
    else out.set(k, [item])
  }
  return out
}
