import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { applySeverity, runGate } from '../../../src/domain/gates/run-gate.ts'
import { allFakeSecrets } from '../../../src/domain/gates/secrets/fake-secrets.ts'
import { tempDir, tempRepo } from './_temp-repo.ts'

function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const dir = tempDir('run-gate-')
  return { CODEX_GATE_CACHE: join(dir, 'gate-cache.json'), CODEX_GATES_REPORTS: join(dir, 'reports'), ...extra }
}

describe('runGate()', () => {
  test('a passed result is cached and reused with the session it came from, until an input changes', async () => {
    const root = tempRepo({ 'README.md': '# Hi\n[self](#hi)\n' }, { git: true })
    const e = env()
    const first = await runGate('docs-links', { root, env: e, sessionId: 'session-1' })
    expect(first).toMatchObject({ status: 'passed', fileCount: 1 })
    expect(first.cacheKey).toMatch(/^[0-9a-f]{64}$/)

    const second = await runGate('docs-links', { root, env: e, sessionId: 'session-2' })
    expect(second).toMatchObject({ status: 'cached', cachedFrom: 'session-1', cacheKey: first.cacheKey })

    const forced = await runGate('docs-links', { root, env: { ...e, CODEX_GATES_NO_CACHE: '1' } })
    expect(forced.status).toBe('passed')

    writeFileSync(join(root, 'README.md'), '# Hi\n[self](#hi)\n[gone](nope.md)\n')
    const changed = await runGate('docs-links', { root, env: e })
    expect(changed.status).toBe('failed')
    expect(changed.findings.map((f) => `${f.file}:${f.line} ${f.rule}`)).toEqual(['README.md:3 broken-link'])
  })

  test('a result cached outside a session says only when it was cached', async () => {
    const root = tempRepo({ 'README.md': '# Hi\n' }, { git: true })
    const e = env()
    expect((await runGate('docs-links', { root, env: e })).status).toBe('passed')
    const cached = await runGate('docs-links', { root, env: e })
    expect(cached).toMatchObject({ status: 'cached', cachedFrom: undefined, events: [] })
    expect(cached.reason).toMatch(/^inputs unchanged since \d{4}-\d\d-\d\dT[\d:.]+Z$/)
  })

  test('a cache entry without events (an older cache file) is reused with none', async () => {
    const root = tempRepo({ 'README.md': '# Hi\n' }, { git: true })
    const e = env()
    await runGate('docs-links', { root, env: e, sessionId: 'session-1' })
    const path = e.CODEX_GATE_CACHE as string
    const file = JSON.parse(readFileSync(path, 'utf8'))
    for (const entry of file.gates['docs-links']) delete entry.events
    writeFileSync(path, JSON.stringify(file))
    expect(await runGate('docs-links', { root, env: e })).toMatchObject({ status: 'cached', events: [] })
  })

  test('without an env option it reads process.env (useCache: false writes nothing)', async () => {
    const root = tempRepo({ '.env': 'X=1\n' }, { git: true })
    const run = await runGate('env-files', { root, useCache: false })
    expect(run).toMatchObject({ status: 'failed', root, cacheKey: expect.stringMatching(/^[0-9a-f]{64}$/) })
    expect(run.findings.map((f) => f.file)).toEqual(['.env'])
  })

  test('a failed result is never cached', async () => {
    const root = tempRepo({ '.env': 'X=1\n' }, { git: true })
    const e = env()
    expect((await runGate('env-files', { root, env: e })).status).toBe('failed')
    expect((await runGate('env-files', { root, env: e })).status).toBe('failed')
  })

  test('disabled gates and gates that do not apply are skipped with a reason', async () => {
    const root = tempRepo(
      { 'configs/gates.json': { gates: { lint: { enabled: false } } }, 'a.txt': 'x' },
      { git: true },
    )
    expect(await runGate('lint', { root, env: env() })).toMatchObject({
      status: 'skipped',
      reason: expect.stringContaining('gates.lint.enabled'),
    })
    expect(await runGate('typecheck', { root, env: env() })).toMatchObject({
      status: 'skipped',
      reason: 'no tsconfig.json at the root',
    })
  })

  test('only tracked files are read by default; "worktree" adds untracked, not ignored ones', async () => {
    const root = tempRepo({ '.gitignore': 'ignored/\n', 'a.txt': 'x' }, { git: true })
    writeFileSync(join(root, '.env'), 'X=1\n')
    expect((await runGate('env-files', { root, env: env() })).status).toBe('passed')
    writeFileSync(join(root, 'gates.json'), JSON.stringify({ files: 'worktree' }))
    const worktree = await runGate('env-files', {
      root,
      env: { ...env(), CODEX_GATES_CONFIG: join(root, 'gates.json') },
    })
    expect(worktree.findings.map((f) => f.file)).toEqual(['.env'])
  })

  test('excludes and severity overrides from the config apply', async () => {
    const aws = allFakeSecrets(1)[0]
    const root = tempRepo(
      {
        'configs/gates.json': {
          exclude: ['vendor/**'],
          gates: { secrets: { severity: { 'aws-access-key-id': 'warn' } } },
        },
        'vendor/a.ini': aws?.text ?? '',
        'b.ini': aws?.text ?? '',
      },
      { git: true },
    )
    const run = await runGate('secrets', { root, env: env() })
    expect(run.status).toBe('passed')
    expect(run.findings.map((f) => `${f.severity} ${f.file}`)).toEqual(['warn b.ini'])
  })

  test('explicit files (lint-staged) limit the scan and bypass the cache', async () => {
    const root = tempRepo({ 'a/.env': 'X=1\n', 'b/.env': 'Y=2\n' }, { git: true })
    const run = await runGate('env-files', { root, env: env(), files: [join(root, 'b/.env')] })
    expect(run.findings.map((f) => f.file)).toEqual(['b/.env'])
  })

  test('the gaps report is written and becomes an artifact', async () => {
    const root = tempRepo({ 'a.md': `- ${['TO', 'DO'].join('')} write\n` }, { git: true })
    const e = env()
    const run = await runGate('placeholders', { root, env: e })
    expect(run.status).toBe('failed')
    expect(run.artifacts).toEqual([
      expect.objectContaining({
        kind: 'gaps-report',
        path: join(e.CODEX_GATES_REPORTS as string, 'gaps', 'placeholders.md'),
      }),
    ])
    expect(existsSync(join(e.CODEX_GATES_REPORTS as string, 'gaps', 'placeholders.json'))).toBe(true)
  })
})

describe('applySeverity()', () => {
  test('off drops, warn/error replace', () => {
    const f = (rule: string) => ({
      gate: 'g',
      rule,
      severity: 'error' as const,
      file: null,
      line: null,
      message: '',
      remediation: '',
      fingerprint: rule,
    })
    expect(
      applySeverity([f('a'), f('b'), f('c')], { a: 'off', b: 'warn' }).map((x) => `${x.rule}:${x.severity}`),
    ).toEqual(['b:warn', 'c:error'])
  })
})
