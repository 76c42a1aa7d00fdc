// The gates a repository declares: command gates from codex-gates.json and the hooks of its
// .pre-commit-config.yaml, planned and run on a copy of the seeds-style fixture repository.
import { spawnSync } from 'node:child_process'
import { cpSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { gatesProject } from '../../../src/adapters/vitest/gates-project.ts'
import { skippedRun } from '../../../src/domain/gates/config-gate-run.ts'
import { type ConfigGateEntry, configGates, runConfigGates } from '../../../src/domain/gates/config-gates.ts'
import { resolveGatesConfig } from '../../../src/domain/gates/gates-config.ts'
import { PARALLEL_GATES } from '../../../src/domain/gates/parallel-gates.ts'
import { hashSecret } from '../../../src/domain/gates/pre-commit/detect-secrets-baseline.ts'
import { tempDir } from './_temp-repo.ts'

const SEEDS = join(import.meta.dirname, '../../fixtures/pre-commit/seeds-style')
const hasPytest = spawnSync('pytest', ['--version']).status === 0

/** A git repository holding the seeds-style fixture (plus `extra` files), everything staged. */
function seeds(extra: Record<string, string> = {}): string {
  const root = join(tempDir('config-gates-'), 'repo')
  cpSync(SEEDS, root, { recursive: true })
  for (const [path, text] of Object.entries(extra)) writeFileSync(join(root, path), text)
  spawnSync('git', ['init', '-q'], { cwd: root })
  spawnSync('git', ['add', '-A'], { cwd: root })
  return root
}

const env = { ...process.env, PYTHONPATH: 'src' }
const state = tempDir('config-gates-state-')
const run = (root: string, raw: object = {}) =>
  runConfigGates(
    configGates({
      root,
      config: resolveGatesConfig(raw, undefined),
      stage: 'ci',
      env,
      cachePath: join(state, `${Math.random()}.json`),
    }),
  )

describe('runConfigGates() schedule', () => {
  test('independent gates run PARALLEL_GATES at a time, the number the gates project gives Vitest (maxConcurrency)', async () => {
    let inFlight = 0
    let most = 0
    const entry = (i: number): ConfigGateEntry => ({
      name: `g${i}`,
      source: 'command',
      serial: false,
      ordered: false,
      stopsOnFailure: false,
      needsTree: false,
      support: [],
      timeoutMs: 1_000,
      run: async () => {
        inFlight++
        most = Math.max(most, inFlight)
        await new Promise((done) => setTimeout(done, 5))
        inFlight--
        return skippedRun(`g${i}`, 'done')
      },
    })
    const runs = await runConfigGates(Array.from({ length: PARALLEL_GATES + 3 }, (_, i) => entry(i)))
    expect(runs.map((r) => r.gate)).toEqual(Array.from({ length: PARALLEL_GATES + 3 }, (_, i) => `g${i}`))
    expect(most).toBe(PARALLEL_GATES)
    expect(gatesProject('/repo').test?.maxConcurrency).toBe(PARALLEL_GATES)
  })
})

describe('configGates()', () => {
  test('the seeds-style config: one gate per hook; supported hooks run, the others skip with the reason', async () => {
    const results = await run(seeds())
    const rows = results.map((r) => [r.gate, r.status, r.reason ?? ''])
    expect(rows.map((r) => r[0])).toEqual([
      'pre-commit:ruff',
      'pre-commit:ruff-format',
      'pre-commit:black',
      'pre-commit:trailing-whitespace',
      'pre-commit:end-of-file-fixer',
      'pre-commit:check-yaml',
      'pre-commit:mixed-line-ending',
      'pre-commit:check-added-large-files',
      'pre-commit:detect-private-key',
      'pre-commit:sqlfluff-lint',
      'pre-commit:mypy',
      'pre-commit:pytest-quick',
      'pre-commit:bandit',
      'pre-commit:detect-secrets',
    ])
    const byGate = Object.fromEntries(results.map((r) => [r.gate, r]))
    const onPath = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0
    for (const [id, tool] of [
      ['ruff', 'ruff'],
      ['ruff-format', 'ruff'],
      ['sqlfluff-lint', 'sqlfluff'],
      ['mypy', 'mypy'],
      ['bandit', 'bandit'],
    ] as const) {
      if (onPath(tool)) continue // a tool that is installed runs instead
      expect(byGate[`pre-commit:${id}`]?.reason).toMatch(
        new RegExp(
          `^hook ${id} \\(repo https://github.com/\\S+\\) needs ${tool}: install it, or map it in codex-gates.json$`,
        ),
      )
    }
    expect(byGate['pre-commit:black']).toMatchObject({
      status: 'skipped',
      reason: 'hook black runs at manual, not pre-commit',
    })
    for (const id of [
      'end-of-file-fixer',
      'check-yaml',
      'mixed-line-ending',
      'check-added-large-files',
      'detect-private-key',
    ]) {
      expect(byGate[`pre-commit:${id}`]?.status, id).toBe('passed')
    }
    // The fixture's train.py ends a line with two spaces: the fixer reports it and holds the fixed bytes.
    const ws = byGate['pre-commit:trailing-whitespace']
    expect(ws?.status).toBe('failed')
    expect(ws?.findings.map((f) => [f.file, f.rule, f.message])).toEqual([
      ['src/seeds/train.py', 'trailing-whitespace', 'Fixing src/seeds/train.py'],
    ])
    expect(ws?.findings[0]?.remediation).toContain('"pre_commit": {"fix": true}')
    expect(Buffer.from(ws?.fixes?.get('src/seeds/train.py') ?? []).toString()).toBe(
      'def train(steps: int) -> int:\n    return steps\n',
    )
    expect(byGate['pre-commit:detect-secrets']).toMatchObject({
      status: 'passed',
      reason: 'detect-secrets runs as the secrets gate with .secrets.baseline',
    })
    const pytest = byGate['pre-commit:pytest-quick']
    if (hasPytest) expect(pytest?.status).toBe('passed')
    else expect(pytest?.reason).toMatch(/^pytest is not installed \(not found on PATH\): pip install pytest/)
  })

  test('detect-secrets: a secret its baseline lists for that file is accepted, the same secret elsewhere is not', async () => {
    const value = 'Zx9vQ2mL7pR4tW8yK3nB'
    const baseline = JSON.parse(readFileSync(join(SEEDS, '.secrets.baseline'), 'utf8'))
    baseline.results['configs/dev.yaml'].push({
      type: 'Secret Keyword',
      filename: 'configs/dev.yaml',
      hashed_secret: hashSecret(value),
      is_verified: false,
      line_number: 4,
    })
    const root = seeds({
      '.secrets.baseline': JSON.stringify(baseline, null, 2),
      'configs/dev.yaml': `model:\n  name: tiny\n  password: secret\n  api_key: ${value}\n`,
      'configs/prod.yaml': `api_key: ${value}\n`,
    })
    const secrets = (await run(root)).find((r) => r.gate === 'pre-commit:detect-secrets')
    expect(secrets?.findings.map((f) => [f.gate, f.file, f.line])).toEqual([
      ['pre-commit:detect-secrets', 'configs/prod.yaml', 1],
    ])
    expect(JSON.stringify(secrets)).not.toContain(value)
  })

  test('command gates first, in key order; "pre_commit": false drops the hooks; fail_fast stops at the first failure', async () => {
    const root = seeds()
    const names = (raw: object) =>
      configGates({ root, config: resolveGatesConfig(raw, undefined), stage: 'ci', env }).map((e) => e.name)
    expect(names({ gates: { zeta: { run: ['true'] }, alpha: { run: ['true'] } }, pre_commit: false })).toEqual([
      'zeta',
      'alpha',
    ])

    writeFileSync(
      join(root, '.pre-commit-config.yaml'),
      `fail_fast: true\n${readFileSync(join(SEEDS, '.pre-commit-config.yaml'), 'utf8')}`,
    )
    const results = await run(root)
    const after = results.slice(results.findIndex((r) => r.gate === 'pre-commit:trailing-whitespace') + 1)
    expect(after.map((r) => [r.status, r.reason])).toEqual(
      after.map(() => ['skipped', 'fail_fast: pre-commit:trailing-whitespace failed first']),
    )
  })

  test('a broken .pre-commit-config.yaml is one failing gate naming the file and line; command gates still run', async () => {
    const root = seeds({
      '.pre-commit-config.yaml': 'repos:\n  - repo: local\n    hooks:\n      - id: x\n        language: nope\n',
    })
    const results = await run(root, { gates: { ok: { run: ['true'] } } })
    expect(results.map((r) => [r.gate, r.status])).toEqual([
      ['ok', 'passed'],
      ['pre-commit', 'failed'],
    ])
    const [finding] = results[1]?.findings ?? []
    expect([finding?.file, finding?.line, finding?.rule]).toEqual(['.pre-commit-config.yaml', 5, 'pre-commit-config'])
    expect(finding?.message).toContain('"nope" is not a pre-commit language')
  })

  test.each([
    ['ruff check "src', 'the " at character 12 is never closed', 'add the closing "'],
    ['ruff check \\', 'it ends in a backslash (character 12) that escapes nothing', 'drop the final backslash'],
  ])(
    'an entry %j shlex cannot split is that failing gate too, naming file, line, hook and the fix (not a crash)',
    async (entry, reason, fix) => {
      const root = seeds({
        '.pre-commit-config.yaml': `repos:\n  - repo: local\n    hooks:\n      - id: ruff\n        name: ruff\n        language: system\n        entry: ${entry}\n`,
      })
      const results = await run(root, { gates: { ok: { run: ['true'] } } })
      expect(results.map((r) => [r.gate, r.status])).toEqual([
        ['ok', 'passed'],
        ['pre-commit', 'failed'],
      ])
      const [finding] = results[1]?.findings ?? []
      expect([finding?.file, finding?.line, finding?.rule, finding?.severity]).toEqual([
        '.pre-commit-config.yaml',
        7,
        'pre-commit-config',
        'error',
      ])
      expect(finding?.message).toContain('hook ruff (repo local) field `entry`')
      expect(finding?.message).toContain(reason)
      expect(finding?.remediation).toContain(`in the \`entry\` of hook ruff in .pre-commit-config.yaml: ${fix}`)
    },
  )
})
