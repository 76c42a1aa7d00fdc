import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { resolveGatesConfig } from '../../../../src/domain/gates/gates-config.ts'
import { preCommitToGatesConfig } from '../../../../src/domain/gates/pre-commit/pre-commit-to-gates-config.ts'
import { readPreCommitConfig } from '../../../../src/domain/gates/pre-commit/read-pre-commit-config.ts'
import { userErrorFrom } from '../../../support/user-error.ts'

const SEEDS = join(import.meta.dirname, '../../../fixtures/pre-commit/seeds-style/.pre-commit-config.yaml')

describe('preCommitToGatesConfig()', () => {
  test('the seeds-style config: tool hooks become command gates, built-in gates take what they cover, notes for the rest', () => {
    const { gates, notes } = preCommitToGatesConfig(readPreCommitConfig(readFileSync(SEEDS, 'utf8')))
    expect(gates).toEqual({
      ruff: {
        run: ['ruff', 'check', '--force-exclude', '--fix'],
        pass_filenames: true,
        stages: ['commit', 'ci'],
        serial: true,
      },
      'ruff-format': {
        run: ['ruff', 'format', '--force-exclude'],
        pass_filenames: true,
        stages: ['commit', 'ci'],
        serial: true,
      },
      black: { run: ['black'], pass_filenames: true, stages: ['manual'], serial: true },
      'large-files': { max_bytes: 512_000 },
      'sqlfluff-lint': {
        run: ['sqlfluff', 'lint', '--dialect', 'sqlite'],
        pass_filenames: true,
        types: ['sql'],
        stages: ['commit', 'ci'],
        serial: true,
      },
      mypy: {
        run: ['mypy', '--ignore-missing-imports', '--scan-namespace-packages'],
        pass_filenames: true,
        stages: ['commit', 'ci'],
        serial: true,
        format: 'lines',
        pattern: 'mypy',
      },
      'pytest-quick': { run: ['pytest', '-q', '-x', 'tests'], pass_filenames: false, stages: ['commit', 'ci'] },
      bandit: { run: ['bandit', '-lll'], pass_filenames: true, types: ['python'], stages: ['commit', 'ci'] },
      secrets: { detect_secrets_baseline: '.secrets.baseline' },
    })
    expect(notes).toEqual([
      '.pre-commit-config.yaml:8 hook ruff: types_or [python, pyi, jupyter] has no command-gate equivalent; check gates.ruff.files',
      '.pre-commit-config.yaml:10 hook ruff-format: types_or [python, pyi, jupyter] has no command-gate equivalent; check gates.ruff-format.files',
      '.pre-commit-config.yaml:14 hook black: types_or [python, pyi] has no command-gate equivalent; check gates.black.files',
      '.pre-commit-config.yaml:19 hook trailing-whitespace: runs natively from .pre-commit-config.yaml; keep the file (or "pre_commit": false to drop it)',
      '.pre-commit-config.yaml:20 hook end-of-file-fixer: runs natively from .pre-commit-config.yaml; keep the file (or "pre_commit": false to drop it)',
      '.pre-commit-config.yaml:21 hook check-yaml: runs natively from .pre-commit-config.yaml; keep the file (or "pre_commit": false to drop it)',
      '.pre-commit-config.yaml:22 hook mixed-line-ending: runs natively from .pre-commit-config.yaml; keep the file (or "pre_commit": false to drop it)',
      '.pre-commit-config.yaml:24 hook check-added-large-files: the large-files gate covers it (max_bytes 512000)',
      '.pre-commit-config.yaml:26 hook detect-private-key: the secrets gate covers it (private keys are one of its rules)',
      '.pre-commit-config.yaml:35 hook mypy: types_or [python, pyi] has no command-gate equivalent; check gates.mypy.files',
      '.pre-commit-config.yaml:53 hook detect-secrets: the secrets gate covers it, accepting what .secrets.baseline lists',
    ])
    // What it gives is a valid codex-gates.json gates section.
    const config = resolveGatesConfig({ gates }, undefined)
    expect(Object.keys(config.commands)).toEqual([
      'ruff',
      'ruff-format',
      'black',
      'sqlfluff-lint',
      'mypy',
      'pytest-quick',
      'bandit',
    ])
    expect(config.gates['large-files'].max_bytes).toBe(512_000)
  })

  test('regexes stay regexes, a clash with a built-in name gets -hook, repeated ids a number', () => {
    const config = readPreCommitConfig(`repos:
  - repo: local
    hooks:
      - id: secrets
        name: secrets
        entry: ./scripts/scan.sh
        language: script
        files: src/
        exclude: generated
        stages: [pre-push]
      - id: lint
        name: lint a
        entry: lint --a
        language: system
      - id: lint
        name: lint b
        entry: lint --b
        language: system
        files: ^docs/.*\\.md$
`)
    const { gates } = preCommitToGatesConfig(config)
    expect(gates).toEqual({
      'secrets-hook': {
        run: ['./scripts/scan.sh'],
        pass_filenames: true,
        files: ['^.*?(?:src/)'],
        exclude: ['^.*?(?:generated)'],
        stages: ['push'],
      },
      'lint-hook': { run: ['lint', '--a'], pass_filenames: true, stages: ['commit', 'ci', 'push', 'manual'] },
      'lint-2': {
        run: ['lint', '--b'],
        pass_filenames: true,
        files: ['^docs/.*\\.md$'],
        stages: ['commit', 'ci', 'push', 'manual'],
      },
    })
  })
})

describe('preCommitToGatesConfig(): an entry shlex cannot split', () => {
  test('is a PRE_COMMIT_CONFIG UserError naming file, line, hook, field and the fix, not a crash', () => {
    const config = {
      ...readPreCommitConfig('repos: []\n', 'cfg.yaml'),
      hooks: [
        {
          repo: 'local',
          rev: null,
          id: 'ruff',
          line: 4,
          fields: { name: 'r', entry: 'ruff check "src', language: 'unsupported' },
        },
      ],
    }
    const error = userErrorFrom(() => preCommitToGatesConfig(config))
    expect([error.code, error.message, error.hint]).toEqual([
      'PRE_COMMIT_CONFIG',
      'cfg.yaml:4: hook ruff (repo local) field `entry` "ruff check \\"src" cannot be split into a command: the " at character 12 is never closed',
      'in the `entry` of hook ruff in cfg.yaml: add the closing ", or escape the quote as \\" if it is meant literally',
    ])
  })
})
