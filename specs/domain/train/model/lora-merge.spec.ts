import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { gptParamSpecs, initGptParams } from '../../../../src/domain/train/model/gpt.ts'
import { LORA_DEFAULTS, type LoraSettings, loraParamSpecs } from '../../../../src/domain/train/model/lora.ts'
import { adapterPrefixes, mergeLora, unmergeLora } from '../../../../src/domain/train/model/lora-merge.ts'
import type { TensorData } from '../../../../src/domain/train/train-state.ts'
import { Prng } from '../../../../src/foundation/random/prng.ts'
import { logitsOf, perturbedParams, relativeError, TINY_GPT } from '../../pretrained/support/model-fixtures.ts'

const settings: LoraSettings = { ...LORA_DEFAULTS, r: 4, lora_alpha: 8, target_modules: ['c_attn', 'c_proj', 'c_fc'] }

/** Adapters as after training: every entry non-zero, B included. */
function trainedAdapters(seed: number, s: LoraSettings = settings): Record<string, TensorData> {
  const rng = Prng.fromSeed(seed)
  const out: Record<string, TensorData> = {}
  for (const spec of loraParamSpecs(TINY_GPT, s)) {
    const data = Float32Array.from(
      { length: spec.shape.reduce((a, d) => a * d, 1) },
      () => (rng.nextFloat() - 0.5) * 0.2,
    )
    out[spec.key] = { shape: [...spec.shape], data }
  }
  return out
}

describe('mergeLora()', () => {
  test('W + (B·A)·alpha/r on a hand-sized example; the base is not changed', () => {
    const base = { 'x.c_fc.weight': { shape: [2, 3], data: Float32Array.of(1, 2, 3, 4, 5, 6) } }
    const adapters = {
      'x.c_fc.lora_A.weight': { shape: [1, 3], data: Float32Array.of(1, 0, -1) },
      'x.c_fc.lora_B.weight': { shape: [2, 1], data: Float32Array.of(2, 3) },
    }
    // B·A = [[2, 0, -2], [3, 0, -3]], scale 4/1
    const merged = mergeLora(base, adapters, { r: 1, lora_alpha: 4 })
    expect([...(merged['x.c_fc.weight']?.data ?? [])]).toEqual([9, 2, -5, 16, 5, -6])
    expect([...base['x.c_fc.weight'].data]).toEqual([1, 2, 3, 4, 5, 6])
    expect(adapterPrefixes(adapters)).toEqual(['x.c_fc'])
  })

  test("a merged model's logits equal the unmerged adapter model's within 1e-6 relative", async () => {
    const base = perturbedParams(TINY_GPT, 8)
    const adapters = trainedAdapters(9)
    const tokens = [
      [3, 1, 4, 1, 5, 9, 2, 6],
      [5, 3, 5, 8, 9, 7, 9, 3],
    ]
    const unmerged = await logitsOf(TINY_GPT, { ...base, ...adapters }, tokens, settings)
    const merged = await logitsOf(TINY_GPT, mergeLora(base, adapters, settings), tokens)
    const plain = await logitsOf(TINY_GPT, base, tokens)
    expect(relativeError(merged, unmerged)).toBeLessThan(1e-6)
    expect(relativeError(plain, unmerged)).toBeGreaterThan(1e-3) // the adapters do change the model
  })

  test('unmerge after merge gives the base back up to one float32 rounding per weight', () => {
    const base = perturbedParams(TINY_GPT, 10)
    const adapters = trainedAdapters(11)
    const back = unmergeLora(mergeLora(base, adapters, settings), adapters, settings)
    for (const spec of gptParamSpecs(TINY_GPT)) {
      const a = base[spec.key]?.data as Float32Array
      const b = back[spec.key]?.data as Float32Array
      for (let i = 0; i < a.length; i++)
        expect(Math.abs((a[i] as number) - (b[i] as number))).toBeLessThanOrEqual(2 ** -22)
    }
    expect(back['transformer.wte.weight']).toBe(base['transformer.wte.weight']) // untouched tensors are shared
  })

  test('x·(W + s·B·A)ᵀ = x·Wᵀ + s·(x·Aᵀ)·Bᵀ for any shapes (property, float64 arithmetic)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 1000 }),
        (out, inp, r, seed) => {
          const rng = Prng.fromSeed(seed)
          const rand = (n: number) => Float32Array.from({ length: n }, () => rng.nextFloat() - 0.5)
          const W = rand(out * inp)
          const A = rand(r * inp)
          const B = rand(out * r)
          const x = rand(inp)
          const alpha = 1 + r
          const merged = mergeLora(
            { 'm.weight': { shape: [out, inp], data: W } },
            { 'm.lora_A.weight': { shape: [r, inp], data: A }, 'm.lora_B.weight': { shape: [out, r], data: B } },
            { r, lora_alpha: alpha },
          )['m.weight']?.data as Float32Array
          for (let o = 0; o < out; o++) {
            let viaMerged = 0
            let viaAdapter = 0
            for (let i = 0; i < inp; i++) viaMerged += (x[i] as number) * (merged[o * inp + i] as number)
            for (let i = 0; i < inp; i++) viaAdapter += (x[i] as number) * (W[o * inp + i] as number)
            for (let k = 0; k < r; k++) {
              let down = 0
              for (let i = 0; i < inp; i++) down += (x[i] as number) * (A[k * inp + i] as number)
              viaAdapter += (alpha / r) * down * (B[o * r + k] as number)
            }
            expect(Math.abs(viaMerged - viaAdapter)).toBeLessThan(1e-5)
          }
        },
      ),
    )
  })

  test('an adapter without its base weight or with the wrong shape is refused with the shapes', () => {
    const base = initGptParams(TINY_GPT, Prng.fromSeed(1))
    const wide = trainedAdapters(2, { ...settings, target_modules: ['c_attn'] })
    const bad = { ...wide, 'transformer.h.0.attn.c_attn.lora_B.weight': { shape: [8, 4], data: new Float32Array(32) } }
    expect(() => mergeLora(base, bad, settings)).toThrow(/expected A \[r, 8\] and B \[24, r\]/)
    expect(() => mergeLora({}, wide, settings)).toThrow(/has no base weight transformer.h.0.attn.c_attn.weight/)
  })
})
