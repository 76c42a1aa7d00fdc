import { describe, expect, test } from 'vitest'
import { readPreCommitConfig } from '../../../../src/domain/gates/pre-commit/read-pre-commit-config.ts'
import { resolveHook } from '../../../../src/domain/gates/pre-commit/resolve-hook.ts'
import { userErrorFrom } from '../../../support/user-error.ts'

const CONFIG = `# a typical config
exclude: ^(\\.codex/|LICENSES/)
default_stages: [commit, push]
fail_fast: yes
repos:
  - repo: https://github.com/pre-commit/pre-commit-hooks
    rev: v5.0.0
    hooks:
      - id: trailing-whitespace
        args: [--markdown-linebreak-ext=md]
      - id: check-added-large-files
        args: ['--maxkb=500']
        stages: [commit]
  - repo: local
    hooks:
      - id: no-nocommit
        name: no NOCOMMIT
        entry: 'NOCOMMIT|DONOTMERGE'
        language: pygrep
        types: [python]
        files: |
          (?x)^(
            src/|
            tests/
          )
        always_run: on
      - id: tests
        name: tests
        entry: pytest -q
        language: system
        pass_filenames: false
        extra_key: 1
`

describe('readPreCommitConfig()', () => {
  test('normalises hooks with their lines, YAML 1.1 booleans, current stage names and top-level defaults', () => {
    const config = readPreCommitConfig(CONFIG)
    expect(config).toMatchObject({
      exclude: '^(\\.codex/|LICENSES/)',
      files: '',
      fail_fast: true,
      default_stages: ['pre-commit', 'pre-push'],
    })
    expect(config.hooks.map((h) => [h.repo, h.id, h.line])).toEqual([
      ['https://github.com/pre-commit/pre-commit-hooks', 'trailing-whitespace', 9],
      ['https://github.com/pre-commit/pre-commit-hooks', 'check-added-large-files', 11],
      ['local', 'no-nocommit', 16],
      ['local', 'tests', 27],
    ])
    expect(config.hooks[1]?.fields).toEqual({ args: ['--maxkb=500'], stages: ['pre-commit'] })
    expect(config.hooks[2]?.fields).toMatchObject({ language: 'pygrep', always_run: true, types: ['python'] })
    expect(config.hooks[3]?.fields.language).toBe('unsupported')
    expect(config.warnings).toEqual([
      'top-level `default_stages` uses deprecated stage names (commit, push) which will be removed in a future version.  run: `pre-commit migrate-config` to automatically fix this.',
      'hook id `check-added-large-files` uses deprecated stage names (commit) which will be removed in a future version.  run: `pre-commit migrate-config` to automatically fix this.',
      'Unexpected key(s) present on local => tests: extra_key',
    ])
  })

  test('a local hook resolves with pre-commit defaults; stages fall back to default_stages', () => {
    const config = readPreCommitConfig(CONFIG)
    const tests = resolveHook(config.hooks[3]!, undefined, config)
    expect(tests).toMatchObject({
      types: ['file'],
      exclude: '^$',
      files: '',
      pass_filenames: false,
      stages: ['pre-commit', 'pre-push'],
      args: [],
    })
  })

  test('warns like pre-commit on unknown keys, glob-like regexes and mutable revs', () => {
    const config = readPreCommitConfig(
      'repos:\n- repo: https://github.com/psf/black\n  rev: main\n  foo: 1\n  hooks:\n  - id: black\n    files: src/*\nunknown: 1\n',
    )
    expect(config.warnings).toEqual([
      'Unexpected key(s) present at root: unknown',
      "The 'rev' field of repo 'https://github.com/psf/black' appears to be a mutable reference (moving tag / branch).  Mutable references are never updated after first install and are not supported.",
      'Unexpected key(s) present on https://github.com/psf/black: foo',
      "The 'files' field in hook 'black' is a regex, not a glob -- matching '/*' probably isn't what you want here",
    ])
  })

  test('warns on top-level globs and spelled-out slash classes, which pre-commit normalizes away', () => {
    const config = readPreCommitConfig(
      "files: docs/*\nexclude: 'a[\\/]b|c[/\\\\]d'\nrepos:\n- repo: local\n  hooks:\n  - id: x\n    name: x\n    entry: x\n    language: system\n    exclude: '[\\\\/]'\n",
    )
    const slashes = (field: string, slash: string) =>
      `pre-commit normalizes slashes in the ${field} to forward slashes, so you can use / instead of ${slash}`
    expect(config.warnings).toEqual([
      "The top-level 'files' field is a regex, not a glob -- matching '/*' probably isn't what you want here",
      slashes("top-level 'exclude' field", '[\\/]'),
      slashes("top-level 'exclude' field", '[/\\\\]'),
      slashes("'exclude' field in hook 'x'", '[\\\\/]'),
    ])
  })

  test.each([
    [
      'repos:\n- repo: local\n  hooks:\n  - id: x\n    name: x\n    entry: x\n    language: system\n    args: --fix\n',
      ':8: hook x (repo local) field `args`: expected a list of strings, got string "--fix"',
    ],
    [
      'repos:\n- repo: local\n  hooks:\n  - id: x\n    name: x\n    entry: x\n    language: system\n    always_run: maybe\n',
      ':8: hook x (repo local) field `always_run`: expected true or false',
    ],
    [
      'repos:\n- repo: local\n  hooks:\n  - id: x\n    name: x\n    language: system\n',
      ':4: hook x (repo local): missing required key `entry`',
    ],
    [
      'repos:\n- repo: local\n  hooks:\n  - id: x\n    name: x\n    entry: x\n    language: cobol\n',
      'field `language`: "cobol" is not a pre-commit language',
    ],
    [
      'repos:\n- repo: local\n  hooks:\n  - id: x\n    name: x\n    entry: x\n    language: system\n    types: [pythn]\n',
      "field `types`: Type tag 'pythn' is not recognized.",
    ],
    [
      'repos:\n- repo: local\n  hooks:\n  - id: x\n    name: x\n    entry: x\n    language: system\n    stages: [comit]\n',
      'field `stages`: "comit" is not a stage',
    ],
    [
      'repos:\n- repo: local\n  hooks:\n  - id: x\n    name: x\n    entry: x\n    language: system\n    files: "(?i:a)"\n',
      'field `files`: scoped inline flags',
    ],
    [
      'repos:\n- repo: https://github.com/x/y\n  hooks: []\n',
      'repo https://github.com/x/y: missing required key `rev`',
    ],
    ['repos: {}\n', '`repos`: expected a list of repositories'],
    ['- just a list\n', 'cfg.yaml:1: the top level: expected a mapping with a `repos` list'],
    ['fail_fast: true\n', 'the top level: missing required key `repos`'],
    ['repos:\n- just text\n', 'a `repos` entry: expected a mapping with `repo` and `hooks`'],
    ['repos:\n- rev: v1\n  hooks: []\n', 'cfg.yaml:2: a `repos` entry: missing required key `repo`'],
    ['repos:\n- repo: local\n  rev: v1\n  hooks: []\n', 'cfg.yaml:3: repo local: expected `rev` to be absent'],
    ['repos:\n- repo: local\n', 'repo local: missing required key `hooks`'],
    ['repos:\n- repo: local\n  hooks: {id: x}\n', 'repo local `hooks`: expected a list of hooks'],
    ['repos:\n- repo: local\n  hooks:\n  - x\n', 'repo local `hooks`: expected a mapping with an `id`, got string "x"'],
    ['repos:\n- repo: local\n  hooks:\n  - [x]\n', 'expected a mapping with an `id`, got a list'],
    ['repos:\n- repo: local\n  hooks:\n  - name: x\n', 'a hook of repo local: missing required key `id`'],
    [
      'repos:\n- repo: local\n  hooks:\n  - id: 7\n',
      'a hook of repo local field `id`: expected a string, got number 7',
    ],
    ['repos:\n- repo: local\n  hooks:\n  - id:\n', 'field `id`: expected a string, got null'],
    ['repos:\n- repo: local\n  hooks:\n  - id: {a: 1}\n', 'field `id`: expected a string, got a mapping'],
    ['fail_fast: maybe\nrepos: []\n', 'top-level field `fail_fast`: expected true or false, got string "maybe"'],
    [
      'default_stages: commit\nrepos: []\n',
      'top-level field `default_stages`: expected a list of strings, got string "commit"',
    ],
    [
      'default_stages: [commit, [push]]\nrepos: []\n',
      'top-level field `default_stages`: expected a list of strings, found a list',
    ],
    ['default_stages: [deploy]\nrepos: []\n', 'top-level field `default_stages`: "deploy" is not a stage'],
    ['exclude: "(?(1)a|b)"\nrepos: []\n', 'top-level field `exclude`: conditional groups'],
    [
      'repos:\n- repo: meta\n  hooks:\n  - id: nope\n',
      'hook nope (repo meta): expected id to be one of check-hooks-apply, check-useless-excludes, identity',
    ],
    [
      'repos:\n- repo: meta\n  hooks:\n  - id: identity\n    entry: echo\n',
      "cfg.yaml:5: hook identity (repo meta): 'entry' cannot be overridden",
    ],
    ['repos: [\n', 'not valid YAML'],
    [
      'repos:\n- repo: local\n  hooks:\n  - id: ruff\n    name: ruff\n    language: system\n    entry: ruff check "src\n',
      'cfg.yaml:7: hook ruff (repo local) field `entry` "ruff check \\"src" cannot be split into a command: the " at character 12 is never closed',
    ],
  ])('rejects %j naming file, hook and field', (text, message) => {
    const error = userErrorFrom(() => readPreCommitConfig(text, 'cfg.yaml'))
    expect(error.code).toBe('PRE_COMMIT_CONFIG')
    expect(error.message).toContain('cfg.yaml')
    expect(error.message).toContain(message)
    expect(error.hint).toBeTruthy()
  })
})

describe('readPreCommitConfig(): an entry shlex cannot split', () => {
  test.each([
    [
      // a local hook's own entry, a single quote left open
      "repos:\n- repo: local\n  hooks:\n  - id: lint\n    name: lint\n    entry: sh -c 'ruff check\n    language: system\n",
      'cfg.yaml:6: hook lint (repo local) field `entry` "sh -c \'ruff check" cannot be split into a command: the \' at character 7 is never closed',
      "in the `entry` of hook lint in cfg.yaml: add the closing ', or escape the quote as \\' if it is meant literally",
    ],
    [
      // a remote hook's entry override ending in a backslash
      'repos:\n- repo: https://github.com/astral-sh/ruff-pre-commit\n  rev: v0.6.9\n  hooks:\n  - id: ruff\n    entry: ruff check \\\n',
      'cfg.yaml:6: hook ruff (repo https://github.com/astral-sh/ruff-pre-commit) field `entry` "ruff check \\\\" cannot be split into a command: it ends in a backslash (character 12) that escapes nothing',
      'in the `entry` of hook ruff in cfg.yaml: drop the final backslash, or double it (\\\\) for a literal backslash',
    ],
  ])(
    '%j is a PRE_COMMIT_CONFIG UserError with the line of the entry, what is wrong and the fix',
    (text, message, hint) => {
      const error = userErrorFrom(() => readPreCommitConfig(text, 'cfg.yaml'))
      expect([error.code, error.exitCode, error.message, error.hint]).toEqual(['PRE_COMMIT_CONFIG', 2, message, hint])
    },
  )

  test('a quote escaped or closed is no mistake', () => {
    const text =
      'repos:\n- repo: local\n  hooks:\n  - id: x\n    name: x\n    entry: sh -c "echo \\"hi\\"" \\\'\n    language: system\n'
    expect(readPreCommitConfig(text).hooks[0]?.fields.entry).toBe('sh -c "echo \\"hi\\"" \\\'')
  })
})
