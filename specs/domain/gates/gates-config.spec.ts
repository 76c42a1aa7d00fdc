import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import {
  GATE_DEFAULTS,
  GATE_NAMES,
  loadGatesConfig,
  resolveGatesConfig,
} from '../../../src/domain/gates/gates-config.ts'
import { GATES } from '../../../src/domain/gates/registry.ts'
import { PACKAGE_ROOT } from '../../../src/domain/gates/repo-files.ts'
import { userErrorFrom } from '../../support/user-error.ts'
import { tempRepo } from './_temp-repo.ts'

describe('loadGatesConfig()', () => {
  test("this repository's codex-gates.json is valid and names every gate", () => {
    const config = loadGatesConfig(PACKAGE_ROOT, {})
    expect(Object.keys(config.gates)).toEqual(GATE_NAMES)
    const raw = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'codex-gates.json'), 'utf8'))
    expect(Object.keys(raw.gates).sort()).toEqual([...GATE_NAMES].sort())
  })

  test('registry, defaults and schema list the same gates', () => {
    const schema = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'configs', 'schemas', 'codex-gates.schema.json'), 'utf8'))
    expect(Object.keys(GATES).sort()).toEqual([...GATE_NAMES].sort())
    expect(Object.keys(schema.properties.gates.properties).sort()).toEqual([...GATE_NAMES].sort())
  })

  test('a root without configs/gates.json gets the defaults', () => {
    const config = loadGatesConfig(tempRepo({ 'a.txt': '' }), {})
    expect(config).toMatchObject({ path: undefined, files: 'tracked', exclude: [] })
    expect(config.gates.secrets).toEqual(GATE_DEFAULTS.secrets)
  })

  test('settings lay over defaults field by field; severity maps merge', () => {
    const config = resolveGatesConfig({ gates: { secrets: { min_length: 20, severity: { jwt: 'warn' } } } }, undefined)
    expect(config.gates.secrets).toEqual({ ...GATE_DEFAULTS.secrets, min_length: 20, severity: { jwt: 'warn' } })
  })

  test('CODEX_GATES_CONFIG points elsewhere; a missing file is a user error', () => {
    const root = tempRepo({ 'my-gates.json': { gates: { lint: { enabled: false } } } })
    expect(loadGatesConfig(root, { CODEX_GATES_CONFIG: join(root, 'my-gates.json') }).gates.lint.enabled).toBe(false)
    expect(
      userErrorFrom(() => loadGatesConfig(root, { CODEX_GATES_CONFIG: join(root, 'none.json') })).message,
    ).toContain('CODEX_GATES_CONFIG points to a missing file')
  })
})

describe('invalid configs: exit 2 with the JSON path and the fix', () => {
  const messages = (raw: unknown) => {
    const e = userErrorFrom(() => resolveGatesConfig(raw, undefined))
    return { code: e.code, exit: e.exitCode, message: e.message, hint: e.hint }
  }

  test('a misspelled gate name suggests the nearest', () => {
    expect(messages({ gates: { secret: {} } })).toMatchInlineSnapshot(`
      {
        "code": "GATES_CONFIG",
        "exit": 2,
        "hint": "did you mean "secrets"? allowed here: typecheck, lint, secrets, env-files, docs-links, integrity, duplicates, placeholders, deps, toolchain, licenses, large-files, layers, python-deps, notebook-outputs, python-lint, python-types; or make it a command gate with "run": ["tool", "arg"] (schema: configs/schemas/codex-gates.schema.json)",
        "message": "gates config: /gates/secret is not a known setting",
      }
    `)
  })

  test('a wrong type names the path', () => {
    expect(messages({ gates: { secrets: { entropy_threshold: 'high' } } })).toMatchInlineSnapshot(`
      {
        "code": "GATES_CONFIG",
        "exit": 2,
        "hint": "fix the value at /gates/secrets/entropy_threshold (schema: configs/schemas/codex-gates.schema.json)",
        "message": "gates config: /gates/secrets/entropy_threshold must be number",
      }
    `)
  })

  test('a bad enum lists the allowed values; several problems are counted', () => {
    expect(messages({ files: 'all', gates: { lint: { timeout_ms: 5 } } })).toMatchInlineSnapshot(`
      {
        "code": "GATES_CONFIG",
        "exit": 2,
        "hint": "set /files to one of "tracked", "worktree"",
        "message": "gates config: /files must be one of "tracked", "worktree" (and 1 more problem)",
      }
    `)
  })

  test('a config that is not an object names the root path', () => {
    expect(messages(5)).toEqual({
      code: 'GATES_CONFIG',
      exit: 2,
      message: 'gates config: / must be object',
      hint: 'fix the value at / (schema: configs/schemas/codex-gates.schema.json)',
    })
  })

  test('an unknown top-level key is named from the root and the nearest key suggested', () => {
    expect(messages({ gatez: {} })).toEqual({
      code: 'GATES_CONFIG',
      exit: 2,
      message: 'gates config: /gatez is not a known setting',
      hint: 'did you mean "gates"? allowed here: files, exclude, baselines, gates, pre_commit, reports, python_drift (schema: configs/schemas/codex-gates.schema.json)',
    })
  })

  test('an unknown key with no near match lists what is allowed there', () => {
    const { message, hint } = messages({ gates: { lint: { qqqqqqqq: true } } })
    expect(message).toBe('gates config: /gates/lint/qqqqqqqq is not a known setting')
    expect(hint).toBe(
      'allowed here: enabled, timeout_ms, exclude, severity, format (schema: configs/schemas/codex-gates.schema.json)',
    )
  })

  test('three problems are counted in the plural', () => {
    expect(messages({ files: 'all', exclude: [''], gates: { lint: { timeout_ms: 5 } } }).message).toBe(
      'gates config: /files must be one of "tracked", "worktree" (and 2 more problems)',
    )
  })

  test('a file cut short names the file; no position, no line and column', () => {
    const root = tempRepo({ 'configs/gates.json': '' })
    const e = userErrorFrom(() => loadGatesConfig(root, {}))
    expect(e.message).toMatch(/configs\/gates\.json is not valid JSON: Unexpected end of JSON input$/)
    expect(e.hint).toMatch(/^fix the JSON syntax in .*configs\/gates\.json$/)
  })

  test('broken JSON names the file, line and column', () => {
    const root = tempRepo({ 'configs/gates.json': '{\n  "gates": {,\n}' })
    const e = userErrorFrom(() => loadGatesConfig(root, {}))
    expect(e.message).toMatch(/configs\/gates\.json is not valid JSON: .* \(line 2, column 13\)$/)
  })
})

describe('command gates and pre_commit in the config', () => {
  test('a key under gates with run is a command gate, laid over the defaults; pre_commit resolves', () => {
    const config = resolveGatesConfig(
      {
        gates: {
          mypy: { run: ['mypy', 'src'], files: ['src/**'], stages: ['commit', 'ci'], format: 'lines', pattern: 'mypy' },
          'smoke-cpu': { run: 'python3 train.py --steps 20', kind: 'smoke', expect: { falls: { loss: 0.5 } } },
        },
        pre_commit: { fix: true },
      },
      undefined,
    )
    expect(config.commands.mypy).toMatchObject({
      run: ['mypy', 'src'],
      files: ['src/**'],
      stages: ['commit', 'ci'],
      pass_filenames: false,
      timeout_ms: 300_000,
      cache: true,
      severity: 'error',
    })
    expect(config.commands['smoke-cpu']).toMatchObject({
      kind: 'smoke',
      cache: false,
      stages: ['push', 'ci', 'manual'],
      expect: { falls: { loss: 0.5 }, finite: true, min_steps: 1, final: {} },
      metrics: { format: 'json-lines', step_key: 'step' },
    })
    expect(config.preCommit).toEqual({ enabled: true, config: '.pre-commit-config.yaml', fix: true })
    expect(resolveGatesConfig({ pre_commit: false }, undefined).preCommit.enabled).toBe(false)
    expect(Object.keys(resolveGatesConfig({}, undefined).commands)).toEqual([])
  })

  test('a bad command-gate field names its path; a pre-commit: name is reserved', () => {
    const stage = userErrorFrom(() =>
      resolveGatesConfig({ gates: { mypy: { run: ['mypy'], stages: ['commmit'] } } }, undefined),
    )
    expect(stage.message).toBe('gates config: /gates/mypy/stages/0 must be one of "commit", "push", "ci", "manual"')
    const unknown = userErrorFrom(() =>
      resolveGatesConfig({ gates: { mypy: { run: ['mypy'], timeout: 30 } } }, undefined),
    )
    expect(unknown.message).toBe('gates config: /gates/mypy/timeout is not a known setting')
    expect(unknown.hint).toMatch(/^did you mean "timeout_ms"\? allowed here: run, kind, enabled/)
    const reserved = userErrorFrom(() => resolveGatesConfig({ gates: { 'pre-commit:x': { run: ['x'] } } }, undefined))
    expect(reserved.message).toMatch(/^gates config: \/gates\/pre-commit:x is not a valid gate name/)
  })

  test("the lint gate never reads codex-gates' own data: .codex-gates/ and the baselines folder, wherever it is", () => {
    const root = tempRepo({
      'codex-gates.json': { baselines: 'meta/baselines/', gates: { lint: { exclude: ['dist/**'] } } },
    })
    const config = loadGatesConfig(root, {})
    expect(config.gates.lint.exclude).toEqual(['dist/**', '.codex-gates/**', 'meta/baselines/**'])
    expect(config.gates.secrets.exclude).toEqual([]) // the other gates still read them
    const defaults = resolveGatesConfig({}, undefined)
    expect(defaults.gates.lint.exclude).toEqual(['.codex-gates/**', '.codex-gates/baselines/**'])
  })
})
