import { extname } from 'node:path'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { JS_EXTENSIONS, PY_EXTENSIONS, sourceLanguage } from '../../../../src/domain/gates/layers/source-language.ts'

/** The definition: path.extname, lower-cased, looked up in the two lists. */
function byExtname(path: string): 'js' | 'py' | undefined {
  const ext = extname(path).toLowerCase()
  return JS_EXTENSIONS.includes(ext) ? 'js' : PY_EXTENSIONS.includes(ext) ? 'py' : undefined
}

describe('sourceLanguage()', () => {
  test("is path.extname's answer for any '/'-separated path", () => {
    const part = fc.oneof(
      fc.constantFrom('', '.', '..', '.ts', 'a.TS', 'b.py', '..py', 'x.d.ts', 'c.Pyi', 'mjs', 'a.', '.git', 'é.tsx'),
      fc.string({ maxLength: 6 }),
    )
    const path = fc.array(part, { minLength: 1, maxLength: 4 }).map((p) => p.join('/'))
    fc.assert(
      fc.property(path, (p) => {
        expect(sourceLanguage(p)).toBe(byExtname(p))
      }),
      { numRuns: 5000 },
    )
  })

  test('the common cases', () => {
    expect(sourceLanguage('src/a.ts')).toBe('js')
    expect(sourceLanguage('pkg/mod.PYI')).toBe('py')
    expect(sourceLanguage('src/.ts')).toBeUndefined()
    expect(sourceLanguage('README.md')).toBeUndefined()
  })
})
