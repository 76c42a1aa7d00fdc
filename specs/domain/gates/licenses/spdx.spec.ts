import { describe, expect, test } from 'vitest'
import { parseSpdx, spdxAllowed } from '../../../../src/domain/gates/licenses/spdx.ts'

const allowed = new Set(['MIT', 'Apache-2.0', 'GPL-2.0-only'])

describe('parseSpdx() / spdxAllowed()', () => {
  test.each([
    ['MIT', true],
    ['(MIT OR GPL-3.0)', true],
    ['(BSD-2-Clause OR MIT OR Apache-2.0)', true],
    ['MIT AND GPL-3.0', false],
    ['MIT AND (Apache-2.0 OR GPL-3.0)', true],
    ['GPL-3.0', false],
    ['GPL-2.0-only WITH Classpath-exception-2.0', true],
    ['mit or WTFPL', false],
    ['WTFPL or MIT', true],
  ])('%s allowed: %s', (expression, expected) => {
    const tree = parseSpdx(expression)
    expect(tree).toBeDefined()
    expect(spdxAllowed(tree as NonNullable<typeof tree>, allowed)).toBe(expected)
  })

  test('OR binds looser than AND', () => {
    expect(parseSpdx('A OR B AND C')).toEqual({
      type: 'or',
      left: { type: 'license', id: 'A' },
      right: { type: 'and', left: { type: 'license', id: 'B' }, right: { type: 'license', id: 'C' } },
    })
  })

  test('free text is not an expression', () => {
    for (const text of [
      'SEE LICENSE IN LICENSE.md',
      '(MIT',
      'MIT OR',
      'AND MIT',
      '',
      'MIT AND',
      'MIT WITH',
      'MIT WITH )',
    ])
      expect(parseSpdx(text)).toBeUndefined()
  })
})
