import { createHash } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { Splitter, validateRatios } from '../../../src/domain/data/split.ts'

const ratiosArb = fc
  .tuple(fc.integer({ min: 1, max: 100 }), fc.integer({ min: 1, max: 100 }), fc.integer({ min: 0, max: 100 }))
  .map(([a, b, c]) => ({ train: a / (a + b + c), val: b / (a + b + c), test: c / (a + b + c) }))

describe('Splitter', () => {
  test('loses and duplicates no record', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string(), { maxLength: 300 }), ratiosArb, fc.nat(), (contents, ratios, seed) => {
        const parts = new Splitter(ratios, seed).assign(contents)
        const all = Object.values(parts)
          .flat()
          .sort((a, b) => a - b)
        expect(all).toEqual(contents.map((_, i) => i))
      }),
    )
  })

  test('split sizes match the ratios within 5 binomial standard deviations', () => {
    fc.assert(
      fc.property(ratiosArb, fc.nat(), (ratios, seed) => {
        const n = 20_000
        const parts = new Splitter(ratios, seed).assign(Array.from({ length: n }, (_, i) => `{"text":"record ${i}"}`))
        for (const [name, r] of Object.entries(ratios)) {
          const sd = Math.sqrt(n * r * (1 - r))
          expect(Math.abs((parts[name] as number[]).length - n * r)).toBeLessThanOrEqual(5 * sd + 1)
        }
      }),
      { numRuns: 15 },
    )
  })

  test('is stable under appends: existing records keep their split', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string(), { maxLength: 200 }),
        fc.array(fc.string(), { maxLength: 200 }),
        ratiosArb,
        fc.nat(),
        (base, extra, ratios, seed) => {
          const splitter = new Splitter(ratios, seed)
          const before = base.map((c) => splitter.splitOf(c))
          const after = new Splitter(ratios, seed).assign([...base, ...extra])
          const splitOfIndex = new Map<number, string>()
          for (const [name, indices] of Object.entries(after)) for (const i of indices) splitOfIndex.set(i, name)
          base.forEach((_, i) => {
            expect(splitOfIndex.get(i)).toBe(before[i])
          })
        },
      ),
    )
  })

  test('depends on the seed, not on key order; identical records share a split', () => {
    const contents = Array.from({ length: 1000 }, (_, i) => `r${i}`)
    const a = new Splitter({ train: 0.5, val: 0.5 }, 1).assign(contents)
    const b = new Splitter({ train: 0.5, val: 0.5 }, 2).assign(contents)
    const c = new Splitter({ val: 0.5, train: 0.5 }, 1).assign(contents)
    expect(a).not.toEqual(b)
    expect(a).toEqual(c)
    const s = new Splitter({ train: 0.5, val: 0.5 }, 3)
    expect(s.splitOf('same')).toBe(s.splitOf('same'))
  })

  test('a zero ratio gets nothing; a one ratio gets everything', () => {
    const contents = Array.from({ length: 500 }, (_, i) => `r${i}`)
    expect(new Splitter({ train: 1, val: 0, test: 0 }, 4).assign(contents)).toEqual({
      test: [],
      train: contents.map((_, i) => i),
      val: [],
    })
  })

  test('ratios a hair under 1: the top of [0, 1) goes to the last split with a share', () => {
    const s = new Splitter({ test: 0, train: 0.5, val: 0.5 - 1e-10 }, 1)
    s.point = () => 1 - 1e-12
    expect(s.splitOf('x')).toBe('val')
    const t = new Splitter({ train: 1 - 1e-10, val: 0 }, 1)
    t.point = () => 1 - 1e-12
    expect(t.splitOf('x')).toBe('train')
  })

  test('point() is the first 48 bits of sha256("<seed>:<content>") over 2^48', () => {
    const digest = createHash('sha256').update('7:hello').digest()
    expect(new Splitter({ train: 1 }, 7).point('hello')).toBe(digest.readUIntBE(0, 6) / 2 ** 48)
  })
})

describe('validateRatios()', () => {
  test('names the field and the fix', () => {
    expect(() => validateRatios({ train: 0.8, val: 0.1 })).toThrow(
      /splits ratios sum to 0\.9\d*, not 1 \(train=0\.8, val=0\.1\)/,
    )
    expect(() => validateRatios({ train: 1.2, val: -0.2 })).toThrow(
      /splits\.train must be a number in \[0, 1\], got 1\.2/,
    )
    expect(() => validateRatios({ train: '1' })).toThrow(/splits\.train must be a number/)
    expect(() => validateRatios({})).toThrow(/must be an object of split name → ratio/)
    expect(() => validateRatios({ Train: 1 })).toThrow(/splits\.Train: split names are lowercase words/)
    expect(() => validateRatios([1], 'cfg: splits')).toThrow(/cfg: splits must be an object/)
    expect(validateRatios({ train: 0.8, val: 0.1, test: 0.1 })).toEqual({ train: 0.8, val: 0.1, test: 0.1 })
  })
})
