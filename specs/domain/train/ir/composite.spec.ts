import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { gradients } from '../../../../src/domain/train/ir/autodiff.ts'
import { crossEntropy, gelu, IGNORE_INDEX } from '../../../../src/domain/train/ir/composite.ts'
import { GraphBuilder } from '../../../../src/domain/train/ir/graph-builder.ts'
import type { Value } from '../../../../src/domain/train/ir/op-types.ts'
import { TsExecutor } from '../../../../src/domain/train/ts/ts-executor.ts'
import { gradCheck } from '../support/grad-check.ts'
import { runGraph } from '../support/run-graph.ts'

/** Loss, per-token NLL and d loss / d logits in float64 for logits (N, V) and targets (N). */
async function crossEntropyOf(logits: number[], targets: number[], vocab: number) {
  const n = targets.length
  const b = new GraphBuilder()
  const x = b.input('logits', [n, vocab])
  const t = b.input('targets', [n], 'int32')
  const { nll, loss } = crossEntropy(b, x, t)
  const grad = gradients(b, loss, [x]).get('logits') as Value
  const graph = b.finish({ loss, nll, grad })
  const session = await new TsExecutor({ precision: 'float64' }).load({ graphs: { g: graph }, state: [], updates: {} })
  const out = await session.run('g', {
    logits: { shape: [n, vocab], dtype: 'float32', data: Float64Array.from(logits) },
    targets: { shape: [n], dtype: 'int32', data: Int32Array.from(targets) },
  })
  await session.dispose()
  return {
    loss: out.loss?.data[0] as number,
    nll: [...(out.nll?.data ?? [])],
    grad: [...(out.grad?.data ?? [])],
  }
}

describe('gelu()', () => {
  // transformers' NewGELUActivation (ACT2FN["gelu_new"], GPT-2's activation), as its source spells it
  const geluNew = (x: number) => 0.5 * x * (1.0 + Math.tanh(Math.sqrt(2.0 / Math.PI) * (x + 0.044715 * x ** 3.0)))
  // the erf form, ACT2FN["gelu"]; erf by Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7)
  const erf = (z: number) => {
    const t = 1 / (1 + 0.3275911 * Math.abs(z))
    const y =
      1 -
      t *
        (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) *
        Math.exp(-z * z)
    return z < 0 ? -y : y
  }
  const geluErf = (x: number) => 0.5 * x * (1 + erf(x / Math.SQRT2))
  const xs = [...Array.from({ length: 2001 }, (_, i) => -10 + i / 100), -30, 30, 1e-8, -1e-8, 0]

  // the graph holds its constants (0.044715, √(2/π)) as float32, hence 1e-7 even in float64
  test("is GPT-2's gelu_new: equal to its formula within 1e-7 (float64 run) and 1e-6 (float32 run), relative", async () => {
    for (const precision of ['float64', 'float32'] as const) {
      const out = await runGraph(
        [{ name: 'x', shape: [xs.length], data: xs }],
        (b, [x]) => gelu(b, x as Value),
        precision,
      )
      const worst = Math.max(
        ...xs.map((x, i) => Math.abs((out.data[i] as number) - geluNew(x)) / Math.max(1, Math.abs(geluNew(x)))),
      )
      expect(worst).toBeLessThan(precision === 'float64' ? 1e-7 : 1e-6)
    }
  })

  test('differs from the erf GELU (HF "gelu") by more than float32 noise, which is why that one is refused', async () => {
    const out = await runGraph([{ name: 'x', shape: [xs.length], data: xs }], (b, [x]) => gelu(b, x as Value))
    const gap = Math.max(...xs.map((x, i) => Math.abs((out.data[i] as number) - geluErf(x))))
    expect(gap).toBeGreaterThan(1e-4)
  })
})

describe('crossEntropy()', () => {
  test('targets equal to -1 are left out of the mean (nanoGPT ignore_index=-1): hand-derived value', async () => {
    // row 0: logits [0, 0], target 1 → p = 1/2 → NLL ln 2
    // row 1: logits [ln 3, 0], target 0 → p = 3/(3+1) → NLL ln(4/3)
    // row 2: target -1 → ignored: NLL 0, not counted
    // mean over the 2 counted rows = (ln 2 + ln(4/3)) / 2 = ln(8/3) / 2 ≈ 0.49041
    // (counting the ignored row, as before the fix, gives ln(8/3) / 3 ≈ 0.32694)
    const r = await crossEntropyOf([0, 0, Math.log(3), 0, 5, -5], [1, 0, IGNORE_INDEX], 2)
    expect(IGNORE_INDEX).toBe(-1)
    expect(r.loss).toBeCloseTo(Math.log(8 / 3) / 2, 12)
    expect(r.nll[0]).toBeCloseTo(Math.LN2, 12)
    expect(r.nll[1]).toBeCloseTo(Math.log(4 / 3), 12)
    expect(Math.abs(r.nll[2] as number)).toBe(0)
    // d loss / d logits = (softmax − onehot) / 2 on counted rows; exactly 0 on the ignored row
    expect(r.grad[0]).toBeCloseTo((0.5 - 0) / 2, 12)
    expect(r.grad[1]).toBeCloseTo((0.5 - 1) / 2, 12)
    expect(r.grad[2]).toBeCloseTo((0.75 - 1) / 2, 12)
    expect(r.grad[3]).toBeCloseTo((0.25 - 0) / 2, 12)
    expect(r.grad.slice(4).map(Math.abs)).toEqual([0, 0])
  })

  test('without ignored targets the loss is the plain mean of the NLL', async () => {
    const r = await crossEntropyOf([0, 0, Math.log(3), 0], [1, 0], 2)
    expect(r.loss).toBeCloseTo((Math.LN2 + Math.log(4 / 3)) / 2, 12)
  })

  test('every target ignored → NaN, as PyTorch', async () => {
    const r = await crossEntropyOf([1, 2, 3, 4], [IGNORE_INDEX, IGNORE_INDEX], 2)
    expect(r.loss).toBeNaN()
  })

  test('equals the loss of the batch with the ignored rows removed (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .integer({ min: 2, max: 5 })
          .chain((vocab) =>
            fc.tuple(
              fc.constant(vocab),
              fc.array(
                fc.tuple(
                  fc.array(fc.double({ min: -4, max: 4, noNaN: true }), { minLength: vocab, maxLength: vocab }),
                  fc.integer({ min: -1, max: vocab - 1 }),
                ),
                { minLength: 1, maxLength: 6 },
              ),
            ),
          ),
        async ([vocab, rows]) => {
          const kept = rows.filter(([, t]) => t !== IGNORE_INDEX)
          fc.pre(kept.length > 0)
          const all = await crossEntropyOf(
            rows.flatMap(([l]) => l),
            rows.map(([, t]) => t),
            vocab,
          )
          const subset = await crossEntropyOf(
            kept.flatMap(([l]) => l),
            kept.map(([, t]) => t),
            vocab,
          )
          expect(all.loss).toBeCloseTo(subset.loss, 12)
        },
      ),
      { numRuns: 40 },
    )
  })

  test('gradient matches finite differences with ignored targets (float64)', async () => {
    const logits = [0.3, -1.2, 0.8, 2.1, 0.1, -0.4, -0.9, 1.5, 0.2, 0.7, -2, 0.05]
    const r = await gradCheck(
      [
        { name: 'logits', shape: [4, 3], data: logits },
        { name: 'targets', shape: [4], dtype: 'int32', data: [2, IGNORE_INDEX, 0, IGNORE_INDEX] },
      ],
      (b, [x, t]) => crossEntropy(b, x as Value, t as Value).loss,
    )
    expect(r.checked).toBe(12)
    expect(r.worst, r.detail).toBeLessThanOrEqual(1)
    // float32 graph agrees with the hand value too
    const f32 = await runGraph(
      [
        { name: 'logits', shape: [3, 2], data: [0, 0, Math.log(3), 0, 5, -5] },
        { name: 'targets', shape: [3], dtype: 'int32', data: [1, 0, IGNORE_INDEX] },
      ],
      (b, [x, t]) => crossEntropy(b, x as Value, t as Value).loss,
      'float32',
    )
    expect(f32.data[0]).toBeCloseTo(Math.log(8 / 3) / 2, 6)
  })
})
