import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import {
  type Finding,
  fingerprintOf,
  formatFinding,
  makeFinding,
  sortFindings,
} from '../../../src/domain/gates/finding.ts'

const base = {
  gate: 'deps',
  rule: 'lock-out-of-date',
  severity: 'error' as const,
  file: 'package.json' as string | null,
  line: 4 as number | null,
  message: 'a is "^2" in package.json but "^1" in package-lock.json',
  remediation: 'run `npm install`',
}

describe('makeFinding() / fingerprintOf()', () => {
  test('the fingerprint is 16 hex characters and ignores the line, so moved findings keep their identity', () => {
    const f = makeFinding(base)
    expect(f.fingerprint).toMatch(/^[0-9a-f]{16}$/)
    expect(makeFinding({ ...base, line: 99 }).fingerprint).toBe(f.fingerprint)
    expect(f.fingerprint).toBe(fingerprintOf('deps', 'lock-out-of-date', 'package.json', base.message))
  })

  test('identity replaces the message in the fingerprint and is not kept on the finding', () => {
    const a = makeFinding({ ...base, identity: 'a' })
    expect(a).not.toHaveProperty('identity')
    expect(makeFinding({ ...base, message: 'reworded', identity: 'a' }).fingerprint).toBe(a.fingerprint)
    expect(makeFinding({ ...base, identity: 'b' }).fingerprint).not.toBe(a.fingerprint)
  })

  test('parts are joined with NUL, so a file and an identity cannot run into each other', () => {
    expect(fingerprintOf('g', 'r', null, 'x')).toBe(fingerprintOf('g', 'r', '', 'x'))
    expect(fingerprintOf('g', 'r', null, 'x')).not.toBe(fingerprintOf('g', 'r', 'x', ''))
  })
})

describe('formatFinding()', () => {
  test('file:line when both are known, the file alone without a line, (repository) without a file', () => {
    expect(formatFinding(makeFinding(base))).toBe(
      'deps package.json:4 lock-out-of-date: a is "^2" in package.json but "^1" in package-lock.json — fix: run `npm install`',
    )
    expect(formatFinding(makeFinding({ ...base, line: null }))).toMatch(/^deps package\.json lock-out-of-date: /)
    expect(formatFinding(makeFinding({ ...base, file: null, line: null }))).toMatch(
      /^deps \(repository\) lock-out-of-date: /,
    )
  })
})

describe('sortFindings()', () => {
  const f = (file: string | null, line: number | null, rule: string, message = 'm') =>
    makeFinding({ ...base, file, line, rule, message })

  test('orders by file, then line, then rule, then message; repository-wide findings first', () => {
    const input = [
      f('b.ts', 2, 'r'),
      f('a.ts', 10, 'r'),
      f('a.ts', 9, 'z'),
      f(null, null, 'r'),
      f('a.ts', 9, 'a', 'second'),
      f('a.ts', 9, 'a', 'first'),
      f('a.ts', null, 'r'),
    ]
    expect(sortFindings(input).map((x) => `${x.file}:${x.line} ${x.rule} ${x.message}`)).toEqual([
      'null:null r m',
      'a.ts:null r m',
      'a.ts:9 a first',
      'a.ts:9 a second',
      'a.ts:9 z m',
      'a.ts:10 r m',
      'b.ts:2 r m',
    ])
  })

  test('returns a sorted copy: same findings, input untouched, idempotent, order-independent', () => {
    const findingArb = fc
      .record({
        file: fc.option(fc.constantFrom('a.ts', 'b.ts', 'c/d.md'), { nil: null }),
        // lines are 1-based: a missing line sorts as 0, before line 1
        line: fc.option(fc.integer({ min: 1, max: 5 }), { nil: null }),
        rule: fc.constantFrom('x', 'y'),
        message: fc.constantFrom('m1', 'm2'),
      })
      .map((r) => f(r.file, r.line, r.rule, r.message))
    fc.assert(
      fc.property(fc.array(findingArb, { maxLength: 12 }), (findings) => {
        const before = [...findings]
        const sorted = sortFindings(findings)
        expect(findings).toEqual(before)
        expect(sorted).not.toBe(findings)
        expect(sortFindings(sorted)).toEqual(sorted)
        expect(sortFindings([...findings].reverse())).toEqual(sorted)
        const key = (x: Finding) => JSON.stringify(x)
        expect(sorted.map(key).sort()).toEqual(findings.map(key).sort())
      }),
    )
  })
})
