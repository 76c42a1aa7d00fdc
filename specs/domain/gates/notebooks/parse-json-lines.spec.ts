import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { parseJsonWithLines } from '../../../../src/domain/gates/notebooks/parse-json-lines.ts'

describe('parseJsonWithLines()', () => {
  test('gives the same value as JSON.parse, for any JSON at any indentation (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(undefined, 1, 2, '\t'), (value, indent) => {
        const text = JSON.stringify(value, null, indent)
        expect(parseJsonWithLines(text).value).toEqual(JSON.parse(text))
      }),
      { numRuns: 300 },
    )
  })

  test('records the line where each array element and member value starts', () => {
    const text = ['{', ' "source": [', '  "a\\n",', '  "b"', ' ],', ' "n":', '  1', '}'].join('\n')
    const parsed = parseJsonWithLines(text)
    const root = parsed.value as { source: string[] }
    expect(parsed.elementLines.get(root.source)).toEqual([3, 4])
    expect([...(parsed.memberLines.get(root) ?? [])]).toEqual([
      ['source', 2],
      ['n', 7],
    ])
    expect(root.source).toEqual(['a\n', 'b'])
  })

  test('a "__proto__" member is data, as with JSON.parse', () => {
    const value = parseJsonWithLines('{"__proto__": {"x": 1}}').value as Record<string, unknown>
    expect(Object.keys(value)).toEqual(['__proto__'])
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype)
  })

  test.each([
    ['{"a": 1,\n "b" 2}', "expected ':' at line 2"],
    ['[1,\n2,\n', 'unexpected character at line 3'],
    ['"abc', 'unterminated string at line 1'],
    ['{} x', 'unexpected text after the JSON value at line 1'],
  ])('malformed %j is a SyntaxError naming the line', (text, message) => {
    expect(() => parseJsonWithLines(text)).toThrow(message)
  })
})
