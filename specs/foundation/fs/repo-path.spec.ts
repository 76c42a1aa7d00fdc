import { join, sep } from 'node:path'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { repoPath } from '../../../src/foundation/fs/repo-path.ts'

describe('repoPath()', () => {
  test('is path.join for any root and file: concatenated where that is the same string, else joined', () => {
    const segment = fc.oneof(fc.constantFrom('', '.', '..', 'a', '.git', 'é', 'x.ts', ' '), fc.string({ maxLength: 4 }))
    const path = fc.array(segment, { maxLength: 5 }).map((parts) => parts.join('/'))
    fc.assert(
      fc.property(
        fc.oneof(
          path,
          path.map((p) => `/${p}`),
        ),
        path,
        (root, file) => {
          expect(repoPath(root, file)).toBe(join(root, file))
        },
      ),
      { numRuns: 3000 },
    )
  })

  test.skipIf(sep !== '/')('concatenates the common case', () => {
    expect(repoPath('/work/repo', 'src/a.ts')).toBe('/work/repo/src/a.ts')
    expect(repoPath('/work/repo', 'node_modules/@types/node/package.json')).toBe(
      '/work/repo/node_modules/@types/node/package.json',
    )
    expect(repoPath('/', 'a')).toBe('/a')
    expect(repoPath('node_modules/ajv', 'package.json')).toBe('node_modules/ajv/package.json')
    expect(repoPath('/work/repo/', '../x')).toBe('/work/x')
  })
})
