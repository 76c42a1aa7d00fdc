import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, readdirSync, rmdirSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, describe, expect, test } from 'vitest'
import { ledgerCli } from '../../../src/app/ledger/ledger-command.ts'
import { processAlive } from '../../../src/foundation/process/process-alive.ts'
import { fallbackPaths, lastResortFallbackPath } from '../../../src/ledger/ledger-path.ts'
import { openLedger } from '../../../src/ledger/open-ledger.ts'
import { LEDGER_TABLES } from '../../../src/ledger/records.ts'
import { BREAKAGES, seedLedger, WITHOUT_ROOT_OVERRIDE } from '../../support/broken-ledgers.ts'
import { childEnv, REPO_ROOT, tempDir } from '../../support/temp-dir.ts'
import { textIo } from '../../support/text-io.ts'

// "A broken ledger never fails a run: it degrades loudly (one warning) and recovers exactly once."
// Each fault below is put in place, a real Vitest run of the reporter fixture suite is made, the
// fault is removed the way its message says, and one `npm run ledger -- import` must bring back
// exactly what a clean run records; a second import must add nothing.

const dir = tempDir('fault-injection-')
const TSX = join(REPO_ROOT, 'node_modules', '.bin', 'tsx')
const SUITE = join(REPO_ROOT, 'specs', 'fixtures', 'reporter', 'suite')
const RUNNER = join(REPO_ROOT, 'specs', 'adapters', 'reporter', 'run-fixture-vitest.ts')
const ENOSPC_PRELOAD = pathToFileURL(join(REPO_ROOT, 'specs', 'support', 'enospc-preload.mjs')).href
const SEED = 'seed' // the session id of rows a broken ledger held before the run (see seedLedger)

interface Run {
  code: number | null
  output: string
}

/** A child process, as the user would start it (`prefix`: without root's override of file modes). */
function child(args: string[], ledgerPath: string, env: Record<string, string> = {}, prefix: string[] = []): Run {
  const [command, ...rest] = [...prefix, TSX, ...args]
  const result = spawnSync(command as string, rest, {
    env: childEnv(ledgerPath, env),
    encoding: 'utf8',
    timeout: 90_000,
    cwd: dir,
  })
  return { code: result.status, output: `${result.stdout}${result.stderr}` }
}

const runSuite = (ledgerPath: string, env?: Record<string, string>, prefix?: string[]) =>
  child([RUNNER, SUITE], ledgerPath, env, prefix)
const importAll = (ledgerPath: string, prefix?: string[]) =>
  child([join(REPO_ROOT, 'scripts', 'ledger.ts'), 'import'], ledgerPath, {}, prefix)

/**
 * What a run recorded, comparable across runs: every row of every table but the seeded ones,
 * without what differs from run to run (ids, times, durations, pid, environment), sorted.
 */
function contents(ledgerPath: string): Record<string, string[]> {
  const ledger = openLedger(ledgerPath, { readonly: true })
  try {
    const out: Record<string, string[]> = {}
    for (const table of LEDGER_TABLES) {
      const rows = ledger.all<Record<string, unknown>>(`SELECT * FROM ${table}`)
      const kept = rows.filter((r) => r.session_id !== SEED && r.id !== SEED).map(normalise)
      if (kept.length > 0) out[table] = kept.sort()
    }
    return out
  } finally {
    ledger.close()
  }
}

const VOLATILE = new Set(['id', 'rid', 'session_id', 'ts', 'started_at', 'ended_at', 'duration_ms', 'pid', 'env_json'])
function normalise(row: Record<string, unknown>): string {
  const kept = Object.entries(row).filter(([k]) => !VOLATILE.has(k))
  return JSON.stringify(kept)
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<time>')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>')
}

function warnings(run: Run): string[] {
  return run.output.split('\n').filter((l) => l.startsWith('codex-gates:'))
}

/** The fix the ledger's message gives for a file that is not (or no longer) a SQLite database. */
function moveAside(path: string): void {
  const d = dirname(path)
  execFileSync('sh', ['-c', `mkdir -p ${d}/broken && mv ${path}* ${d}/broken/`])
}

let clean: { code: number | null; rows: Record<string, string[]> }

/** The reference: the fixture suite run into a healthy ledger. */
function cleanRun() {
  if (!clean) {
    const ledgerPath = join(dir, 'clean', 'ledger.db')
    const run = runSuite(ledgerPath)
    expect(warnings(run)).toEqual([])
    clean = { code: run.code, rows: contents(ledgerPath) }
    expect(clean.code).toBe(1) // the suite's own failing test
    expect(clean.rows.test_results).toHaveLength(8)
  }
  return clean
}

/**
 * The run under `fault` finishes like a clean one with one warning naming the import; after
 * `fix`, one import restores exactly the clean run's rows, and a second adds nothing.
 */
async function expectRecovers(
  ledgerPath: string,
  options: { env?: Record<string, string>; prefix?: string[]; fix: () => void | Promise<void>; reason: RegExp },
): Promise<void> {
  const reference = cleanRun()
  const run = runSuite(ledgerPath, options.env, options.prefix)
  expect(run.code, run.output).toBe(reference.code)
  const said = warnings(run)
  expect(said, run.output).toHaveLength(1)
  expect(said[0]).toMatch(/^codex-gates: ledger unavailable \(/)
  expect(said[0]).toMatch(options.reason)
  expect(said[0]).toMatch(/ — run `npm run ledger -- import( \S+)?` once it is fixed$/)

  await options.fix()
  const first = importAll(ledgerPath, options.prefix)
  expect(first.code, first.output).toBe(0)
  expect(first.output).toMatch(/^imported [1-9]\d* of \d+ records from /m)
  expect(contents(ledgerPath)).toEqual(reference.rows)

  const previous = process.env.CODEX_LEDGER
  process.env.CODEX_LEDGER = ledgerPath
  let again = ''
  try {
    expect(
      await ledgerCli(
        ['import'],
        textIo(
          (t) => (again += t),
          () => {},
        ),
      ),
    ).toBe(0)
  } finally {
    process.env.CODEX_LEDGER = previous
  }
  for (const line of again.trimEnd().split('\n'))
    expect(line).toMatch(/^imported 0 of (\d+) records from \S+ \(\1 already present\)/)
  expect(contents(ledgerPath)).toEqual(reference.rows)
}

/** Where the test can mount a tiny tmpfs (root with CAP_SYS_ADMIN), the folder it mounted; else undefined. */
function mountTinyTmpfs(at: string): boolean {
  mkdirSync(at, { recursive: true })
  if (process.getuid?.() !== 0) return false
  return spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', at]).status === 0
}

const lastResorts: string[] = []
afterAll(() => {
  for (const file of lastResorts) rmSync(file, { force: true })
})

describe('a broken ledger never fails a run: it degrades loudly and recovers exactly once', () => {
  test('a directory where the ledger should be', async () => {
    const ledgerPath = join(dir, 'directory', 'ledger.db')
    BREAKAGES.directory(ledgerPath)
    await expectRecovers(ledgerPath, { fix: () => rmdirSync(ledgerPath), reason: /is a directory, not a file/ })
  }, 120_000)

  test('garbage (not a SQLite database)', async () => {
    const ledgerPath = join(dir, 'garbage', 'ledger.db')
    mkdirSync(dirname(ledgerPath))
    BREAKAGES.garbage(ledgerPath)
    await expectRecovers(ledgerPath, { fix: () => moveAside(ledgerPath), reason: /is not a SQLite database/ })
  }, 120_000)

  test('truncated (a real ledger cut to a third)', async () => {
    const ledgerPath = join(dir, 'truncated', 'ledger.db')
    mkdirSync(dirname(ledgerPath))
    BREAKAGES.truncated(ledgerPath)
    await expectRecovers(ledgerPath, { fix: () => moveAside(ledgerPath), reason: /damaged, truncated or overwritten/ })
  }, 120_000)

  test.skipIf(WITHOUT_ROOT_OVERRIDE === undefined)(
    'read-only (0444; the run as an ordinary user, who then runs chmod u+w)',
    async () => {
      const ledgerPath = join(dir, 'read-only', 'ledger.db')
      mkdirSync(dirname(ledgerPath))
      BREAKAGES['read-only'](ledgerPath)
      await expectRecovers(ledgerPath, {
        prefix: WITHOUT_ROOT_OVERRIDE,
        fix: () => chmodSync(ledgerPath, 0o644),
        reason: /is read-only; fix: make it writable \(chmod u\+w /,
      })
      // What it held before is still there.
      const ledger = openLedger(ledgerPath, { readonly: true })
      expect(ledger.get('SELECT COUNT(*) AS n FROM test_results WHERE session_id = ?', SEED)).toEqual({ n: 10 })
      ledger.close()
    },
    120_000,
  )

  test('locked for 30 s by another process: the run waits only CODEX_LEDGER_BUSY_MS, then the fallback', async () => {
    const ledgerPath = join(dir, 'locked', 'ledger.db')
    seedLedger(ledgerPath, 0)
    // Another process holds the write lock for 30 s (a long import, a sqlite3 shell left open).
    const holder: ChildProcess = spawn(
      process.execPath,
      [
        '-e',
        `const db = new (require(${JSON.stringify(join(REPO_ROOT, 'node_modules', 'better-sqlite3'))}))(${JSON.stringify(ledgerPath)});
         db.exec('BEGIN EXCLUSIVE'); console.log('locked'); setTimeout(() => db.exec('ROLLBACK'), 30000)`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    )
    const gone = new Promise((resolve) => holder.once('exit', resolve))
    try {
      await new Promise((resolve) => holder.stdout?.once('data', resolve))
      const started = Date.now()
      let lockedImport: Run | undefined
      await expectRecovers(ledgerPath, {
        env: { CODEX_LEDGER_BUSY_MS: '250' },
        fix: async () => {
          // The run is over while the lock is still held: it never waited for it.
          expect(Date.now() - started).toBeLessThan(30_000)
          expect(processAlive(holder.pid as number)).toBe(true)
          lockedImport = child([join(REPO_ROOT, 'scripts', 'ledger.ts'), 'import'], ledgerPath, {
            CODEX_LEDGER_BUSY_MS: '250',
          })
          holder.kill('SIGKILL')
          await gone
        },
        reason: /cannot write ledger .*is locked by another process \(database is locked\); fix: retry/,
      })
      // An import while it is still locked is exit 2 saying so, not a bug.
      expect(lockedImport?.code).toBe(2)
      expect(lockedImport?.output).toContain(`error: ledger ${ledgerPath} is locked by another process`)
    } finally {
      holder.kill('SIGKILL')
    }
  }, 120_000)

  const tmpfs = join(dir, 'tmpfs')
  const mounted = mountTinyTmpfs(tmpfs)
  afterAll(() => {
    if (mounted) spawnSync('umount', [tmpfs])
  })

  test.skipIf(!mounted)(
    'disk full (a 64 KiB tmpfs, filled): records go to the last resort, which a plain import finds',
    async () => {
      const ledgerPath = join(tmpfs, 'ledger.db')
      lastResorts.push(lastResortFallbackPath(ledgerPath))
      try {
        writeFileSync(join(tmpfs, 'filler'), Buffer.alloc(256 * 1024, 1))
      } catch {
        // ENOSPC: full, as intended
      }
      await expectRecovers(ledgerPath, {
        // Space is freed; 64 KiB cannot hold even an empty ledger, so the disk also grows.
        fix: () => {
          rmSync(join(tmpfs, 'filler'))
          expect(spawnSync('mount', ['-o', 'remount,size=16m', tmpfs]).status).toBe(0)
        },
        reason: /no space left|disk is full/i,
      })
      expect(existsSync(lastResortFallbackPath(ledgerPath))).toBe(true)
      expect(readdirSync(tmpfs).filter((n) => n.includes('.tmp-'))).toEqual([]) // no half-built ledger left
    },
    120_000,
  )

  test('disk full (every write Node makes there fails with ENOSPC, for machines without tmpfs)', async () => {
    const full = join(dir, 'enospc')
    mkdirSync(full)
    const ledgerPath = join(full, 'codex', 'ledger.db')
    lastResorts.push(lastResortFallbackPath(ledgerPath))
    await expectRecovers(ledgerPath, {
      env: { CODEX_SPEC_ENOSPC_DIR: full, NODE_OPTIONS: `--import=${ENOSPC_PRELOAD}` },
      fix: () => {},
      reason: /ENOSPC: no space left on device/,
    })
    expect(fallbackPaths(ledgerPath).filter((f) => existsSync(f))).toEqual([lastResortFallbackPath(ledgerPath)])
  }, 120_000)
})
