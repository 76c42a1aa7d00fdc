import { describe, expect, test } from 'vitest'
import { pyrightEntry, pyrightVersion, runPyright } from '../../../../src/domain/gates/python-types/run-pyright.ts'
import { tempRepo } from '../_temp-repo.ts'

describe('runPyright()', () => {
  const files = {
    'a.py': 'x: int = "a"\n',
    'b.py': 'y: str = 1\n',
    'pyrightconfig.json': '{ "exclude": ["b.py"] }',
  }

  test('checks the listed files, honouring the config’s exclude; 1-based lines, repo-relative files', {
    timeout: 120_000,
  }, async () => {
    const run = await runPyright(tempRepo(files), ['a.py', 'b.py'], 120_000)
    expect(run.version).toBe(pyrightVersion())
    expect(run.filesAnalyzed).toBe(1)
    expect(run.diagnostics).toEqual([
      expect.objectContaining({ file: 'a.py', line: 1, column: 10, severity: 'error', rule: 'reportAssignmentType' }),
    ])
  })

  test('a file list too long for the command line: the configured project, kept to the listed files', {
    timeout: 120_000,
  }, async () => {
    const root = tempRepo({ ...files, 'pyrightconfig.json': '{}', 'c.py': 'z: int = "c"\n' })
    const run = await runPyright(root, ['a.py', 'b.py'], 120_000, 1)
    expect(run.filesAnalyzed).toBe(3)
    expect(run.diagnostics.map((d) => d.file).sort()).toEqual(['a.py', 'b.py'])
  })

  test('pyrightEntry() is the package’s CLI script', () => {
    expect(pyrightEntry()).toMatch(/node_modules\/pyright\/index\.js$/)
  })
})
