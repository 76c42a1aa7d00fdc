import { spawnSync } from 'node:child_process'
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { describe, expect, test } from 'vitest'
import {
  flattenMessage,
  PYTHON_TYPES_DEFAULTS,
  pythonTypesGate,
  pythonTypesInputs,
  scanPythonTypes,
  writeBaseline,
} from '../../../../src/domain/gates/python-types/python-types-gate.ts'
import { tempRepo } from '../_temp-repo.ts'

// A few type errors, an unresolved package (torch, imported twice), an unresolved relative import,
// and a setting in [tool.pyright] that turns one error into a warning.
const FIXTURE = {
  // An empty virtual environment of the fixture's own: pyright resolves imports there, not in this
  // machine's Python (where torch may well be installed), so "torch is missing" holds everywhere.
  'pyproject.toml': '[tool.pyright]\nreportAttributeAccessIssue = "warning"\nvenvPath = "."\nvenv = ".venv"\n',
  '.venv/pyvenv.cfg': 'home = /usr/bin\ninclude-system-site-packages = false\n',
  '.venv/lib/python3.11/site-packages/.keep': '',
  'pkg/__init__.py': '',
  'pkg/model.py': [
    'import torch',
    'from torch import nn',
    'from .missing_sibling import helper',
    '',
    '',
    'class Config:',
    '    n_layer: int = 12',
    '',
    '',
    'def build(cfg: Config) -> int:',
    '    width: int = "wide"',
    '    return cfg.n_layers + width',
    '',
    '',
    'def run() -> int:',
    '    return build(Config(), 2)',
    '',
  ].join('\n'),
  'pkg/clean.py': 'def add(a: int, b: int) -> int:\n    return a + b\n',
}
const FILES = ['pkg/__init__.py', 'pkg/clean.py', 'pkg/model.py']

/** The pyright CLI from the same npm package, run by hand in the fixture (config found in the cwd). */
function cliDiagnostics(
  root: string,
): { file: string; line: number; rule: string; message: string; severity: string }[] {
  const entry = join(dirname(createRequire(import.meta.url).resolve('pyright/package.json')), 'index.js')
  const out = spawnSync(process.execPath, [entry, '--outputjson', ...FILES], { cwd: root, encoding: 'utf8' })
  const json = JSON.parse(out.stdout) as {
    generalDiagnostics: {
      file: string
      range: { start: { line: number } }
      rule: string
      message: string
      severity: string
    }[]
  }
  return json.generalDiagnostics.map((d) => ({
    file: d.file.slice(root.length + 1),
    line: d.range.start.line + 1,
    rule: d.rule,
    message: flattenMessage(d.message),
    severity: d.severity,
  }))
}

const key = (d: { file: string | null; line: number | null; rule: string; message: string }) =>
  `${d.file}:${d.line} ${d.rule} ${d.message.replace(/ \(col \d+\)$/, '')}`

describe('scanPythonTypes()', () => {
  test('its diagnostics are the pyright CLI’s, on the same files and config', { timeout: 120_000 }, async () => {
    const root = tempRepo(FIXTURE)
    const cli = cliDiagnostics(root)
    expect(cli.map((d) => d.rule).sort()).toEqual([
      'reportAssignmentType',
      'reportAttributeAccessIssue',
      'reportCallIssue',
      'reportMissingImports',
      'reportMissingImports',
      'reportMissingImports',
    ])
    // The config was read: reportAttributeAccessIssue is a warning there.
    expect(cli.find((d) => d.rule === 'reportAttributeAccessIssue')?.severity).toBe('warning')

    const asIs = await scanPythonTypes(root, FILES, { ...PYTHON_TYPES_DEFAULTS, missing_imports: 'error' })
    expect(new Set(asIs.findings.map(key))).toEqual(new Set(cli.map(key)))
    expect(asIs.findings.find((f) => f.rule === 'reportAttributeAccessIssue')?.severity).toBe('warn')
    expect(asIs.findings.find((f) => f.rule === 'reportCallIssue')?.severity).toBe('error')

    // warn-once: the torch diagnostics go, one warning per package takes their place.
    const warnOnce = await scanPythonTypes(root, FILES, PYTHON_TYPES_DEFAULTS)
    const torchFree = cli.filter((d) => !(d.rule === 'reportMissingImports' && d.message.includes('"torch"')))
    expect(new Set(warnOnce.findings.filter((f) => f.rule !== 'missing-import').map(key))).toEqual(
      new Set(torchFree.map(key)),
    )
    const missing = warnOnce.findings.filter((f) => f.rule === 'missing-import')
    expect(missing).toHaveLength(1)
    expect(missing[0]).toMatchObject({ severity: 'warn', file: 'pkg/model.py', line: 1 })
    expect(missing[0]?.remediation).toMatch(/^pip install torch /)
  })

  test('the baseline holds the line: accepted errors pass, a new one fails', { timeout: 180_000 }, async () => {
    const root = tempRepo(FIXTURE)
    const config = { ...PYTHON_TYPES_DEFAULTS, baseline: '.codex-gates/python-types.baseline.json' }
    const written = await writeBaseline(root, FILES, config)
    expect(written).toEqual({ path: config.baseline, files: 1, diagnostics: 4 })
    const saved = JSON.parse(readFileSync(join(root, config.baseline), 'utf8'))
    expect(saved.pyright).toBe('1.1.414')
    expect(Object.keys(saved.files['pkg/model.py']).every((k) => /^report\w+:[0-9a-f]{16}$/.test(k))).toBe(true)

    const held = await scanPythonTypes(root, FILES, config)
    expect(held.findings.filter((f) => f.severity === 'error')).toEqual([])
    expect(held.events?.[0]).toMatchObject({
      level: 'info',
      message: expect.stringContaining('4 pyright diagnostics accepted'),
    })
    expect(held.report?.markdown).toContain('| pkg/model.py:16 | reportCallIssue |')

    // Lines shifted (a comment on top) and one more error of a kind already accepted once.
    writeFileSync(join(root, 'pkg/model.py'), `# shifted\n${FIXTURE['pkg/model.py']}`)
    appendFileSync(join(root, 'pkg/model.py'), '\n\ndef again() -> int:\n    return build(Config(), 2)\n')
    const grown = await scanPythonTypes(root, FILES, config)
    expect(grown.findings.filter((f) => f.severity === 'error').map((f) => `${f.rule} ${f.file}:${f.line}`)).toEqual([
      'reportCallIssue pkg/model.py:21',
    ])
  })

  test('a broken pyright config is a UserError', { timeout: 120_000 }, async () => {
    const root = tempRepo({ ...FIXTURE, 'pyrightconfig.json': '{ "typeCheckingMode": ' })
    await expect(scanPythonTypes(root, FILES, PYTHON_TYPES_DEFAULTS)).rejects.toMatchObject({
      name: 'UserError',
      code: 'PYTHON_TYPES_CONFIG',
    })
  })

  test('an unknown pyright setting is a warning finding', { timeout: 120_000 }, async () => {
    const root = tempRepo({ ...FIXTURE, 'pyproject.toml': '[tool.pyright]\nreportNoSuchThing = "error"\n' })
    const { findings } = await scanPythonTypes(root, ['pkg/clean.py'], PYTHON_TYPES_DEFAULTS)
    expect(findings).toEqual([
      expect.objectContaining({
        rule: 'pyright-config',
        severity: 'warn',
        message: expect.stringContaining('reportNoSuchThing'),
      }),
    ])
  })
})

describe('pythonTypesGate', () => {
  test('skips a repository without Python files', () => {
    expect(pythonTypesGate.skipReason('/x', ['README.md'])).toBe('no .py or .pyi files')
  })

  test('cache inputs: Python files, pyright config files and their extends, the baseline, versions', () => {
    const root = tempRepo({
      'pyrightconfig.json': '{\n  // shared settings\n  "extends": "configs/base.json"\n}\n',
      'configs/base.json': '{}',
    })
    const inputs = pythonTypesInputs(root, ['a.py', 'README.md'], PYTHON_TYPES_DEFAULTS)
    expect(inputs.contents).toEqual([
      'a.py',
      'pyrightconfig.json',
      'pyproject.toml',
      'configs/base.json',
      'configs/python-types.baseline.json',
    ])
    expect(inputs.extra?.pyright).toBe('1.1.414')
    expect(inputs.extra?.python).toMatch(/^(python3?:[0-9a-f]{16}|no-python)$/)
  })

  test('[tool.pyright] extends is followed too', () => {
    const root = tempRepo({
      'pyproject.toml': '[tool.pyright]\nextends = "base/pyproject.toml"\n',
      'base/pyproject.toml': '',
    })
    expect(pythonTypesInputs(root, [], PYTHON_TYPES_DEFAULTS).contents).toContain('base/pyproject.toml')
  })
})
