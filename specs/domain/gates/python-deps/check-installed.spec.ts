import { describe, expect, test } from 'vitest'
import { checkInstalled, installScope } from '../../../../src/domain/gates/python-deps/check-installed.ts'
import {
  findPythonEnvironment,
  installedDistributions,
} from '../../../../src/domain/gates/python-deps/python-environment.ts'
import { tempRepo } from '../_temp-repo.ts'
import { brief, memoryProject } from './_load.ts'
import { NO_PYTHON, venv } from './_python-fixtures.ts'

const FILES = {
  'pyproject.toml': `[project]
name = "app"
dependencies = [
  "torch>=2.1",
  "numpy>=1.24,<2",
  "safetensors>=0.4",
  "pywin32>=306 ; sys_platform == 'win32'",
]
[project.optional-dependencies]
eval = ["datasets>=2.18"]
`,
  'uv.lock': `version = 1
[[package]]
name = "app"
version = "0"
source = { virtual = "." }
[[package]]
name = "torch"
version = "2.3.0"
[[package]]
name = "numpy"
version = "1.26.4"
[[package]]
name = "safetensors"
version = "0.4.3"
[[package]]
name = "datasets"
version = "2.19.1"
`,
  'requirements-tools.txt': 'tqdm==4.66.4\nrich>=13\n',
}

describe('checkInstalled()', () => {
  const installed = venv([
    { name: 'torch', version: '2.3.0' },
    { name: 'numpy', version: '2.0.0' }, // outside >=1.24,<2
    { name: 'safetensors', version: '0.4.2' }, // inside >=0.4 but not the locked 0.4.3
    { name: 'tqdm', version: '4.66.4' },
  ])

  test('drift against the declaration and against the lock, a missing runtime package; extras and false markers skipped', () => {
    const root = tempRepo({ ...FILES, ...installed })
    const env = findPythonEnvironment(root, {}, NO_PYTHON)!
    const issues = checkInstalled(memoryProject(FILES), env, installedDistributions(env))
    expect(brief(issues)).toEqual([
      'error installed-drift pyproject.toml:5',
      'error installed-drift uv.lock:13',
      'warn not-installed requirements-tools.txt:2',
    ])
    expect(issues[0]!.message).toMatch(
      /^numpy is declared <2,>=1.24 but 2\.0\.0 is installed \(.*numpy-2\.0\.0\.dist-info\)$/,
    )
    expect(issues[1]!.message).toMatch(/^safetensors is locked at 0\.4\.3 but 0\.4\.2 is installed/)
    expect(issues[1]!.remediation).toBe('run `uv sync` to install what uv.lock says')
    expect(issues[2]!.remediation).toBe('run `pip install -r requirements-tools.txt`')
  })

  test('with the system python3 (shared by other projects) drift warns and a missing package is a note', () => {
    const root = tempRepo({ ...FILES, ...installed })
    const env = { ...findPythonEnvironment(root, {}, NO_PYTHON)!, origin: 'python3' as const }
    const issues = checkInstalled(memoryProject(FILES), env, installedDistributions(env))
    expect(issues.map((i) => `${i.severity} ${i.rule}`)).toEqual([
      'warn installed-drift',
      'warn installed-drift',
      'info not-installed',
    ])
  })

  test("installScope(): an application's core install includes its requirements files, a library's does not", () => {
    const project = memoryProject(FILES)
    const names = (kind: 'application' | 'library') =>
      project.declared.filter(installScope(kind)).map((d) => `${d.section}:${d.name}`)
    expect(names('application')).toEqual([
      'project.dependencies:torch',
      'project.dependencies:numpy',
      'project.dependencies:safetensors',
      'project.dependencies:pywin32',
      'requirements:tqdm',
      'requirements:rich',
    ])
    expect(names('library')).toEqual(names('application').slice(0, 4))
  })
})
