import { describe, expect, test } from 'vitest'
import { GraphBuilder } from '../../../../src/domain/train/ir/graph-builder.ts'
import type { Value } from '../../../../src/domain/train/ir/op-types.ts'
import {
  countParams,
  dropoutSites,
  type GptConfig,
  gptLoss,
  gptParamSpecs,
  initGptParams,
  TIED_PARAMS,
} from '../../../../src/domain/train/model/gpt.ts'
import { Prng } from '../../../../src/foundation/random/prng.ts'
import { gradCheck } from '../support/grad-check.ts'
import { runGraph } from '../support/run-graph.ts'

const cfg: GptConfig = { vocab_size: 7, block_size: 4, n_layer: 1, n_head: 2, n_embd: 8, bias: true, dropout: 0 }

describe('gptParamSpecs()', () => {
  test('keys, order and [out, in] shapes are nanoGPT state-dict ones (lm_head tied to wte)', () => {
    const specs = gptParamSpecs(cfg)
    expect(specs.map((s) => [s.key, s.shape])).toEqual([
      ['transformer.wte.weight', [7, 8]],
      ['transformer.wpe.weight', [4, 8]],
      ['transformer.h.0.ln_1.weight', [8]],
      ['transformer.h.0.ln_1.bias', [8]],
      ['transformer.h.0.attn.c_attn.weight', [24, 8]],
      ['transformer.h.0.attn.c_attn.bias', [24]],
      ['transformer.h.0.attn.c_proj.weight', [8, 8]],
      ['transformer.h.0.attn.c_proj.bias', [8]],
      ['transformer.h.0.ln_2.weight', [8]],
      ['transformer.h.0.ln_2.bias', [8]],
      ['transformer.h.0.mlp.c_fc.weight', [32, 8]],
      ['transformer.h.0.mlp.c_fc.bias', [32]],
      ['transformer.h.0.mlp.c_proj.weight', [8, 32]],
      ['transformer.h.0.mlp.c_proj.bias', [8]],
      ['transformer.ln_f.weight', [8]],
      ['transformer.ln_f.bias', [8]],
    ])
    expect(TIED_PARAMS).toEqual({ 'lm_head.weight': 'transformer.wte.weight' })
    expect(gptParamSpecs({ ...cfg, bias: false }).some((s) => s.key.endsWith('.bias'))).toBe(false)
  })

  test('decay groups as configure_optimizers: ≥ 2 dims decay, biases and LayerNorm weights do not', () => {
    for (const s of gptParamSpecs({ ...cfg, n_layer: 2 })) expect(s.decay).toBe(s.shape.length >= 2)
  })

  test('parameter count: 12·L·C² + 13·L·C + 2C + V·C (+ T·C with position embeddings)', () => {
    const c = { ...cfg, n_layer: 3, n_embd: 16 }
    const L = 3
    const C = 16
    const nonEmbedding = 12 * L * C * C + 13 * L * C + 2 * C + c.vocab_size * C
    expect(countParams(c)).toBe(nonEmbedding)
    expect(countParams(c, false)).toBe(nonEmbedding + c.block_size * C)
  })
})

describe('initGptParams()', () => {
  test('normal(0, 0.02), c_proj weights 0.02/√(2·n_layer), zero biases, unit LayerNorm weights; seeded', () => {
    const big: GptConfig = { vocab_size: 50, block_size: 16, n_layer: 2, n_head: 4, n_embd: 64, bias: true, dropout: 0 }
    const params = initGptParams(big, Prng.fromSeed(3))
    const std = (key: string) => {
      const d = params[key]?.data as Float32Array
      const mean = d.reduce((a, v) => a + v, 0) / d.length
      return Math.sqrt(d.reduce((a, v) => a + (v - mean) ** 2, 0) / d.length)
    }
    expect(std('transformer.h.0.mlp.c_fc.weight')).toBeCloseTo(0.02, 2)
    expect(std('transformer.h.1.attn.c_proj.weight') / (0.02 / Math.sqrt(4))).toBeCloseTo(1, 1)
    expect(std('transformer.h.1.mlp.c_proj.weight') / (0.02 / Math.sqrt(4))).toBeCloseTo(1, 1)
    expect([...(params['transformer.h.0.attn.c_attn.bias']?.data ?? [])].every((v) => v === 0)).toBe(true)
    expect([...(params['transformer.ln_f.weight']?.data ?? [])].every((v) => v === 1)).toBe(true)
    const again = initGptParams(big, Prng.fromSeed(3))
    expect(again['transformer.wte.weight']?.data).toEqual(params['transformer.wte.weight']?.data)
  })
})

describe('gptLoss()', () => {
  const specs = gptParamSpecs(cfg)
  const params = initGptParams(cfg, Prng.fromSeed(11))
  const tokens = [1, 2, 3, 4, 0, 6, 5, 1]
  const targets = [2, 3, 4, 0, 6, 5, 1, 2]

  test('starts near ln(vocab) from nanoGPT init', async () => {
    const feeds = [
      ...specs.map((s) => ({ name: s.key, shape: [...s.shape], data: [...(params[s.key]?.data ?? [])] })),
      { name: 'idx', shape: [2, 4], dtype: 'int32' as const, data: tokens },
      { name: 'tgt', shape: [2, 4], dtype: 'int32' as const, data: targets },
    ]
    const out = await runGraph(
      feeds,
      (b, values) => {
        const p = Object.fromEntries(specs.map((s, i) => [s.key, values[i] as Value]))
        return gptLoss(b, cfg, p, values[specs.length] as Value, values[specs.length + 1] as Value).loss
      },
      'float32',
    )
    expect(Math.abs((out.data[0] as number) - Math.log(cfg.vocab_size))).toBeLessThan(0.05)
  })

  test('gradient of the whole loss w.r.t. every parameter matches finite differences (float64)', async () => {
    // Perturb the init so LayerNorm weights and biases are not at their symmetric starting values.
    const rng = Prng.fromSeed(5)
    const inputs = [
      ...specs.map((s) => ({
        name: s.key,
        shape: [...s.shape],
        data: [...(params[s.key]?.data ?? [])].map((v) => v + (rng.nextFloat() - 0.5) * 0.4),
      })),
      { name: 'idx', shape: [2, 4], dtype: 'int32' as const, data: tokens },
      { name: 'tgt', shape: [2, 4], dtype: 'int32' as const, data: targets },
    ]
    const r = await gradCheck(
      inputs,
      (b, values) => {
        const p = Object.fromEntries(specs.map((s, i) => [s.key, values[i] as Value]))
        return gptLoss(b, { ...cfg, n_layer: 1 }, p, values[specs.length] as Value, values[specs.length + 1] as Value)
          .loss
      },
      { maxCoords: 8 },
    )
    expect(r.checked).toBeGreaterThan(100)
    expect(r.worst, r.detail).toBeLessThanOrEqual(1)
  })

  test('dropout: one mask per site; all-keep masks give the dropout-free loss', async () => {
    const withDrop = { ...cfg, dropout: 0.5 }
    const sites = dropoutSites(withDrop, 2, 4)
    expect(sites.map((s) => s.site)).toEqual([
      'transformer.drop',
      'transformer.h.0.attn.attn_dropout',
      'transformer.h.0.attn.resid_dropout',
      'transformer.h.0.mlp.dropout',
    ])
    expect(sites[1]?.shape).toEqual([2, 2, 4, 4])
    expect(dropoutSites(cfg, 2, 4)).toEqual([])
    const b = new GraphBuilder()
    const p = Object.fromEntries(specs.map((s) => [s.key, b.input(s.key, s.shape)]))
    const idx = b.input('idx', [2, 4], 'int32')
    const tgt = b.input('tgt', [2, 4], 'int32')
    let calls = 0
    gptLoss(b, withDrop, p, idx, tgt, {
      dropout: (site) => {
        calls++
        return b.input(`mask.${site}`, sites.find((s) => s.site === site)?.shape ?? [])
      },
    })
    expect(calls).toBe(4)
  })
})
