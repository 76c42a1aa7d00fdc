import { describe, expect, test } from 'vitest'
import type { Value } from '../../../../src/domain/train/ir/op-types.ts'
import {
  type GptConfig,
  gptLoss,
  gptParamSpecs,
  initGptParams,
  initParams,
} from '../../../../src/domain/train/model/gpt.ts'
import {
  LORA_DEFAULTS,
  type LoraSettings,
  loraAdapter,
  loraLayers,
  loraParamSpecs,
  loraScaling,
} from '../../../../src/domain/train/model/lora.ts'
import { buildTrainProgram, STEP_GRAPH } from '../../../../src/domain/train/train-step-graph.ts'
import { Prng } from '../../../../src/foundation/random/prng.ts'
import { logitsOf } from '../../pretrained/support/model-fixtures.ts'
import { gradCheck } from '../support/grad-check.ts'

const cfg: GptConfig = { vocab_size: 7, block_size: 4, n_layer: 2, n_head: 2, n_embd: 8, bias: true, dropout: 0 }
const lora = (over: Partial<LoraSettings> = {}): LoraSettings => ({ ...LORA_DEFAULTS, r: 2, lora_alpha: 4, ...over })

describe('loraLayers()', () => {
  test('targets match module names by suffix, as PEFT does: c_proj is both projections named so', () => {
    const prefixes = (targets: string[]) => loraLayers(cfg, targets).map((l) => l.prefix.replace('transformer.h.', ''))
    expect(prefixes(['c_proj'])).toEqual(['0.attn.c_proj', '0.mlp.c_proj', '1.attn.c_proj', '1.mlp.c_proj'])
    expect(prefixes(['attn.c_proj'])).toEqual(['0.attn.c_proj', '1.attn.c_proj'])
    expect(prefixes(['c_fc', 'c_attn'])).toEqual(['0.attn.c_attn', '0.mlp.c_fc', '1.attn.c_attn', '1.mlp.c_fc'])
    expect(loraLayers(cfg, ['mlp.c_proj'])[0]).toEqual({ prefix: 'transformer.h.0.mlp.c_proj', inDim: 32, outDim: 8 })
  })
})

describe('loraParamSpecs()', () => {
  test("PEFT's shapes and init: A [r, in] uniform(±1/√in) (kaiming_uniform_, a=√5), B [out, r] zeros, both decayed", () => {
    const specs = loraParamSpecs(cfg, lora({ target_modules: ['c_attn', 'mlp.c_proj'] }))
    expect(specs.map((s) => [s.key, s.shape, s.init])).toEqual([
      ['transformer.h.0.attn.c_attn.lora_A.weight', [2, 8], { kind: 'uniform', bound: 1 / Math.sqrt(8) }],
      ['transformer.h.0.attn.c_attn.lora_B.weight', [24, 2], { kind: 'zeros' }],
      ['transformer.h.0.mlp.c_proj.lora_A.weight', [2, 32], { kind: 'uniform', bound: 1 / Math.sqrt(32) }],
      ['transformer.h.0.mlp.c_proj.lora_B.weight', [8, 2], { kind: 'zeros' }],
      ['transformer.h.1.attn.c_attn.lora_A.weight', [2, 8], { kind: 'uniform', bound: 1 / Math.sqrt(8) }],
      ['transformer.h.1.attn.c_attn.lora_B.weight', [24, 2], { kind: 'zeros' }],
      ['transformer.h.1.mlp.c_proj.lora_A.weight', [2, 32], { kind: 'uniform', bound: 1 / Math.sqrt(32) }],
      ['transformer.h.1.mlp.c_proj.lora_B.weight', [8, 2], { kind: 'zeros' }],
    ])
    expect(specs.every((s) => s.decay)).toBe(true)
    const drawn = initParams(specs, Prng.fromSeed(1))['transformer.h.0.mlp.c_proj.lora_A.weight']?.data as Float32Array
    const bound = 1 / Math.sqrt(32)
    expect(Math.max(...drawn.map(Math.abs))).toBeLessThanOrEqual(bound)
    expect(Math.max(...drawn.map(Math.abs))).toBeGreaterThan(0.9 * bound)
    expect(loraScaling({ r: 4, lora_alpha: 8 })).toBe(2)
  })
})

describe('loraAdapter()', () => {
  const base = initGptParams(cfg, Prng.fromSeed(2))
  const tokens = [
    [1, 2, 3, 4],
    [6, 5, 0, 2],
  ]

  test('fresh adapters (B = 0) leave the logits bit-identical to the base', async () => {
    const settings = lora({ target_modules: ['c_attn', 'c_proj', 'c_fc'] })
    const adapters = initParams(loraParamSpecs(cfg, settings), Prng.fromSeed(3))
    const plain = await logitsOf(cfg, base, tokens)
    const adapted = await logitsOf(cfg, { ...base, ...adapters }, tokens, settings)
    expect(Buffer.from(adapted.buffer).equals(Buffer.from(plain.buffer))).toBe(true)
  })

  test('gradients through the adapters (A, B) and the base match finite differences (float64)', async () => {
    const one = { ...cfg, n_layer: 1 }
    const settings = lora({ target_modules: ['c_attn', 'c_proj', 'c_fc'] })
    const specs = [...gptParamSpecs(one), ...loraParamSpecs(one, settings)]
    const rng = Prng.fromSeed(9)
    const values = { ...initGptParams(one, Prng.fromSeed(4)), ...initParams(loraParamSpecs(one, settings), rng) }
    const inputs = [
      ...specs.map((s) => ({
        name: s.key,
        shape: [...s.shape],
        // B non-zero so dA is too; everything off its init
        data: [...(values[s.key]?.data ?? [])].map((v) => v + (rng.nextFloat() - 0.5) * 0.4),
      })),
      { name: 'idx', shape: [2, 4], dtype: 'int32' as const, data: tokens.flat() },
      { name: 'tgt', shape: [2, 4], dtype: 'int32' as const, data: [2, 3, 4, 0, 5, 0, 2, 1] },
    ]
    const r = await gradCheck(
      inputs,
      (b, vs) => {
        const p = Object.fromEntries(specs.map((s, i) => [s.key, vs[i] as Value]))
        const adapter = loraAdapter(b, settings, p)
        return gptLoss(b, one, p, vs[specs.length] as Value, vs[specs.length + 1] as Value, { adapter }).loss
      },
      { maxCoords: 6 },
    )
    expect(r.worst, r.detail).toBeLessThanOrEqual(1)
  })
})

describe('buildTrainProgram() with lora', () => {
  const spec = {
    model: cfg,
    batchSize: 2,
    accumulation: 1,
    evalBatchSize: 2,
    optim: { beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.1, gradClip: 1 },
  }

  test('trains the adapters only: the base is read-only state without moments', () => {
    const built = buildTrainProgram({ ...spec, lora: lora({ target_modules: ['c_attn'] }) })
    expect(built.params.map((p) => p.key)).toEqual([
      'transformer.h.0.attn.c_attn.lora_A.weight',
      'transformer.h.0.attn.c_attn.lora_B.weight',
      'transformer.h.1.attn.c_attn.lora_A.weight',
      'transformer.h.1.attn.c_attn.lora_B.weight',
    ])
    expect(built.frozen.map((p) => p.key)).toEqual(gptParamSpecs(cfg).map((p) => p.key))
    const slots = built.program.state.map((s) => s.name)
    expect(slots.filter((n) => n.startsWith('adam.'))).toHaveLength(8)
    const updated = Object.values(built.program.updates[STEP_GRAPH] ?? {})
    for (const p of built.frozen) {
      expect(slots).toContain(p.key)
      expect(updated).not.toContain(p.key)
    }
  })

  test('needs no op the full step graph does not already use: LoRA is MatMul, Mul and Add', () => {
    const ops = (built: ReturnType<typeof buildTrainProgram>) =>
      new Set((built.program.graphs[STEP_GRAPH]?.nodes ?? []).map((n) => n.op))
    const full = ops(buildTrainProgram(spec))
    const adapted = ops(
      buildTrainProgram({ ...spec, lora: lora({ target_modules: ['c_attn', 'c_proj', 'c_fc'], lora_dropout: 0.1 }) }),
    )
    expect([...adapted].filter((op) => !full.has(op))).toEqual([])
  })

  test('lora_dropout adds one mask site per adapter, with its own probability', () => {
    const built = buildTrainProgram({ ...spec, model: { ...cfg, dropout: 0.2 }, lora: lora({ lora_dropout: 0.05 }) })
    expect(built.dropout.filter((d) => d.site.endsWith('.lora_dropout')).map((d) => [d.site, d.shape, d.p])).toEqual([
      ['transformer.h.0.attn.c_attn.lora_dropout', [2, 4, 8], 0.05],
      ['transformer.h.1.attn.c_attn.lora_dropout', [2, 4, 8], 0.05],
    ])
    expect(built.dropout.filter((d) => !d.site.endsWith('.lora_dropout')).every((d) => d.p === 0.2)).toBe(true)
  })
})
