import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, test } from 'vitest'
import type { HookFile } from '../../../../src/domain/gates/pre-commit/hook-types.ts'
import { type HookPlan, planHooks } from '../../../../src/domain/gates/pre-commit/plan-hooks.ts'
import { type ConfigHook, readPreCommitConfig } from '../../../../src/domain/gates/pre-commit/read-pre-commit-config.ts'
import { runNativeHook } from '../../../../src/domain/gates/pre-commit/run-native-hook.ts'
import { tagsFromPath } from '../../../../src/domain/gates/pre-commit/tags-from-path.ts'
import { userErrorFrom } from '../../../support/user-error.ts'

const ROOT = join(import.meta.dirname, '../../../fixtures/pre-commit/seeds-style')

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name)
    return statSync(full).isDirectory() ? walk(full) : [relative(ROOT, full)]
  })
}

// The fixture's files plus a path under the excluded .codex/ (git-ignored, so not in the fixture).
const CONTENT = new Map<string, Uint8Array>(walk(ROOT).map((p) => [p, new Uint8Array(readFileSync(join(ROOT, p)))]))
CONTENT.set('.codex/log.json', new TextEncoder().encode('{"log": true}  \n'))
const PATHS = [...CONTENT.keys()].sort()
const tagsOf = (path: string) =>
  tagsFromPath({ path, kind: 'file', executable: false, head: CONTENT.get(path) ?? new Uint8Array() })
const config = readPreCommitConfig(readFileSync(join(ROOT, '.pre-commit-config.yaml'), 'utf8'))

const summary = (plans: HookPlan[]) =>
  plans.map((p) =>
    p.kind === 'skipped'
      ? [p.id, 'skipped', p.reason]
      : [p.hook.id, p.kind, p.kind === 'command' ? p.argv.join(' ') : p.files.join(' ')],
  )

describe('planHooks()', () => {
  test('the seeds-style config: native for pre-commit-hooks, command for the local hook, skipped with reasons for tools not on PATH', () => {
    const plans = planHooks({ config, paths: PATHS, tagsOf, stage: 'pre-commit', onPath: () => false })
    expect(summary(plans)).toEqual([
      [
        'ruff',
        'skipped',
        'hook ruff (repo https://github.com/astral-sh/ruff-pre-commit) needs ruff: install it, or map it in codex-gates.json',
      ],
      [
        'ruff-format',
        'skipped',
        'hook ruff-format (repo https://github.com/astral-sh/ruff-pre-commit) needs ruff: install it, or map it in codex-gates.json',
      ],
      [
        'trailing-whitespace',
        'native',
        '.pre-commit-config.yaml .secrets.baseline configs/dev.yaml configs/q.sql src/seeds/train.py tests/test_train.py',
      ],
      [
        'end-of-file-fixer',
        'native',
        '.pre-commit-config.yaml .secrets.baseline configs/dev.yaml configs/q.sql src/seeds/train.py tests/test_train.py',
      ],
      ['check-yaml', 'native', '.pre-commit-config.yaml configs/dev.yaml'],
      [
        'mixed-line-ending',
        'native',
        '.pre-commit-config.yaml .secrets.baseline configs/dev.yaml configs/q.sql src/seeds/train.py tests/test_train.py',
      ],
      ['check-added-large-files', 'native', PATHS.filter((p) => !p.startsWith('.codex/')).join(' ')],
      [
        'detect-private-key',
        'native',
        '.pre-commit-config.yaml .secrets.baseline configs/dev.yaml configs/q.sql src/seeds/train.py tests/test_train.py',
      ],
      [
        'sqlfluff-lint',
        'skipped',
        'hook sqlfluff-lint (repo https://github.com/sqlfluff/sqlfluff) needs sqlfluff: install it, or map it in codex-gates.json',
      ],
      [
        'mypy',
        'skipped',
        'hook mypy (repo https://github.com/pre-commit/mirrors-mypy) needs mypy: install it, or map it in codex-gates.json',
      ],
      ['pytest-quick', 'command', 'pytest -q -x tests'],
      [
        'bandit',
        'skipped',
        'hook bandit (repo https://github.com/PyCQA/bandit) needs bandit: install it, or map it in codex-gates.json',
      ],
      [
        'detect-secrets',
        'skipped',
        'hook detect-secrets (repo https://github.com/Yelp/detect-secrets) needs detect-secrets-hook: install it, or map it in codex-gates.json',
      ],
    ])
    const pytest = plans.find((p) => p.kind === 'command')
    expect(pytest).toMatchObject({ passFiles: [], noFiles: false })
  })

  test('a tool on PATH makes a command with the manifest defaults and the config args; stages filter hooks', () => {
    const plans = planHooks({
      config,
      paths: PATHS,
      tagsOf,
      stage: 'pre-commit',
      onPath: (t) => t === 'mypy' || t === 'bandit',
    })
    const mypy = plans.find((p) => p.kind === 'command' && p.hook.id === 'mypy')
    // No args in the config: the manifest's own args stay, as in pre-commit.
    expect(mypy).toMatchObject({
      argv: ['mypy', '--ignore-missing-imports', '--scan-namespace-packages'],
      files: ['src/seeds/train.py', 'tests/test_train.py'],
    })
    const bandit = plans.find((p) => p.kind === 'command' && p.hook.id === 'bandit')
    expect(bandit).toMatchObject({ argv: ['bandit', '-lll'] })
    const manual = planHooks({ config, paths: PATHS, tagsOf, stage: 'manual', onPath: () => true })
    // black by its config stages; three pre-commit-hooks by their manifest's [pre-commit, pre-push, manual].
    expect(summary(manual).map((s) => s[0])).toEqual([
      'black',
      'trailing-whitespace',
      'end-of-file-fixer',
      'check-added-large-files',
    ])
    expect(manual[0]).toMatchObject({ kind: 'command', argv: ['black'] })
  })

  test('running the native plans on the fixture: trailing whitespace fixed, the rest clean', () => {
    const plans = planHooks({ config, paths: PATHS, tagsOf, stage: 'pre-commit', onPath: () => false })
    const failed: string[] = []
    for (const plan of plans) {
      if (plan.kind !== 'native') continue
      const files: HookFile[] = plan.passFiles.map((path) => ({ path, bytes: CONTENT.get(path) as Uint8Array }))
      const outcome = runNativeHook(plan, files, { addedFiles: new Set(PATHS) })
      if (outcome.failed) failed.push(`${plan.hook.id}: ${outcome.problems.map((p) => p.message).join('; ')}`)
    }
    expect(failed).toEqual(['trailing-whitespace: Fixing src/seeds/train.py'])
  })
})

describe('planHooks() on local and meta hooks', () => {
  const local = readPreCommitConfig(
    [
      'repos:',
      '- repo: meta',
      '  hooks:',
      '  - id: check-useless-excludes',
      '- repo: local',
      '  hooks:',
      '  - {id: grep, name: grep, entry: XXX-MARK, language: pygrep}',
      '  - {id: no-bin, name: no-bin, entry: binaries are not allowed, language: fail, files: \\.bin$}',
      '  - {id: script, name: script, entry: "./run.sh --fast", language: unsupported_script, args: [-v]}',
      '  - {id: sys, name: sys, entry: "ruff check", language: python, pass_filenames: false, always_run: true}',
      '  - {id: missing, name: missing, entry: "nowhere --x", language: python}',
      '  - {id: push-only, name: push-only, entry: XXX-MARK, language: pygrep, stages: [pre-push]}',
    ].join('\n'),
  )
  const input = {
    config: local,
    paths: ['a.py', 'w.bin'],
    tagsOf: (path: string) => tagsFromPath({ path, kind: 'file' as const, executable: false, head: new Uint8Array() }),
    stage: 'pre-commit' as const,
    onPath: (tool: string) => tool === 'ruff',
  }

  test('meta hooks are skipped; pygrep and fail run natively; scripts and tools on PATH run as commands', () => {
    const plans = planHooks(input)
    expect(summary(plans)).toEqual([
      [
        'check-useless-excludes',
        'skipped',
        'hook check-useless-excludes (repo meta) is a pre-commit meta hook: not run natively',
      ],
      ['grep', 'native', 'a.py w.bin'],
      ['no-bin', 'native', 'w.bin'],
      ['script', 'command', './run.sh --fast -v'],
      ['sys', 'command', 'ruff check'],
      ['missing', 'skipped', 'hook missing (repo local) needs nowhere: install it, or map it in codex-gates.json'],
    ])
    const sys = plans.find((p) => p.kind === 'command' && p.hook.id === 'sys')
    // No filenames passed, yet it runs with no files: always_run.
    expect(sys).toMatchObject({ passFiles: [], noFiles: false })
    expect(summary(planHooks({ ...input, stage: 'pre-push' })).map((s) => s[0])).toContain('push-only')
  })
})

describe('planHooks(): an entry shlex cannot split', () => {
  // Built by hand, as a caller that does not go through readPreCommitConfig would: the planner says it too.
  const withHook = (repo: string, fields: ConfigHook['fields']) => ({
    ...readPreCommitConfig('repos: []\n', 'cfg.yaml'),
    hooks: [{ repo, rev: repo === 'local' ? null : 'v0.6.9', id: 'ruff', line: 4, fields }],
  })
  test.each([
    [
      'local',
      { name: 'r', entry: 'ruff check "src', language: 'unsupported' },
      'the " at character 12 is never closed',
    ],
    ['local', { name: 'r', entry: "ruff 'x", language: 'python' }, "the ' at character 6 is never closed"],
    [
      'https://github.com/astral-sh/ruff-pre-commit',
      { entry: 'ruff check \\' },
      'it ends in a backslash (character 12) that escapes nothing',
    ],
  ])('repo %s, %j: a PRE_COMMIT_CONFIG UserError naming file, line, hook and field', (repo, fields, reason) => {
    const config = withHook(repo, fields)
    const error = userErrorFrom(() =>
      planHooks({ config, paths: PATHS, tagsOf, stage: 'pre-commit', onPath: () => true }),
    )
    expect(error.code).toBe('PRE_COMMIT_CONFIG')
    expect(error.message).toMatch(
      /^cfg\.yaml:4: hook ruff \(repo [^)]+\) field `entry` ".*" cannot be split into a command: /,
    )
    expect(error.message).toContain(reason)
    expect(error.hint).toMatch(/^in the `entry` of hook ruff in cfg\.yaml: (add the closing|drop the final backslash)/)
  })
})
