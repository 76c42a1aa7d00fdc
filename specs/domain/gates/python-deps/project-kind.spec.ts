import { describe, expect, test } from 'vitest'
import { projectKind } from '../../../../src/domain/gates/python-deps/project-kind.ts'
import { loadPythonProject } from '../../../../src/domain/gates/python-deps/python-project.ts'

const kindOf = (files: Record<string, string>, configured: 'auto' | 'application' | 'library' = 'auto') =>
  projectKind(
    loadPythonProject(Object.keys(files), (p) => files[p]),
    configured,
  )

describe('projectKind()', () => {
  test.each<[string, Record<string, string>, string, RegExp]>([
    [
      'a lock file',
      { 'pyproject.toml': '[project]\nname = "x"\n', 'uv.lock': 'version = 1\n' },
      'application',
      /lock file uv.lock/,
    ],
    [
      'a package definition without a lock',
      { 'pyproject.toml': '[project]\nname = "x"\n', 'requirements.txt': 'torch\n' },
      'library',
      /pyproject.toml \[project\]/,
    ],
    ['setup.py and a requirements file', { 'setup.py': '', 'requirements.txt': 'torch\n' }, 'library', /setup.py/],
    [
      'a root requirements file and no package',
      { 'requirements.txt': 'torch\n' },
      'application',
      /requirements file requirements.txt/,
    ],
    ['requirements/ at the root', { 'requirements/train.txt': 'torch\n' }, 'application', /requirements\/train.txt/],
    ['only example requirements', { 'examples/a/requirements.txt': 'torch\n' }, 'library', /no lock file/],
    [
      '[tool.codex-gates] kind',
      { 'pyproject.toml': '[tool.codex-gates]\nkind = "application"\n' },
      'application',
      /\[tool.codex-gates\]/,
    ],
  ])('%s → %s', (_, files, kind, reason) => {
    const result = kindOf(files)
    expect(result.kind).toBe(kind)
    expect(result.reason).toMatch(reason)
  })

  test('the gate option wins over everything', () => {
    expect(kindOf({ 'uv.lock': 'version = 1\n' }, 'library')).toEqual({
      kind: 'library',
      reason: 'kind "library" in the gate config',
    })
  })
})
