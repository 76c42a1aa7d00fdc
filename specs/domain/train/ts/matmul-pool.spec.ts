import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { gemmNT } from '../../../../src/domain/train/ops/matmul.ts'
import { buildTrainProgram, IO, STEP_GRAPH } from '../../../../src/domain/train/train-step-graph.ts'
import { MatmulPool } from '../../../../src/domain/train/ts/matmul-pool.ts'
import { TsExecutor } from '../../../../src/domain/train/ts/ts-executor.ts'

describe('MatmulPool', () => {
  test('rows split over threads give exactly the single-thread bits, offsets and sub-views included', async () => {
    const pool = new MatmulPool(3, false)
    const a = pool.allocate(80 * 70 + 5)
    const b = pool.allocate(60 * 70 + 3)
    const arena = pool.allocate(80 * 60 + 16)
    pool.start()
    try {
      a.forEach((_, i) => {
        a[i] = Math.sin(i * 0.37)
      })
      b.forEach((_, i) => {
        b[i] = Math.cos(i * 0.11)
      })
      const c = arena.subarray(16) // a view at an offset, as the executor's scratch arena hands out
      await fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 80 }),
          fc.integer({ min: 1, max: 60 }),
          fc.integer({ min: 1, max: 70 }),
          (M, N, K) => {
            const want = new Float32Array(M * N)
            gemmNT(a, 5, b, 3, want, 0, M, N, K)
            c.fill(Number.NaN)
            pool.gemm(a, 5, b, 3, c, 0, M, N, K)
            expect(Buffer.from(c.slice(0, M * N).buffer)).toEqual(Buffer.from(want.buffer))
          },
        ),
        { numRuns: 60 },
      )
      // Arrays outside the pool's shared memory run on the calling thread.
      const plain = new Float32Array(64 * 64)
      pool.gemm(new Float32Array(64 * 64).fill(1), 0, new Float32Array(64 * 64).fill(2), 0, plain, 0, 64, 64, 64)
      expect(plain.every((v) => v === 128)).toBe(true)
    } finally {
      await pool.dispose()
    }
  })

  test('a training step on 1 and on 3 threads yields the same bits', async () => {
    const model = { vocab_size: 11, block_size: 8, n_layer: 1, n_head: 2, n_embd: 16, bias: true, dropout: 0 }
    const { program, params } = buildTrainProgram({
      model,
      batchSize: 4,
      accumulation: 1,
      evalBatchSize: 4,
      optim: { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1, gradClip: 1 },
    })
    const tokens = Int32Array.from({ length: 32 }, (_, i) => (i * 7) % 11)
    const results: string[] = []
    for (const threads of [1, 3]) {
      const session = await new TsExecutor({ threads }).load(program)
      await session.writeState(
        Object.fromEntries(
          params.map((p, k) => [
            p.key,
            {
              shape: p.shape,
              dtype: 'float32' as const,
              data: Float32Array.from({ length: p.shape.reduce((x, d) => x * d, 1) }, (_, i) => Math.sin(i + k) / 5),
            },
          ]),
        ),
      )
      for (let t = 1; t <= 2; t++) {
        await session.run(STEP_GRAPH, {
          [IO.lr]: { shape: [], dtype: 'float32', data: Float32Array.of(0.01) },
          [IO.step]: { shape: [], dtype: 'float32', data: Float32Array.of(t) },
          [IO.tokens(0)]: { shape: [4, 8], dtype: 'int32', data: tokens },
          [IO.targets(0)]: { shape: [4, 8], dtype: 'int32', data: tokens.map((x) => (x + 1) % 11) },
        })
      }
      const state = await session.readState()
      results.push(
        Object.keys(state)
          .sort()
          .map((k) => Buffer.from((state[k] as { data: Float32Array }).data.buffer).toString('base64'))
          .join(),
      )
      await session.dispose()
    }
    expect(results[1]).toBe(results[0])
  })
})
