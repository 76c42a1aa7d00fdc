import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { GATE_DEFAULTS } from '../../../../src/domain/gates/gates-config.ts'
import { planHooks } from '../../../../src/domain/gates/pre-commit/plan-hooks.ts'
import type { PreCommitGate } from '../../../../src/domain/gates/pre-commit/plan-pre-commit-gates.ts'
import { readPreCommitConfig } from '../../../../src/domain/gates/pre-commit/read-pre-commit-config.ts'
import { runPreCommitGate } from '../../../../src/domain/gates/pre-commit/run-pre-commit-gate.ts'
import { tagsFromPath } from '../../../../src/domain/gates/pre-commit/tags-from-path.ts'
import { tempDir } from '../../../support/temp-dir.ts'

const root = tempDir('run-pre-commit-gate-')
mkdirSync(join(root, 'src'))
writeFileSync(join(root, 'src/a.py'), 'x = 1   \n')
writeFileSync(join(root, 'src/clean.py'), 'y = 2\n')
symlinkSync('src/clean.py', join(root, 'live-link'))
symlinkSync('src/gone.py', join(root, 'dead-link'))

const config = readPreCommitConfig(
  [
    'repos:',
    '- repo: https://github.com/pre-commit/pre-commit-hooks',
    '  rev: v5.0.0',
    '  hooks:',
    '  - id: trailing-whitespace',
    '  - id: check-symlinks',
    '  - id: check-json',
    '- repo: https://github.com/psf/black',
    '  rev: 24.1.0',
    '  hooks:',
    '  - id: black',
  ].join('\n'),
)
const PATHS = ['src/a.py', 'src/clean.py', 'live-link', 'dead-link']
const KINDS: Record<string, 'file' | 'symlink'> = { 'live-link': 'symlink', 'dead-link': 'symlink' }
const plans = planHooks({
  config,
  paths: PATHS,
  tagsOf: (path) => tagsFromPath({ path, kind: KINDS[path] ?? 'file', executable: false, head: new Uint8Array() }),
  stage: 'pre-commit',
  onPath: () => false,
})

/** The gate of hook `id`, as planPreCommitGates would make it. */
function gate(id: string): PreCommitGate {
  const plan = plans.find((p) => (p.kind === 'skipped' ? p.id : p.hook.id) === id)
  const hook = config.hooks.find((h) => h.id === id)
  if (!plan || !hook) throw new Error(`no plan for ${id}`)
  return { name: `pre-commit:${id}`, hook, plan, secrets: false, failFast: false }
}

const options = {
  root,
  stage: 'commit' as const,
  secrets: GATE_DEFAULTS.secrets,
  facts: () => ({}),
  useCache: false,
}

describe('runPreCommitGate()', () => {
  test('a skipped plan is skipped with its reason; no files to check is pre-commit’s Skipped', async () => {
    expect(await runPreCommitGate(gate('black'), options)).toMatchObject({
      status: 'skipped',
      reason: 'hook black (repo https://github.com/psf/black) needs black: install it, or map it in codex-gates.json',
    })
    expect(await runPreCommitGate(gate('check-json'), options)).toMatchObject({
      status: 'skipped',
      reason: '(no files to check) Skipped',
    })
  })

  test('a native fixer fails with the file it would rewrite, the fix handed back, and how to apply it', async () => {
    const run = await runPreCommitGate(gate('trailing-whitespace'), options)
    expect(run.status).toBe('failed')
    expect(run.findings.map((f) => [f.file, f.rule])).toEqual([['src/a.py', 'trailing-whitespace']])
    expect(run.findings[0]?.remediation).toContain('"pre_commit": {"fix": true}')
    expect(new TextDecoder().decode(run.fixes?.get('src/a.py'))).toBe('x = 1\n')
  })

  test('symlinks are handed to the hook as links: a dangling one fails check-symlinks, a live one passes', async () => {
    const run = await runPreCommitGate(gate('check-symlinks'), options)
    expect(run.status).toBe('failed')
    expect(run.findings.map((f) => f.file)).toEqual(['dead-link'])
    expect(run.fixes).toBeUndefined()
  })
})
