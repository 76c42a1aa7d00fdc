import { execFileSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type Database from 'better-sqlite3'
import type { OptionDefs, OptionValues } from '../../foundation/cli/define-command.ts'
import { requireOptional } from '../../foundation/optional/optional-import.ts'
import type { Ledger } from '../../ledger/ledger.ts'
import { openLedger } from '../../ledger/open-ledger.ts'
import type { LedgerRecord } from '../../ledger/records.ts'
import type { BenchResult } from './bench-report.ts'
import { defineBench } from './define-bench.ts'
import { measureReporterTiming, type ReporterTiming, reporterTotal } from './reporter-timing.ts'
import { median } from './stats.ts'

const OPTIONS = {
  rows: { type: 'integer', valueName: 'n', default: 100_000, description: 'test_results rows to insert' },
  tests: { type: 'integer', valueName: 'n', default: 2_000, description: 'tests in the generated suite' },
  repeats: { type: 'integer', valueName: 'n', default: 5, description: 'suite runs with and without the reporter' },
} as const satisfies OptionDefs

/**
 * `npm run bench -- ledger`: raw insert throughput of the writer, and the wall-time overhead of
 * the ledger reporter on a generated suite, with and without it, interleaved in one run.
 */
export const ledgerBench = defineBench({
  name: 'ledger',
  summary: "the writer's insert throughput and the ledger reporter's overhead on a generated suite",
  options: OPTIONS,
  measure: measureBench,
})

async function measureBench(values: OptionValues<typeof OPTIONS>): Promise<BenchResult> {
  const { rows: rowCount, tests: testCount, repeats } = values
  const work = mkdtempSync(join(tmpdir(), 'bench-ledger-'))
  try {
    const insert = measureInserts(work, rowCount, 3)
    const overhead = measureReporterOverhead(work, testCount, repeats)
    const ratio = overhead.withLedger / overhead.without
    // The reporter's own time from inside the run: what the wall-time difference cannot resolve.
    const timingRuns = Math.min(3, Math.max(1, repeats))
    const plain = measureReporterTiming(overhead.suite, work, timingRuns, false)
    const rendering = measureReporterTiming(overhead.suite, work, timingRuns, true)
    const share = reporterTotal(plain) / plain.runMs
    const renderMs = (rendering.hooks.onTestRunEnd ?? 0) - (plain.hooks.onTestRunEnd ?? 0)
    return {
      name: 'ledger',
      rows: [
        {
          measure: 'insert test_results, one transaction (best of 3)',
          rows: rowCount,
          seconds: insert.single,
          'rows/s': Math.round(rowCount / insert.single),
        },
        {
          measure: 'insert test_results, batches of 500 (best of 3)',
          rows: rowCount,
          seconds: insert.batched,
          'rows/s': Math.round(rowCount / insert.batched),
        },
        {
          measure: 'reference: raw better-sqlite3, one-row INSERT per row, batches of 500 (best of 3)',
          rows: rowCount,
          seconds: insert.raw,
          'rows/s': Math.round(rowCount / insert.raw),
        },
        {
          measure: `vitest run, ${testCount} tests, default reporter (median of ${repeats})`,
          seconds: overhead.without,
        },
        {
          measure: `vitest run, ${testCount} tests, + ledger reporter (median of ${repeats})`,
          seconds: overhead.withLedger,
        },
        {
          measure: `vitest run, ${testCount} tests, + ledger reporter from source (median of ${repeats})`,
          seconds: overhead.fromSource,
        },
        ...timingRows(plain, renderMs, timingRuns),
      ],
      targets: [
        {
          target: 'insert ≥ 200,000 rows/s (batched)',
          value: Math.round(rowCount / insert.batched),
          met: rowCount / insert.batched >= 200_000,
        },
        { target: 'reporter overhead ≤ 3% wall', value: `${((ratio - 1) * 100).toFixed(1)}%`, met: ratio <= 1.03 },
        {
          target: "reporter's own main-thread time ≤ 3% of the run (measured inside it, reports off)",
          value: `${(share * 100).toFixed(1)}%`,
          met: share <= 0.03,
        },
      ],
      extra: { samples: overhead.samples, reporter_timing: { plain, rendering } },
      notes: [
        'overhead runs rotate without / with / from-source in one invocation; medians taken to damp machine noise',
        `ledger writer vs raw better-sqlite3 row-by-row in the same run: ${(insert.raw / insert.batched).toFixed(2)}×`,
        `reporter loaded from source (through Vite) instead of prebuilt: ${((overhead.fromSource / overhead.without - 1) * 100).toFixed(1)}% overhead`,
        `inside the run (median of ${timingRuns}): the reporter's loads and hooks take ${Math.round(reporterTotal(plain))} ms of a ${Math.round(plain.runMs)} ms run (${(share * 100).toFixed(1)}%); rendering reports after the run adds ${Math.round(renderMs)} ms to onTestRunEnd (on the critical path: Vitest awaits it)`,
      ],
    }
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

function measureInserts(
  work: string,
  rowCount: number,
  rounds: number,
): { single: number; batched: number; raw: number } {
  const sessionId = randomUUID()
  const make = (i: number): LedgerRecord => ({
    rid: `r${i}`,
    table: 'test_results',
    row: {
      session_id: sessionId,
      project: 'unit',
      file: `specs/area-${i % 50}/thing.spec.ts`,
      name: `does thing ${i}`,
      state: i % 17 === 0 ? 'failed' : 'passed',
      duration_ms: (i % 97) / 3,
      retry_count: 0,
      flaky: 0,
      error:
        i % 17 === 0 ? `AssertionError: expected ${i} to be ${i + 1}\n  at specs/thing.spec.ts:${i % 300}:7` : null,
      skip_reason: null,
      test_id: `id-${i}`,
    },
  })
  const records = Array.from({ length: rowCount }, (_, i) => make(i))
  // Each measure into a new ledger file (what a run writes into), interleaved over `rounds` and
  // the best kept: the machine's speed drifts by tens of percent within minutes.
  let file = 0
  const timed = (fill: (ledger: Ledger) => void): number => {
    const ledger = openLedger(join(work, `insert-${file++}.db`))
    try {
      const t = performance.now()
      fill(ledger)
      return (performance.now() - t) / 1000
    } finally {
      ledger.close()
    }
  }
  const timedRaw = (fill: (db: Database.Database) => void): number => {
    const path = join(work, `insert-${file++}.db`)
    openLedger(path).close() // the same schema and WAL mode, then a plain connection with the same pragmas
    const db = new (requireOptional('better-sqlite3'))(path)
    try {
      db.pragma('synchronous = NORMAL')
      db.pragma('wal_autocheckpoint = 10000')
      const t = performance.now()
      fill(db)
      return (performance.now() - t) / 1000
    } finally {
      db.close()
    }
  }
  const columns = Object.keys(records[0]?.row ?? {})
  const rows = records.map((r) => columns.map((c) => r.row[c]))
  const best = { single: Infinity, batched: Infinity, raw: Infinity }
  for (let round = 0; round < rounds; round++) {
    best.single = Math.min(
      best.single,
      timed((ledger) => ledger.write(records)),
    )
    best.batched = Math.min(
      best.batched,
      timed((ledger) => {
        for (let i = 0; i < records.length; i += 500) ledger.write(records.slice(i, i + 500))
      }),
    )
    // The reference: better-sqlite3 itself, one prepared positional single-row INSERT per row,
    // same batches, same table, index and pragmas (no masking: the Ledger's own handle is private).
    best.raw = Math.min(
      best.raw,
      timedRaw((db) => {
        const insert = db.prepare(
          `INSERT INTO test_results (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
        )
        const batch = db.transaction((from: number) => {
          for (let i = from; i < Math.min(from + 500, rows.length); i++) insert.run(rows[i])
        })
        for (let i = 0; i < rows.length; i += 500) batch.immediate(i)
      }),
    )
  }
  return best
}

function measureReporterOverhead(work: string, testCount: number, repeats: number) {
  const suite = join(work, 'suite')
  mkdirSync(suite)
  const files = 20
  const perFile = Math.ceil(testCount / files)
  for (let f = 0; f < files; f++) {
    const tests = Array.from(
      { length: perFile },
      (_, i) => `test('case ${f}-${i}', () => { expect(${i} + 1).toBe(${i + 1}) })`,
    )
    writeFileSync(
      join(suite, `gen-${f}.bench-fixture.ts`),
      `import { expect, test } from 'vitest'\n${tests.join('\n')}\n`,
    )
  }
  // Three configs, loaded the way vitest.config.ts loads the reporter: none, the prebuilt bundle,
  // and the TypeScript source handed to Vitest by path (what the bundle replaces).
  const entry = JSON.stringify(resolve('src/adapters/reporter/ledger-reporter-entry.ts'))
  const include = "include: ['*.bench-fixture.ts']"
  // ESM like this repository (the configs use top-level await).
  writeFileSync(join(suite, 'package.json'), '{ "type": "module" }\n')
  writeFileSync(join(suite, 'without.config.ts'), `export default { test: { ${include}, reporters: ['default'] } }\n`)
  for (const [name, setting] of [
    ['bundle', ''],
    ['source', "process.env.CODEX_REPORTER = 'source'\n"],
  ]) {
    writeFileSync(
      join(suite, `${name}.config.ts`),
      `import { ledgerReporter } from ${entry}\n${setting}export default { test: { ${include}, reporters: ['default', await ledgerReporter()] } }\n`,
    )
  }
  symlinkModules(suite)
  const vitestBin = resolve('node_modules/.bin/vitest')
  const run = (config: OverheadVariant) => {
    const t = performance.now()
    execFileSync(vitestBin, ['run', '--root', suite, '--config', join(suite, `${config}.config.ts`)], {
      env: { ...process.env, CODEX_LEDGER: join(work, 'overhead.db'), CODEX_REPORTS: '0', CI: '1' },
      stdio: 'ignore',
    })
    return (performance.now() - t) / 1000
  }
  // Warm caches (vite transform cache, disk, the reporter bundle) before measuring.
  for (const variant of OVERHEAD_VARIANTS) run(variant)
  const samples: Record<OverheadVariant, number[]> = { without: [], bundle: [], source: [] }
  for (let i = 0; i < repeats; i++) for (const variant of OVERHEAD_VARIANTS) samples[variant].push(run(variant))
  return {
    suite,
    without: median(samples.without),
    withLedger: median(samples.bundle),
    fromSource: median(samples.source),
    samples,
  }
}

const OVERHEAD_VARIANTS = ['without', 'bundle', 'source'] as const
type OverheadVariant = (typeof OVERHEAD_VARIANTS)[number]

function symlinkModules(dir: string): void {
  execFileSync('ln', ['-s', resolve('node_modules'), join(dir, 'node_modules')])
}

/** Table rows for where the reporter's time goes (ms, medians). */
function timingRows(t: ReporterTiming, renderMs: number, runs: number): Record<string, string | number>[] {
  const ms = (x: number) => Math.round(x * 10) / 10
  return [
    { measure: `inside the run (median of ${runs}): better-sqlite3 native module load`, ms: ms(t.sqliteLoad) },
    { measure: 'inside the run: reporter bundle freshness check + import', ms: ms(t.bundleLoad) },
    ...Object.entries(t.hooks).map(([hook, v]) => ({ measure: `inside the run: ${hook}`, ms: ms(v) })),
    {
      measure: 'inside the run: report rendering after the run (onTestRunEnd with reports on − off)',
      ms: ms(renderMs),
    },
    { measure: 'inside the run: whole run (config load to exit)', ms: ms(t.runMs) },
  ]
}
