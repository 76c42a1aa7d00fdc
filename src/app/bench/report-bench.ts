import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { periodicSummary } from '../../domain/report/periodic-summary.ts'
import { questionText } from '../../domain/report/question-fingerprint.ts'
import { openReadonly, renderReport } from '../../domain/report/render-report.ts'
import { statusDocument } from '../../domain/report/status-document.ts'
import type { OptionDefs, OptionValues } from '../../foundation/cli/define-command.ts'
import type { Ledger } from '../../ledger/ledger.ts'
import { openLedger } from '../../ledger/open-ledger.ts'
import type { LedgerRecord, LedgerRow, LedgerTable } from '../../ledger/records.ts'
import type { BenchResult } from './bench-report.ts'
import { defineBench } from './define-bench.ts'

/** The target: rendering the dashboard over this much history takes under this long. */
const TARGET_MS = 2000

const OPTIONS = {
  sessions: { type: 'integer', valueName: 'n', default: 1000, description: 'sessions of generated history' },
  tests: { type: 'integer', valueName: 'n', default: 200, description: 'tests per session' },
  repeats: { type: 'integer', valueName: 'n', default: 5, description: 'timed renders (at least 1)' },
} as const satisfies OptionDefs

/**
 * `npm run bench -- report`: builds a ledger of N sessions (default 1,000) with tests, gates,
 * findings, coverage, questions, drift cells and training runs, then times rendering the latest
 * session's dashboard over all that history (median of --repeats), the status document, and the
 * periodic summary.
 */
export const reportBench = defineBench({
  name: 'report',
  summary: 'rendering the dashboard, status document and periodic summary over a large ledger',
  options: OPTIONS,
  measure: measureBench,
})

async function measureBench(values: OptionValues<typeof OPTIONS>): Promise<BenchResult> {
  const { sessions, tests } = values
  const repeats = Math.max(1, values.repeats)
  const work = mkdtempSync(join(tmpdir(), 'bench-report-'))
  try {
    const ledgerPath = join(work, 'session_logs.db')
    const ledger = openLedger(ledgerPath)
    const seedStart = performance.now()
    const rows = seedLedger(ledger, sessions, tests)
    const seedMs = performance.now() - seedStart
    ledger.close()

    const reportsDir = join(work, 'reports')
    const render = times(repeats, () => renderReport({ ledgerPath, reportsDir, keep: 3, envSecrets: [] }))
    const middle = times(repeats, () =>
      renderReport({ ledgerPath, reportsDir, keep: 3, envSecrets: [], session: sessionId(Math.ceil(sessions / 2)) }),
    )
    const html = statSync(join(reportsDir, 'latest', 'index.html')).size
    const readonly = openReadonly(ledgerPath)
    let status: number[]
    let periodic: number[]
    try {
      status = times(repeats, () => statusDocument(readonly, { root: process.cwd(), envSecrets: [] }))
      const end = Date.parse(startedAt(sessions)) + 3_600_000
      periodic = times(repeats, () => periodicSummary(readonly, 30 * 86_400_000, '30d', end, []))
    } finally {
      readonly.close()
    }
    const latestMs = median(render)
    const summary = JSON.parse(readFileSync(join(reportsDir, 'latest', 'summary.json'), 'utf8')) as { sections: object }
    return {
      name: 'report',
      rows: [
        { measure: `seed ledger: ${sessions} sessions × ${tests} tests`, rows, ms: Math.round(seedMs) },
        {
          measure: `render latest session over ${sessions} sessions (median of ${repeats})`,
          ms: round(latestMs),
          'html KiB': Math.round(html / 1024),
        },
        { measure: `render session ${Math.ceil(sessions / 2)} (half the history)`, ms: round(median(middle)) },
        { measure: 'status document (STATUS.md)', ms: round(median(status)) },
        { measure: 'periodic summary --since 30d', ms: round(median(periodic)) },
      ],
      targets: [
        {
          target: `render ${sessions} sessions' history < ${TARGET_MS} ms`,
          value: `${round(latestMs)} ms`,
          met: latestMs < TARGET_MS,
        },
      ],
      notes: [
        `sections rendered: ${Object.keys(summary.sections).join(', ')}`,
        'times include opening the ledger, every query, HTML/Markdown/JSON rendering and the atomic writes with history rotation',
      ],
      extra: {
        sessions,
        tests,
        repeats,
        render_ms: render,
        middle_ms: middle,
        status_ms: status,
        periodic_ms: periodic,
      },
    }
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

// --- internal ---

const GATES = [
  'typecheck',
  'lint',
  'secrets',
  'docs-links',
  'deps',
  'integrity',
  'placeholders',
  'licenses',
  'large-files',
]
const SCOPES = ['all', 'src/ledger/**', 'src/domain/gates/**', 'src/domain/checkpoint/**']

function sessionId(i: number): string {
  return `bench-${String(i).padStart(5, '0')}`
}

function startedAt(i: number): string {
  return new Date(Date.UTC(2025, 0, 1) + i * 3_600_000).toISOString()
}

/** Deterministic history: a failure every 7th session that passes again 3 sessions later, etc. */
export function seedLedger(ledger: Ledger, sessions: number, tests: number): number {
  let rows = 0
  let batch: LedgerRecord[] = []
  let rid = 0
  const add = (table: LedgerTable, row: LedgerRow) => {
    batch.push({ rid: `r${rid++}`, table, row })
    rows++
  }
  for (let i = 1; i <= sessions; i++) {
    const id = sessionId(i)
    const sha = `${(Math.floor(i / 5) % 4096).toString(16).padStart(8, '0')}`.repeat(5)
    const failing = i % 7 === 0 || i % 7 === 1 || i % 7 === 2 ? `test ${i - (i % 7)}` : null
    let failed = 0
    for (let t = 0; t < tests; t++) {
      const project = t < tests - 12 ? (t % 10 === 0 ? 'drift:without-onnxruntime-node' : 'unit') : 'gates'
      const name = `test ${t}`
      const fails = (failing !== null && name === `test ${(i - (i % 7)) % tests}`) || (t === 3 && i % 11 === 0)
      const skipped = project.startsWith('drift') && t % 20 === 0
      if (fails) failed++
      add('test_results', {
        session_id: id,
        project,
        file: `specs/area-${t % 17}/file-${t % 40}.spec.ts`,
        name,
        state: fails ? 'failed' : skipped ? 'skipped' : 'passed',
        duration_ms: 2 + ((t * 37 + i) % 90) + (t === 5 ? i / 10 : 0),
        retry_count: 0,
        flaky: 0,
        error: fails ? `AssertionError: expected ${i} to be ${t}\n  at specs/x.spec.ts:${t}:3` : null,
        skip_reason: skipped ? 'onnxruntime-node is not installed' : null,
        test_id: `${t}`,
      })
      if (fails) {
        const block = {
          ts: startedAt(i),
          session_id: id,
          step: `test "${name}"`,
          error: `AssertionError: expected ${i} to be ${t}`,
          context: `project ${project}, file specs/area-${t % 17}/file-${t % 40}.spec.ts`,
        }
        add('events', {
          session_id: id,
          ts: block.ts,
          role: 'assistant',
          level: 'error',
          message: questionText(block),
          data_json: JSON.stringify(block),
        })
      }
    }
    for (const gate of GATES) {
      const findings = gate === 'placeholders' ? 3 + (i % 4) : gate === 'secrets' && i % 13 === 0 ? 1 : 0
      const status =
        gate === 'licenses'
          ? 'skipped'
          : i % 9 === 0 && gate === 'typecheck'
            ? 'cached'
            : findings && gate === 'secrets'
              ? 'failed'
              : 'passed'
      add('gate_runs', {
        session_id: id,
        gate,
        status,
        duration_ms: 40 + (i % 30),
        findings_count: findings,
        reason: gate === 'licenses' ? 'no dependency changed' : null,
        cached_from: status === 'cached' ? sessionId(i - 1) : null,
      })
      for (let f = 0; f < findings; f++) {
        add('findings', {
          session_id: id,
          gate,
          severity: gate === 'secrets' ? 'error' : 'warn',
          rule: gate === 'secrets' ? 'github-token' : 'todo',
          file: `src/area-${f}/file.ts`,
          line: 10 + f,
          message: `${gate} finding ${f}`,
          remediation: 'see the gate docs',
          fingerprint: `${gate}:${f}`,
        })
      }
    }
    for (const [k, scope] of SCOPES.entries()) {
      const lines = 70 + k * 5 + (i % 50) / 10
      add('coverage', {
        session_id: id,
        scope,
        lines_pct: lines,
        branches_pct: lines - 6,
        functions_pct: lines - 3,
        statements_pct: lines - 1,
      })
    }
    if (i % 50 === 0) {
      for (const backend of ['ts', 'ort-cpu']) {
        const run = `${id}-${backend}`
        add('training_runs', {
          id: run,
          session_id: id,
          backend,
          device: 'cpu',
          seed: i,
          status: 'completed',
          config_json: '{}',
        })
        for (let step = 1; step <= 200; step++) {
          const loss = 5.5 * Math.exp(-step / 60) + 0.3
          add('metrics', { run_id: run, step, name: 'loss', value: loss, is_nan: 0, ts: step * 1000 })
          if (step % 10 === 0)
            add('metrics', { run_id: run, step, name: 'val_loss', value: loss + 0.1, is_nan: 0, ts: step * 1000 })
          if (step % 10 === 0)
            add('metrics', {
              run_id: run,
              step,
              name: 'perplexity',
              value: Math.exp(loss + 0.1),
              is_nan: 0,
              ts: step * 1000,
            })
          if (step % 5 === 0)
            add('metrics', { run_id: run, step, name: 'sys.rss_mb', value: 300 + step / 4, is_nan: 0, ts: step * 1000 })
        }
        add('checkpoints', {
          run_id: run,
          step: 200,
          path: `runs/${run}/step-200`,
          sha256: 'f'.repeat(64),
          metric: 0.9,
          kept: 1,
          status: 'committed',
        })
      }
    }
    add('sessions', {
      id,
      kind: 'vitest',
      command: 'vitest run',
      status: failed ? 'failed' : 'passed',
      started_at: startedAt(i),
      ended_at: startedAt(i),
      duration_ms: 60_000 + (i % 100) * 100,
      git_sha: sha,
      git_branch: 'main',
      git_dirty: 0,
      host: 'bench',
      node_version: process.version,
      os: process.platform,
    })
    if (batch.length > 20_000) {
      ledger.write(batch)
      batch = []
    }
  }
  ledger.write(batch)
  return rows
}

function times(n: number, fn: () => unknown): number[] {
  const out: number[] = []
  for (let k = 0; k < n; k++) {
    const start = performance.now()
    fn()
    out.push(round(performance.now() - start))
  }
  return out
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10
}
