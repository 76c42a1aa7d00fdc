// What the code does when an optional dependency is absent. These run in the dependency's drift
// cell, whose environment hides it from every process started here (CLIs, fixture runs) too.
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { onlyWithout } from '../../../src/adapters/vitest/skip-without.ts'
import { loadDriftConfig } from '../../../src/domain/drift/drift-config.ts'
import { resolveExecutor } from '../../../src/domain/train/executor.ts'
import { isUserError } from '../../../src/foundation/errors/user-error.ts'
import { declaredPin, installCommand } from '../../../src/foundation/optional/optional-dependencies.ts'
import { parseRecords } from '../../../src/ledger/import-ndjson.ts'
import { runFixture } from '../../support/run-fixture.ts'
import { childEnv, REPO_ROOT, tempDir } from '../../support/temp-dir.ts'

const TSX = join(REPO_ROOT, 'node_modules', '.bin', 'tsx')
const CELLS = loadDriftConfig(REPO_ROOT)

/** Runs `scripts/<name>.ts args…`; returns exit code and stderr. */
function runScript(name: string, args: string[], ledgerPath: string): { code: number; stderr: string } {
  try {
    execFileSync(TSX, [join(REPO_ROOT, 'scripts', `${name}.ts`), ...args], {
      env: childEnv(ledgerPath, { CODEX_REPORTS_DIR: join(ledgerPath, '..', 'reports') }),
      encoding: 'utf8',
      stdio: 'pipe',
      timeout: 60_000,
    })
    return { code: 0, stderr: '' }
  } catch (error) {
    const e = error as { status: number; stderr: string }
    return { code: e.status, stderr: e.stderr }
  }
}

describe.each(CELLS.filter((c) => c.cli.length > 0))('without $without', ({ without, cli }) => {
  test.for(cli.map((c) => c.join(' ')))('npm run %s prints the fix and exits 2, without a stack', (command, ctx) => {
    onlyWithout(ctx, without)
    const tmp = tempDir('drift-cli-')
    const ledgerPath = join(tmp, 'ledger.db')
    writeFileSync(ledgerPath, 'a ledger file exists, so commands get as far as opening it')
    const [name, ...args] = command.replaceAll('{tmp}', tmp).split(' ') as [string, ...string[]]
    const run = runScript(name, args, ledgerPath)
    expect(run.code, run.stderr).toBe(2)
    expect(run.stderr).toContain(`${without}@${declaredPin(without).version}`)
    expect(run.stderr).not.toMatch(/^\s+at /m)
  })
})

describe('without onnxruntime-node', () => {
  test('training still resolves the ts backend; the ort-* backends are user errors naming the package', async (ctx) => {
    onlyWithout(ctx, 'onnxruntime-node')
    expect((await resolveExecutor('ts')).name).toBe('ts')
    for (const backend of ['ort-cpu', 'ort-webgpu']) {
      const error = await resolveExecutor(backend).catch((e: unknown) => e)
      expect(isUserError(error) && error.exitCode, backend).toBe(2)
      expect(String((error as Error).message), backend).toContain('onnxruntime-node')
    }
  })
})

describe('without better-sqlite3', () => {
  test('a Vitest run still completes and records everything to the NDJSON fallback, with the fix in its one warning', (ctx) => {
    onlyWithout(ctx, 'better-sqlite3')
    const dir = tempDir('drift-fallback-')
    const run = runFixture(join(dir, 'ledger.db'))
    expect(run.code).toBe(1) // the fixture's own failing test
    const warnings = run.output.split('\n').filter((l) => l.startsWith('codex-gates: ledger unavailable'))
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain(`Fix: ${installCommand('better-sqlite3')}`)
    const fallback = join(dir, 'ledger-fallback.ndjson')
    const records = parseRecords(readFileSync(fallback, 'utf8'), fallback)
    expect(records.filter((r) => r.table === 'test_results')).toHaveLength(8)
    const session = records.filter((r) => r.table === 'sessions').at(-1)?.row
    expect(session).toMatchObject({ status: 'failed', tests_total: 7 })
  }, 90_000)
})
