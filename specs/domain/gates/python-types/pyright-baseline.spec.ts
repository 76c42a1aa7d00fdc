import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import {
  baselineKey,
  buildBaseline,
  compareToBaseline,
  readPyrightBaseline,
  writePyrightBaseline,
} from '../../../../src/domain/gates/python-types/pyright-baseline.ts'
import type { PyrightDiagnostic } from '../../../../src/domain/gates/python-types/run-pyright.ts'
import { tempDir } from '../_temp-repo.ts'

function d(
  file: string,
  line: number,
  rule: string,
  message: string,
  severity: PyrightDiagnostic['severity'] = 'error',
): PyrightDiagnostic {
  return { file, line, column: 1, rule, message, severity }
}

describe('baselineKey()', () => {
  test('rule and a 16-hex hash of the message, line numbers left out', () => {
    const a = baselineKey({ rule: 'reportRedeclaration', message: 'Class "A" is obscured by a declaration on line 12' })
    const b = baselineKey({ rule: 'reportRedeclaration', message: 'Class "A" is obscured by a declaration on line 40' })
    expect(a).toMatch(/^reportRedeclaration:[0-9a-f]{16}$/)
    expect(a).toBe(b)
    expect(
      baselineKey({ rule: 'reportRedeclaration', message: 'Class "B" is obscured by a declaration on line 12' }),
    ).not.toBe(a)
  })
})

describe('compareToBaseline()', () => {
  test('without a baseline every error and warning is new; information never is', () => {
    const all = [d('a.py', 1, 'r', 'x'), d('a.py', 2, 'r', 'y', 'warning'), d('a.py', 3, 'r', 'z', 'information')]
    const { fresh, accepted } = compareToBaseline(all, undefined)
    expect(fresh.map((x) => x.line)).toEqual([1, 2])
    expect(accepted.map((x) => x.line)).toEqual([3])
  })

  test('a baseline built from a run accepts that run, wherever its lines move', () => {
    const diagnostic = fc.record({
      file: fc.constantFrom('a.py', 'pkg/b.py'),
      line: fc.integer({ min: 1, max: 50 }),
      column: fc.integer({ min: 1, max: 9 }),
      rule: fc.constantFrom('reportArgumentType', 'reportCallIssue'),
      message: fc.constantFrom('Expected 1 positional argument', 'Type "str" is not assignable to "int"'),
      severity: fc.constantFrom<PyrightDiagnostic['severity']>('error', 'warning', 'information'),
    })
    fc.assert(
      fc.property(fc.array(diagnostic), fc.integer({ min: 0, max: 30 }), (run, shift) => {
        const baseline = buildBaseline(run, '1.1.414')
        const moved = run.map((x) => ({ ...x, line: x.line + shift }))
        expect(compareToBaseline(moved, baseline).fresh).toEqual([])
      }),
    )
  })

  test('one more of an accepted kind is new: the last by line', () => {
    const baseline = buildBaseline([d('a.py', 5, 'reportCallIssue', 'Expected 1 positional argument')], '1.1.414')
    const now = [
      d('a.py', 9, 'reportCallIssue', 'Expected 1 positional argument'),
      d('a.py', 3, 'reportCallIssue', 'Expected 1 positional argument'),
    ]
    const { fresh, accepted } = compareToBaseline(now, baseline)
    expect(accepted.map((x) => x.line)).toEqual([3])
    expect(fresh.map((x) => x.line)).toEqual([9])
  })
})

describe('readPyrightBaseline() / writePyrightBaseline()', () => {
  test('round trip; absent is undefined', () => {
    const root = tempDir()
    expect(readPyrightBaseline(root, 'configs/b.json')).toBeUndefined()
    const baseline = buildBaseline([d('a.py', 1, 'reportCallIssue', 'm')], '1.1.414')
    writePyrightBaseline(root, 'configs/b.json', baseline)
    expect(readPyrightBaseline(root, 'configs/b.json')).toEqual(baseline)
  })

  test('a malformed baseline is a UserError naming the file and the fix', () => {
    const root = tempDir()
    writeFileSync(join(root, 'b.json'), '{"version": 1, "pyright": "x", "files": {"a.py": {"r:0": 0}}}')
    expect(() => readPyrightBaseline(root, 'b.json')).toThrow('b.json /files/a.py/r:0 must be a positive integer')
    writeFileSync(join(root, 'b.json'), '{')
    expect(() => readPyrightBaseline(root, 'b.json')).toThrow(/^b\.json is not valid JSON/)
  })
})
