import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { batchArgs, commandLineLimit, environmentSize } from '../../../../src/domain/gates/command/arg-batches.ts'

const bytes = (args: readonly string[]) => args.reduce((n, a) => n + Buffer.byteLength(a) + 1 + 8, 0)

describe('batchArgs()', () => {
  test('every file once, in order; each batch within the limit unless one file alone is over it', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ minLength: 1, maxLength: 3 }), { maxLength: 3 }),
        fc.array(fc.string({ minLength: 1, maxLength: 80 }), { maxLength: 60 }),
        fc.integer({ min: 64, max: 2000 }),
        (argv, files, limit) => {
          const batches = batchArgs(argv, files, limit)
          expect(batches.flat()).toEqual(files)
          for (const batch of batches) {
            expect(batch.length).toBeGreaterThan(0)
            if (batch.length > 1) expect(bytes([...argv, ...batch])).toBeLessThanOrEqual(limit)
          }
          // Greedy: a batch was closed only because the next file did not fit.
          for (let i = 0; i + 1 < batches.length; i++) {
            const next = (batches[i + 1] as string[])[0] as string
            expect(bytes([...argv, ...(batches[i] as string[]), next])).toBeGreaterThan(limit)
          }
        },
      ),
    )
  })

  test('no files, no batches; 4,000 long paths under a 128 KiB limit need several', () => {
    expect(batchArgs(['mypy'], [], 1000)).toEqual([])
    const files = Array.from({ length: 4000 }, (_, i) => `src/package_${i}/some/deeply/nested/module_${i}.py`)
    const batches = batchArgs(['mypy', '--strict'], files, 128 * 1024)
    expect(batches.length).toBeGreaterThan(1)
    expect(batches.flat()).toEqual(files)
  })
})

describe('batchArgs() with a limit function', () => {
  test('asked only for a command line over 4 KiB (the least any limit is), and then obeyed', () => {
    let asked = 0
    const limit = () => {
      asked++
      return 4096
    }
    const few = ['a.py', 'pkg/b.py']
    expect(batchArgs(['python3', 'check.py'], few, limit)).toEqual([few])
    expect(asked).toBe(0)
    const many = Array.from({ length: 200 }, (_, i) => `src/module_${i}.py`)
    const batches = batchArgs(['python3', 'check.py'], many, limit)
    expect(asked).toBe(1)
    expect(batches).toEqual(batchArgs(['python3', 'check.py'], many, 4096))
    expect(batches.length).toBeGreaterThan(1)
  })
})

describe('commandLineLimit()', () => {
  test('ARG_MAX less the environment, clamped to 4 KiB … 128 KiB', () => {
    expect(commandLineLimit({})).toBe(128 * 1024) // Linux ARG_MAX is 2 MiB: the ceiling wins
    const huge = { BIG: 'x'.repeat(3_000_000) }
    expect(commandLineLimit(huge)).toBe(4096)
    expect(environmentSize({ A: 'bc' })).toBe(8 + 1 + 2 + 2)
  })
})
