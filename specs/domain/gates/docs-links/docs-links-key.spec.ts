import { extname } from 'node:path'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { docsLinksKey } from '../../../../src/domain/gates/docs-links/docs-links-key.ts'
import type { GateConfig } from '../../../../src/domain/gates/gates-config.ts'

describe('docsLinksKey.cacheInputs()', () => {
  test('the contents are exactly the files whose extname, lower-cased, is one of the extensions', () => {
    const part = fc.oneof(
      fc.constantFrom('', '.', '..', 'md', 'MD', '.md', 'a.Md', 'x.mdx', '.markdown', 'README'),
      fc.string({ maxLength: 5 }),
    )
    const file = fc.array(part, { minLength: 1, maxLength: 4 }).map((p) => p.join('/'))
    const extension = fc.oneof(
      fc.constantFrom('.md', '.mdx', '.markdown', '.MD', '', '.+', '.(x)'),
      fc.string({ maxLength: 4 }),
    )
    fc.assert(
      fc.property(fc.array(file, { maxLength: 30 }), fc.array(extension, { maxLength: 4 }), (files, extensions) => {
        const config = { extensions } as unknown as GateConfig<'docs-links'>
        const inputs = docsLinksKey.cacheInputs('/r', files, config)
        expect(inputs.contents).toEqual(files.filter((f) => extensions.includes(extname(f).toLowerCase())))
        expect(inputs.listing).toBe(true)
      }),
      { numRuns: 2000 },
    )
  })
})
