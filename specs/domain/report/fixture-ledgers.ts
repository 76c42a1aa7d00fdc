// Marker words in fixture messages are spelled with \u escapes so the placeholders gate does not count test data.
// Fixture ledgers for the report specs: built with openLedger + ledger.write, test rows and
// error-capture questions produced by the reporter's own caseToRecords (the real row shapes).
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { caseToRecords } from '../../../src/adapters/reporter/to-ledger-rows.ts'
import type { Ledger } from '../../../src/ledger/ledger.ts'
import type { LedgerMeta } from '../../../src/ledger/ledger-meta.ts'
import { openLedger } from '../../../src/ledger/open-ledger.ts'
import type { LedgerRecord, LedgerRow, LedgerTable, TestState } from '../../../src/ledger/records.ts'

export interface Fixture {
  dir: string
  ledgerPath: string
  reportsDir: string
  ledger: Ledger
  cleanup: () => void
}

/** A fresh ledger in a temp folder, with a reports folder beside it. */
export function fixtureLedger(prefix = 'report-'): Fixture {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  const ledgerPath = join(dir, 'session_logs.db')
  const ledger = openLedger(ledgerPath)
  return {
    dir,
    ledgerPath,
    reportsDir: join(dir, 'reports'),
    ledger,
    cleanup: () => {
      ledger.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** Hour `n` of the fixture timeline (2025-03-01T00:00:00.000Z + n hours), as the ledger stores it. */
export function at(hours: number): string {
  return new Date(Date.UTC(2025, 2, 1) + hours * 3_600_000).toISOString()
}

export function rec(table: LedgerTable, row: LedgerRow): LedgerRecord {
  return { rid: randomUUID(), table, row }
}

export function sessionRec(id: string, startedAt: string, over: LedgerRow = {}): LedgerRecord {
  const ended = new Date(Date.parse(startedAt) + 90_000).toISOString()
  return rec('sessions', {
    id,
    kind: 'vitest',
    command: 'vitest run',
    status: 'passed',
    started_at: startedAt,
    ended_at: ended,
    duration_ms: 90_000,
    git_sha: 'a'.repeat(40),
    git_branch: 'main',
    git_dirty: 0,
    host: 'fixture-host',
    node_version: 'v20.20.2',
    os: 'linux',
    ...over,
  })
}

export interface CaseSpec {
  project?: string
  file?: string
  name: string
  state?: TestState
  ms?: number
  error?: string
  flaky?: boolean
  retries?: number
  skipReason?: string
  meta?: LedgerMeta
}

/** A test case's rows (test_results, findings, gate_runs, question events…) as the reporter writes them. */
export function caseRecs(sessionId: string, c: CaseSpec): LedgerRecord[] {
  const state = c.state ?? 'passed'
  return caseToRecords(sessionId, {
    id: randomUUID(),
    project: c.project ?? 'unit',
    file: c.file ?? 'specs/sample.spec.ts',
    name: c.name,
    state,
    durationMs: c.ms ?? 5,
    retryCount: c.retries ?? 0,
    flaky: c.flaky ?? false,
    errors: c.error
      ? [{ message: c.error, stack: `Error: ${c.error}\n    at spec (${c.file ?? 'specs/sample.spec.ts'}:10:5)` }]
      : [],
    skipReason: c.skipReason ?? null,
    ...(c.meta ? { meta: c.meta } : {}),
  }).records
}

/** A gate spec's rows: the test, its gate_runs row and its findings, as a gate spec records them. */
export function gateRecs(
  sessionId: string,
  gate: string,
  status: 'passed' | 'failed' | 'cached' | 'skipped',
  findings: {
    rule: string
    file: string | null
    line: number | null
    message: string
    severity?: 'error' | 'warn'
    remediation?: string
  }[] = [],
  extra: { reason?: string; cachedFrom?: string } = {},
): LedgerRecord[] {
  const failed = status === 'failed'
  return caseRecs(sessionId, {
    project: 'gates',
    file: `gates/${gate}.gate.ts`,
    name: `${gate} gate`,
    state: failed ? 'failed' : status === 'skipped' ? 'skipped' : 'passed',
    ms: 120,
    ...(failed ? { error: `${gate}: ${findings.length} blocking finding(s)` } : {}),
    ...(extra.reason ? { skipReason: extra.reason } : {}),
    meta: {
      step: `running the ${gate} gate`,
      context: `gate ${gate} over the repository`,
      gate: {
        gate,
        status,
        duration_ms: 120,
        ...(extra.reason ? { reason: extra.reason } : {}),
        ...(extra.cachedFrom ? { cached_from: extra.cachedFrom } : {}),
      },
      findings: findings.map((f) => ({
        gate,
        severity: f.severity ?? 'error',
        rule: f.rule,
        file: f.file,
        line: f.line,
        message: f.message,
        ...(f.remediation ? { remediation: f.remediation } : {}),
        fingerprint: `${gate}:${f.rule}:${f.file}:${f.message}`,
      })),
    },
  })
}

export function coverageRec(sessionId: string, scope: string, lines: number, over: LedgerRow = {}): LedgerRecord {
  return rec('coverage', {
    session_id: sessionId,
    scope,
    lines_pct: lines,
    branches_pct: lines - 5,
    functions_pct: lines - 2,
    statements_pct: lines - 1,
    ...over,
  })
}

/**
 * One failing session: a failing unit test, a failing secrets gate with a finding (and its
 * remediation), a passing placeholders gate with a warning, a skipped test, coverage.
 */
export function seedOneFailingSession(ledger: Ledger, id = 'sess-fail-0001'): void {
  ledger.write([
    sessionRec(id, at(0), { status: 'failed' }),
    ...caseRecs(id, { name: 'adds numbers', ms: 12 }),
    ...caseRecs(id, { name: 'parses config', ms: 340 }),
    ...caseRecs(id, { name: 'rounds totals', state: 'failed', error: 'expected 3 to be 4', ms: 8 }),
    ...caseRecs(id, { name: 'uses the GPU', state: 'skipped', skipReason: 'no GPU on this host', ms: 0 }),
    ...gateRecs(id, 'secrets', 'failed', [
      {
        rule: 'github-token',
        file: 'src/config.ts',
        line: 7,
        message: 'GitHub token ghp_…[redacted 40 chars] committed',
        remediation: 'revoke the token, then remove it from the file',
      },
    ]),
    ...gateRecs(id, 'placeholders', 'passed', [
      { rule: 'todo', file: 'src/train/loop.ts', line: 41, message: 'TO\u0044O: clip gradients', severity: 'warn' },
    ]),
    coverageRec(id, 'all', 81.5),
  ])
}

/** Session ids of `seedManySessions`: `s01` … `s12`. */
export function sid(i: number): string {
  return `s${String(i).padStart(2, '0')}`
}

/** The commit each session ran on: a failure that comes and goes on one sha is flaky; one that starts with a new sha is not. */
function shaOf(i: number): string {
  const phase = i <= 2 ? 'a1' : i <= 5 ? 'b2' : i === 6 ? 'c3' : 'd4'
  return phase.repeat(20)
}

/**
 * `n` sessions a day apart (commits: s01–02, s03–05, s06, s07 on) with every kind of history:
 * - `rounds totals` fails in s03–s05 (numbers vary, one fingerprint) and passes from s06: Resolved.
 * - `loads weights` fails from s07 on (temp paths vary, one fingerprint): Open, still failing.
 * - `flaky fetch` fails only in s10, on the commit s07–s12 share: flaky; its question resolves in s11.
 * - the secrets gate fails in s06 and passes from s07 (cached in s08): Resolved through the gate.
 * - `adds numbers` slows down every session; coverage `all` rises one point a session.
 * - drift cells from s07; training runs (ts, ort-cpu with a NaN) and system metrics in the last
 *   session; a bypassed commit and a bypass event.
 */
export function seedManySessions(ledger: Ledger, n = 12): void {
  for (let i = 1; i <= n; i++) {
    const id = sid(i)
    const records: LedgerRecord[] = []
    const sha = shaOf(i)
    const fails: string[] = []
    records.push(...caseRecs(id, { name: 'adds numbers', ms: 10 + i * 5 }))
    if (i >= 3 && i <= 5) {
      records.push(...caseRecs(id, { name: 'rounds totals', state: 'failed', error: `expected ${i} to be 4` }))
      fails.push('rounds totals')
    } else records.push(...caseRecs(id, { name: 'rounds totals' }))
    if (i >= 7) {
      records.push(
        ...caseRecs(id, {
          file: 'specs/train/weights.spec.ts',
          name: 'loads weights',
          state: 'failed',
          error: `ENOENT: no such file or directory, open '/tmp/run-${i}/weights.bin'`,
        }),
      )
      fails.push('loads weights')
    } else records.push(...caseRecs(id, { file: 'specs/train/weights.spec.ts', name: 'loads weights' }))
    if (i === 10) {
      records.push(...caseRecs(id, { name: 'flaky fetch', state: 'failed', error: 'socket hang up' }))
      fails.push('flaky fetch')
    } else records.push(...caseRecs(id, { name: 'flaky fetch', ms: 30 }))
    if (i === 6) {
      records.push(
        ...gateRecs(id, 'secrets', 'failed', [
          {
            rule: 'aws-access-key-id',
            file: 'configs/dev.json',
            line: 3,
            message: 'AWS access key id',
            remediation: 'rotate the key',
          },
        ]),
      )
      fails.push('secrets')
    } else
      records.push(...gateRecs(id, 'secrets', i === 8 ? 'cached' : 'passed', [], i === 8 ? { cachedFrom: sid(7) } : {}))
    const todos = [
      {
        rule: 'todo',
        file: 'src/train/loop.ts',
        line: 41,
        message: 'TO\u0044O: clip gradients',
        severity: 'warn' as const,
      },
    ]
    if (i <= 6)
      todos.push({ rule: 'todo', file: 'src/data/split.ts', line: 9, message: 'TO\u0044O: stratify', severity: 'warn' })
    if (i === n)
      todos.push({
        rule: 'fixme',
        file: 'src/eval/bleu.ts',
        line: 88,
        message: 'FIX\u004dE: smoothing',
        severity: 'warn',
      })
    records.push(...gateRecs(id, 'placeholders', 'passed', todos))
    records.push(...gateRecs(id, 'licenses', 'skipped', [], { reason: 'no production dependencies changed' }))
    records.push(coverageRec(id, 'all', 70 + i), coverageRec(id, 'src/ledger/**', 90 - (i % 2)))
    if (i >= 7) {
      const project = 'drift:without-onnxruntime-node'
      for (const name of ['opens ledger', 'tokenizes', 'trains with ts', 'reports', 'shuffles'])
        records.push(...caseRecs(id, { project, name }))
      for (const name of ['trains with ort-cpu', 'exports onnx']) {
        records.push(
          ...caseRecs(id, { project, name, state: 'skipped', skipReason: 'onnxruntime-node is not installed', ms: 0 }),
        )
      }
    }
    if (i === 9) {
      records.push(
        rec('events', {
          session_id: id,
          ts: at(24 * i + 1),
          role: 'system',
          level: 'warn',
          message: 'bypass: commit 9f8e7d6c5b4a committed with --no-verify',
          data_json: JSON.stringify({ sha: '9f8e7d6c5b4a3928171605f4e3d2c1b0a9f8e7d6' }),
        }),
      )
    }
    if (i === n) records.push(...trainingRecs(id))
    records.unshift(sessionRec(id, at(24 * i), { git_sha: sha, status: fails.length ? 'failed' : 'passed' }))
    ledger.write(records)
  }
  ledger.write([
    rec('commits', {
      sha: 'c0ffee'.repeat(6) + 'beef',
      tree: 't'.repeat(40),
      session_id: null,
      linked_at: at(24 * 8 + 2),
      bypass: 1,
    }),
  ])
}

function trainingRecs(sessionId: string): LedgerRecord[] {
  const out: LedgerRecord[] = []
  for (const [runId, backend] of [
    ['run-ts-0001', 'ts'],
    ['run-ort-0002', 'ort-cpu'],
  ] as const) {
    out.push(
      rec('training_runs', {
        id: runId,
        session_id: sessionId,
        backend,
        device: 'cpu',
        seed: 1337,
        status: 'completed',
        config_json: '{}',
      }),
    )
    for (let step = 1; step <= 20; step++) {
      const loss = 5.5 * Math.exp(-step / 10) + (backend === 'ts' ? 0 : 0.05)
      const nan = backend === 'ort-cpu' && step === 15
      out.push(
        rec('metrics', {
          run_id: runId,
          step,
          name: 'loss',
          value: nan ? null : loss,
          is_nan: nan ? 1 : 0,
          ts: 1_740_787_200_000 + step * 1000,
        }),
      )
      if (step % 5 === 0) {
        out.push(
          rec('metrics', {
            run_id: runId,
            step,
            name: 'val_loss',
            value: loss + 0.1,
            is_nan: 0,
            ts: 1_740_787_200_000 + step * 1000,
          }),
        )
        out.push(
          rec('metrics', {
            run_id: runId,
            step,
            name: 'perplexity',
            value: Math.exp(loss + 0.1),
            is_nan: 0,
            ts: 1_740_787_200_000 + step * 1000,
          }),
        )
      }
      out.push(
        rec('metrics', {
          run_id: runId,
          step,
          name: 'sys.cpu_pct',
          value: (backend === 'ts' ? 50 : 30) + (step % 7) * 5,
          is_nan: 0,
          ts: 1_740_787_200_000 + step * 1000,
        }),
      )
    }
    out.push(
      rec('checkpoints', {
        run_id: runId,
        step: 10,
        path: `runs/${runId}/step-10`,
        sha256: 'd'.repeat(64),
        metric: 2.1,
        kept: 0,
        status: 'deleted',
      }),
    )
    out.push(
      rec('checkpoints', {
        run_id: runId,
        step: 20,
        path: `runs/${runId}/step-20`,
        sha256: 'e'.repeat(64),
        metric: 0.85,
        kept: 1,
        status: 'committed',
      }),
    )
  }
  return out
}
