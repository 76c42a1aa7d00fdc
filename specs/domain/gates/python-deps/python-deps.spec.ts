import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import {
  PYTHON_DEPS_DEFAULTS,
  pythonDepsCacheInputs,
  pythonDepsGate,
  scanPythonDeps,
} from '../../../../src/domain/gates/python-deps/python-deps.ts'
import { tempRepo } from '../_temp-repo.ts'
import { fixtureCopy, listFiles, NO_PYTHON, venv } from './_python-fixtures.ts'

const NO_ENV = { env: {}, runPython: NO_PYTHON }
const scan = (root: string, config = PYTHON_DEPS_DEFAULTS, context = NO_ENV) =>
  scanPythonDeps(root, listFiles(root), config, context)
const where = (r: ReturnType<typeof scan>) => r.findings.map((f) => `${f.severity} ${f.rule} ${f.file}:${f.line}`)

describe('pythonDepsGate', () => {
  test('skips a repository without Python dependency files, and says which files it looks for', () => {
    expect(pythonDepsGate.skipReason('/r', ['src/train.py', 'README.md'])).toMatch(
      /^no Python dependency files \(requirements\*\.txt, pyproject\.toml/,
    )
    expect(pythonDepsGate.skipReason('/r', ['src/train.py', 'requirements.txt'])).toBeUndefined()
  })

  test('defaults are plain JSON settings (what configs/gates.json overrides)', () => {
    expect(JSON.parse(JSON.stringify(PYTHON_DEPS_DEFAULTS))).toEqual(PYTHON_DEPS_DEFAULTS)
    expect(pythonDepsGate.name).toBe('python-deps')
  })
})

describe('scanPythonDeps()', () => {
  test('ml-repo: exactly the planted problems, as findings with file:line, rule and remediation', () => {
    const result = scan(fixtureCopy('ml-repo'))
    expect(where(result)).toEqual([
      'warn conflicting-pins pyproject.toml:9',
      'error lock-mismatch pyproject.toml:9',
      'error unpinned requirements.txt:5',
      'error open-ended requirements.txt:6',
    ])
    expect(
      result.findings.every((f) => f.gate === 'python-deps' && f.remediation.length > 0 && f.fingerprint.length === 16),
    ).toBe(true)
    expect(result.events?.[0]?.message).toBe(
      'python-deps: application (lock file uv.lock); 17 declarations in 5 files; 1 lock file(s); environment: none found',
    )
    expect(result.report?.markdown).toContain(
      '| error | unpinned | requirements.txt:5 | torch has no version constraint',
    )
    const torch = result.findings.find((f) => f.rule === 'unpinned')!
    expect(torch.remediation).toBe(
      'pin it (torch==<version you test with>), or add a lock file (uv lock, poetry lock, pip-compile) or a -c constraints pin',
    )
  })

  test('ml-repo-poetry: exactly the planted lock problems', () => {
    expect(where(scan(fixtureCopy('ml-repo-poetry')))).toEqual([
      'error lock-mismatch pyproject.toml:11',
      'error missing-from-lock pyproject.toml:21',
    ])
  })

  test('a library: notes, not findings; they come back as info events and in the report', () => {
    const root = tempRepo({ 'pyproject.toml': '[project]\nname = "lib"\ndependencies = ["torch>=2", "numpy"]\n' })
    const result = scan(root)
    expect(result.findings).toEqual([])
    expect(result.events?.slice(1).map((e) => [e.level, e.message])).toEqual([
      [
        'info',
        'pyproject.toml:3 open-ended: torch in project.dependencies has no upper bound (>=2): fine for a library, unless you know a major version breaks you',
      ],
      [
        'info',
        'pyproject.toml:3 unpinned: numpy in project.dependencies has no lower bound (any version): resolvers may pick a version too old to work',
      ],
    ])
    expect(result.report?.json).toMatchObject({
      issues: [
        { severity: 'info', rule: 'open-ended' },
        { severity: 'info', rule: 'unpinned' },
      ],
    })
  })

  test('kind: "library" in the config turns the ml-repo errors into notes; the lock checks stay', () => {
    const result = scan(fixtureCopy('ml-repo'), { ...PYTHON_DEPS_DEFAULTS, kind: 'library' })
    expect(where(result)).toEqual(['warn conflicting-pins pyproject.toml:9', 'error lock-mismatch pyproject.toml:9'])
  })

  test('with a .venv: installed drift and licences join in; check_installed and check_licenses turn them off', () => {
    const root = fixtureCopy(
      'ml-repo',
      venv([
        { name: 'torch', version: '2.3.0', licenseExpression: 'BSD-3-Clause' },
        { name: 'numpy', version: '1.26.4', licenseExpression: 'BSD-3-Clause' },
        { name: 'tokenizers', version: '0.19.0', licenseExpression: 'Apache-2.0' },
        { name: 'safetensors', version: '0.4.3', licenseExpression: 'Apache-2.0' },
        { name: 'transformers', version: '4.40.2', license: 'Apache 2.0 License' },
        { name: 'tqdm', version: '4.66.4', licenseExpression: 'MPL-2.0 AND MIT' },
        { name: 'pyyaml', version: '6.0.1', license: 'MIT' },
        {
          name: 'sentencepiece',
          version: '0.2.0',
          classifiers: ['License :: OSI Approved :: Apache Software License'],
        },
        { name: 'wandb', version: '0.17.0', license: 'MIT License' },
        { name: 'fastapi', version: '0.111.0', license: 'MIT' },
        { name: 'uvicorn', version: '0.30.1', license: 'BSD' },
      ]),
    )
    const result = scan(root)
    expect(where(result)).toEqual([
      'warn conflicting-pins pyproject.toml:9',
      'error installed-drift pyproject.toml:9',
      'error lock-mismatch pyproject.toml:9',
      'error license-not-allowed requirements-base.txt:2',
      'error installed-drift requirements-serve.txt:6',
      'error unpinned requirements.txt:5',
      'error open-ended requirements.txt:6',
    ])
    const licence = result.findings.find((f) => f.rule === 'license-not-allowed')!
    expect(licence.message).toMatch(/^tqdm 4\.66\.4 is licensed MPL-2\.0 AND MIT \(from License-Expression\)/)
    expect(result.events?.[0]?.message).toMatch(/environment: \.venv /)
    const off = scan(root, { ...PYTHON_DEPS_DEFAULTS, check_installed: false, check_licenses: false })
    expect(where(off)).toHaveLength(4)
  })

  test('fingerprints survive a line moving: an inserted comment changes lines, not identities', () => {
    const root = fixtureCopy('ml-repo')
    const before = scan(root).findings
    writeFileSync(join(root, 'requirements.txt'), `# moved\n${readFileSync(join(root, 'requirements.txt'), 'utf8')}`)
    const after = scan(root).findings
    expect(after.map((f) => f.fingerprint)).toEqual(before.map((f) => f.fingerprint))
    const unpinned = (fs: typeof before) => fs.find((f) => f.rule === 'unpinned')!.line!
    expect(unpinned(after)).toBe(unpinned(before) + 1)
  })
})

describe('pythonDepsCacheInputs()', () => {
  test('every dependency file read, includes included; the environment and env-var values as hashed extras', () => {
    const files = {
      'requirements.txt': `-r ci/pins.txt\ntorch==\${TORCH_VERSION}\n`,
      'ci/pins.txt': 'numpy==1.26.4\n',
      'pyproject.toml': '[project]\nname = "x"\n',
      'src/train.py': '',
    }
    const root = tempRepo(files)
    const inputs = (env: Record<string, string>) =>
      pythonDepsCacheInputs(root, listFiles(root), PYTHON_DEPS_DEFAULTS, { env, runPython: NO_PYTHON })
    const base = inputs({ TORCH_VERSION: '2.3.0' })
    expect(base.contents).toEqual(['ci/pins.txt', 'pyproject.toml', 'requirements.txt'])
    expect(base.extra?.env_vars).not.toBe(inputs({ TORCH_VERSION: '2.4.0' }).extra?.env_vars)
    expect(JSON.stringify(base)).not.toContain('2.3.0')
    const withVenv = tempRepo({ ...files, ...venv([{ name: 'torch', version: '2.3.0' }]) })
    const venvInputs = pythonDepsCacheInputs(withVenv, listFiles(withVenv), PYTHON_DEPS_DEFAULTS, {
      env: {},
      runPython: NO_PYTHON,
    })
    expect(venvInputs.extra?.python_environment).not.toBe(base.extra?.python_environment)
  })
})
