// `codex-gates run`'s warm path: when every gate is skipped or cached, the run is recorded from
// the cache without starting Vitest — and must record what a real run records.
import { execFileSync, spawnSync } from 'node:child_process'
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { openLedger } from '../../../src/ledger/open-ledger.ts'
import { tempRepo } from '../../domain/gates/_temp-repo.ts'
import { childEnv, REPO_ROOT, tempDir } from '../../support/temp-dir.ts'

const TSX = join(REPO_ROOT, 'node_modules', '.bin', 'tsx')
const MAIN = join(REPO_ROOT, 'src', 'app', 'cli', 'main.ts')

function run(root: string, dir: string): { code: number | null; output: string } {
  const result = spawnSync(TSX, [MAIN, 'run', '--root', root], {
    env: childEnv(join(dir, 'ledger.db'), { CODEX_GATE_CACHE: join(dir, 'cache.json'), CI: '1' }),
    encoding: 'utf8',
    timeout: 240_000,
  })
  return { code: result.status, output: `${result.stdout}${result.stderr}` }
}

interface Rows {
  results: string[]
  gates: string[]
  findings: string[]
}

/** The latest session's rows, without ids and durations; cached runs read as passed. */
function latestRows(dir: string): Rows & { statuses: Record<string, string> } {
  const ledger = openLedger(join(dir, 'ledger.db'), { readonly: true })
  try {
    const id = ledger.get<{ id: string }>('SELECT id FROM sessions ORDER BY started_at DESC, rowid DESC LIMIT 1')?.id
    const results = ledger
      .all<{ project: string; file: string; name: string; state: string; skip_reason: string | null }>(
        'SELECT project, file, name, state, skip_reason FROM test_results WHERE session_id = ? ORDER BY name',
        id,
      )
      .map((r) => `${r.project} ${r.file} ${r.name} ${r.state} ${r.skip_reason ?? ''}`)
    const gateRows = ledger.all<{ gate: string; status: string; findings_count: number; reason: string | null }>(
      'SELECT gate, status, findings_count, reason FROM gate_runs WHERE session_id = ? ORDER BY gate',
      id,
    )
    const findings = ledger
      .all<{ gate: string; rule: string; file: string; line: number; severity: string; message: string }>(
        'SELECT gate, rule, file, line, severity, message FROM findings WHERE session_id = ? ORDER BY gate, file, line, rule',
        id,
      )
      .map((f) => `${f.gate} ${f.rule} ${f.file}:${f.line} ${f.severity} ${f.message}`)
    const statuses = Object.fromEntries(gateRows.map((g) => [g.gate, g.status]))
    const gates = gateRows.map(
      (g) =>
        `${g.gate} ${g.status === 'cached' ? 'passed' : g.status} ${g.findings_count} ${g.status === 'skipped' ? g.reason : ''}`,
    )
    return { results, gates, findings, statuses }
  } finally {
    ledger.close()
  }
}

describe('codex-gates run', () => {
  test('a warm run records, without Vitest, the rows a real run records; a changed file, config or tool version runs that gate for real', () => {
    const dir = tempDir('run-gates-')
    // A stand-in compiler inside an npm package folder: the cache key reads its package.json version.
    const fakeTsc = join(dir, 'fake-typescript', 'bin', 'tsc')
    mkdirSync(dirname(fakeTsc), { recursive: true })
    writeFileSync(fakeTsc, '#!/bin/sh\nexit 0\n')
    chmodSync(fakeTsc, 0o755)
    const tsc = (version: string) =>
      writeFileSync(join(dir, 'fake-typescript', 'package.json'), JSON.stringify({ name: 'typescript', version }))
    tsc('5.0.0')
    const root = tempRepo(
      {
        'README.md': '# Demo\n\nSee [the guide](docs/guide.md).\n',
        'docs/guide.md': '# Guide\n\nRun the gates before you push.\n',
        'tsconfig.json': '{}\n',
        // Vitest keeps a results cache under node_modules/ of its root: ignored, as in any JS repository.
        '.gitignore': 'node_modules/\n',
        'codex-gates.json': { gates: { typecheck: { compiler: fakeTsc } } },
      },
      { git: true },
    )

    const real = run(root, dir)
    expect(real.code, real.output).toBe(0)
    expect(real.output).toContain('Test Files')
    const first = latestRows(dir)

    const warm = run(root, dir)
    expect(warm.code, warm.output).toBe(0)
    expect(warm.output).not.toContain('Test Files') // Vitest never started
    expect(warm.output).toContain('every input unchanged, nothing to scan')
    const second = latestRows(dir)
    expect(second.results).toEqual(first.results)
    expect(second.gates).toEqual(first.gates)
    expect(second.findings).toEqual(first.findings)
    expect(Object.values(second.statuses).every((s) => s === 'cached' || s === 'skipped')).toBe(true)

    // A file changes: docs-links and the other content gates run; the rest stay reused.
    writeFileSync(join(root, 'README.md'), '# Demo\n\nSee [the guide](docs/guide.md) now.\n')
    execFileSync('git', ['add', '-A'], { cwd: root })
    const edited = run(root, dir)
    expect(edited.code, edited.output).toBe(0)
    expect(edited.output).toContain('Test Files')
    expect(latestRows(dir).statuses['docs-links']).toBe('passed')
    expect(latestRows(dir).statuses.typecheck).toBe('cached')

    // The config changes for one gate: that gate runs.
    writeFileSync(
      join(root, 'codex-gates.json'),
      JSON.stringify({ gates: { typecheck: { compiler: fakeTsc }, secrets: { min_length: 16 } } }),
    )
    execFileSync('git', ['add', '-A'], { cwd: root })
    expect(run(root, dir).code).toBe(0)
    const afterConfig = latestRows(dir).statuses
    expect(afterConfig.secrets).toBe('passed')
    expect(afterConfig.toolchain).toBe('cached') // its inputs are tool versions, not files

    // The tool's version changes: the gate runs.
    tsc('5.0.1')
    expect(run(root, dir).code).toBe(0)
    expect(latestRows(dir).statuses.typecheck).toBe('passed')
    expect(latestRows(dir).statuses['docs-links']).toBe('cached')

    // An edit git's index has not seen (not added): its stat data no longer matches, so the
    // file is hashed, not taken from the index, and the gate runs.
    writeFileSync(join(root, 'README.md'), '# Demo\n\nSee [the guide](docs/guide.md) today.\n')
    const unstaged = run(root, dir)
    expect(unstaged.code, unstaged.output).toBe(0)
    expect(unstaged.output).toContain('Test Files')
    expect(latestRows(dir).statuses['docs-links']).toBe('passed')
    expect(latestRows(dir).statuses.typecheck).toBe('cached')
  }, 600_000)
})
