import { createHash } from 'node:crypto'
import { cpSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import {
  cacheKey,
  canonicalJson,
  hashScannerSources,
  scannerSourceHash,
  sortedUnique,
} from '../../../src/domain/gates/cache-key.ts'
import { PACKAGE_ROOT } from '../../../src/domain/gates/repo-files.ts'
import { tempDir } from '../../support/temp-dir.ts'

describe('scannerSourceHash()', () => {
  test('from source it is the hash of the scanner sources; a changed scanner file changes that hash', () => {
    const src = join(PACKAGE_ROOT, 'src')
    expect(scannerSourceHash()).toBe(hashScannerSources(src, '.ts'))
    // A copy of the scanner folders: same bytes, same hash; one byte more in one scanner, another.
    const copy = join(tempDir('scanner-hash-'), 'src')
    for (const dir of ['domain/gates', 'foundation/redact']) {
      mkdirSync(join(copy, dir), { recursive: true })
      cpSync(join(src, dir), join(copy, dir), { recursive: true })
    }
    expect(hashScannerSources(copy, '.ts')).toBe(hashScannerSources(src, '.ts'))
    writeFileSync(join(copy, 'domain/gates/finding.ts'), '\n', { flag: 'a' })
    expect(hashScannerSources(copy, '.ts')).not.toBe(hashScannerSources(src, '.ts'))
  })
})

/** The v3 key as its format reads: one hash update per extra, listed file and content file. */
function referenceKey(
  gate: string,
  config: unknown,
  files: readonly string[],
  inputs: { contents: string[]; listing?: boolean; extra?: Record<string, string> },
  look: { digest(f: string): string | null; size(f: string): number },
): string {
  const h = createHash('sha256')
  h.update(`codex-gates cache v3\0${gate}\0${canonicalJson(config)}\0${scannerSourceHash()}\0`)
  for (const k of Object.keys(inputs.extra ?? {}).sort()) h.update(`${k}=${inputs.extra?.[k]}\0`)
  if (inputs.listing) for (const f of files) h.update(`L${f}\0${look.size(f)}\0`)
  for (const f of [...new Set(inputs.contents)].sort()) {
    h.update(`C${f}\0`)
    h.update(look.digest(f) ?? 'missing')
  }
  return h.digest('hex')
}

describe('cacheKey()', () => {
  const tree = fc.dictionary(
    fc.stringMatching(/^[a-z][a-z0-9_./-]{0,12}$/),
    fc.record({ digest: fc.option(fc.stringMatching(/^[0-9a-f]{40}$/)), size: fc.integer({ min: -1, max: 1e6 }) }),
    { minKeys: 1, maxKeys: 30 },
  )
  test('hashes the bytes of one update per extra, listed file and content file (code-unit order); any digest or size changes it', () => {
    fc.assert(
      fc.property(
        tree,
        fc.boolean(),
        fc.dictionary(fc.string(), fc.string(), { maxKeys: 5 }),
        fc.nat(),
        (t, listing, extra, pick) => {
          const files = Object.keys(t)
          const look = { digest: (f: string) => t[f]?.digest ?? null, size: (f: string) => t[f]?.size ?? -1 }
          const inputs = { contents: [...files].reverse(), listing, extra }
          const key = cacheKey('g', { a: 1 }, '/r', files, inputs, look)
          expect(key).toBe(referenceKey('g', { a: 1 }, files, inputs, look))
          const changed = files[pick % files.length] as string
          const other = { ...t, [changed]: { digest: 'f'.repeat(40), size: -2 } }
          const otherLook = {
            digest: (f: string) => other[f]?.digest ?? null,
            size: (f: string) => other[f]?.size ?? -1,
          }
          expect(cacheKey('g', { a: 1 }, '/r', files, inputs, otherLook)).not.toBe(key)
        },
      ),
    )
  })

  test("a look shared by one pass's keys gives each the key a fresh look would: sorted, shuffled, repeated or picked contents", () => {
    fc.assert(
      fc.property(tree, fc.array(fc.nat(), { maxLength: 40 }), fc.boolean(), (t, picks, listing) => {
        const files = Object.keys(t).sort()
        const look = () => ({ digest: (f: string) => t[f]?.digest ?? null, size: (f: string) => t[f]?.size ?? -1 })
        const shared = look()
        const picked = picks.map((p) => files[p % files.length] as string)
        for (const contents of [files, [...files].reverse(), [...files, ...files], picked, [...files, 'zz-extra']]) {
          const inputs = { contents, listing }
          expect(cacheKey('g', {}, '/r', files, inputs, shared)).toBe(referenceKey('g', {}, files, inputs, look()))
        }
      }),
    )
  })
})

describe('sortedUnique()', () => {
  test('is [...new Set(xs)].sort() for any list: sorted, a sorted prefix with files appended, or neither', () => {
    const name = fc.oneof(fc.constantFrom('a', 'b', 'src/a.ts', 'src/b.ts', 'Z', 'é', ''), fc.string({ maxLength: 5 }))
    const list = fc.oneof(
      fc.array(name, { maxLength: 40 }),
      fc
        .tuple(fc.uniqueArray(name, { maxLength: 40 }), fc.array(name, { maxLength: 20 }))
        .map(([sorted, extra]) => [...sorted.sort(), ...extra]),
    )
    fc.assert(
      fc.property(list, (xs) => {
        const before = [...xs]
        expect([...sortedUnique(xs)]).toEqual([...new Set(xs)].sort())
        expect(xs).toEqual(before) // the input is never changed
      }),
      { numRuns: 3000 },
    )
  })
})
