import { describe, expect, test } from 'vitest'
import { parseJsonc } from '../../../../src/domain/gates/layers/parse-jsonc.ts'

describe('parseJsonc()', () => {
  test('comments and trailing commas go; strings keep what looks like them', () => {
    const text = `{
      // line comment
      "a": "http://x/*not a comment*/", /* block */
      "b": [1, 2, ],
      "c": { "d": "e,}", },
    }`
    expect(parseJsonc(text)).toEqual({ a: 'http://x/*not a comment*/', b: [1, 2], c: { d: 'e,}' } })
  })

  test('escaped quotes stay inside strings; invalid JSON still throws', () => {
    expect(parseJsonc('{ "q": "say \\"hi\\" // no" }')).toEqual({ q: 'say "hi" // no' })
    expect(() => parseJsonc('{ "a": }')).toThrow(SyntaxError)
  })
})
