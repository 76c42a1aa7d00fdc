import { describe, expect, test } from 'vitest'
import type { HostTensor } from '../../../../src/domain/train/executor.ts'
import { GraphBuilder } from '../../../../src/domain/train/ir/graph-builder.ts'
import { gptParamSpecs } from '../../../../src/domain/train/model/gpt.ts'
import { adamwScalars, adamwUpdate, decayGroups } from '../../../../src/domain/train/optim/adamw.ts'
import { TsExecutor } from '../../../../src/domain/train/ts/ts-executor.ts'

const hp = { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1 }

/** Two parameters, one per decay group; gradients are feeds. */
async function session() {
  const b = new GraphBuilder()
  const lr = b.input('lr', [])
  const t = b.input('t', [])
  const scalars = adamwScalars(b, lr, t, hp)
  const outputs: Record<string, ReturnType<typeof b.input>> = {}
  const state = []
  const updates: Record<string, string> = {}
  for (const [name, decay] of [
    ['w', true],
    ['bias', false],
  ] as const) {
    const p = b.input(name, [2])
    const m = b.input(`m.${name}`, [2])
    const v = b.input(`v.${name}`, [2])
    const g = b.input(`g.${name}`, [2])
    const next = adamwUpdate(b, { param: p, grad: g, m, v, decay }, scalars, hp)
    outputs[`next.${name}`] = next.param
    outputs[`next.m.${name}`] = next.m
    outputs[`next.v.${name}`] = next.v
    for (const s of [name, `m.${name}`, `v.${name}`]) {
      state.push({ name: s, shape: [2], dtype: 'float32' as const })
      updates[`next.${s}`] = s
    }
  }
  const graph = b.finish(outputs)
  return new TsExecutor({ precision: 'float64' }).load({ graphs: { step: graph }, state, updates: { step: updates } })
}

/** Equal within 1e-7 relative: the graph's constants (β, 1 − β…) are float32, the hand computation double. */
function near(got: number, want: number): void {
  expect(Math.abs(got - want), `${got} vs ${want}`).toBeLessThanOrEqual(1e-7 * Math.max(1, Math.abs(want)))
}

const t = (data: number[]): HostTensor => ({
  shape: data.length === 1 ? [] : [data.length],
  dtype: 'float32',
  data: Float64Array.from(data),
})

describe('AdamW update', () => {
  test('two steps equal the hand-computed PyTorch AdamW update, with bias correction and decay groups', async () => {
    const s = await session()
    await s.writeState({
      w: t([1, -2]),
      bias: t([0.5, 0.25]),
      'm.w': t([0, 0]),
      'v.w': t([0, 0]),
      'm.bias': t([0, 0]),
      'v.bias': t([0, 0]),
    })
    const lr = 0.01
    const grads = [
      { w: [0.1, -0.3], bias: [2, -1] },
      { w: [-0.2, 0.4], bias: [0.5, 0.5] },
    ]
    // Hand computation, step by step (PyTorch _single_tensor_adamw):
    // step 1, w[0]: p = 1·(1 − 0.01·0.1) = 0.999; m = 0.1·0.1 = 0.01; v = 0.05·0.01 = 0.0005
    //   m̂ = 0.01/(1−0.9) = 0.1; v̂ = 0.0005/(1−0.95) = 0.01; p = 0.999 − 0.01·0.1/(0.1 + 1e-8)
    const expected = { w: [1, -2], bias: [0.5, 0.25] }
    const m = { w: [0, 0], bias: [0, 0] }
    const v = { w: [0, 0], bias: [0, 0] }
    for (let step = 1; step <= 2; step++) {
      const g = grads[step - 1] as { w: number[]; bias: number[] }
      for (const name of ['w', 'bias'] as const) {
        for (let i = 0; i < 2; i++) {
          const gi = g[name][i] as number
          if (name === 'w') expected.w[i] = (expected.w[i] as number) * (1 - lr * hp.weightDecay)
          m[name][i] = (m[name][i] as number) + (gi - (m[name][i] as number)) * (1 - hp.beta1)
          v[name][i] = (v[name][i] as number) * hp.beta2 + gi * gi * (1 - hp.beta2)
          const bc1 = 1 - hp.beta1 ** step
          const bc2 = 1 - hp.beta2 ** step
          const denom = Math.sqrt(v[name][i] as number) / Math.sqrt(bc2) + hp.eps
          expected[name][i] = (expected[name][i] as number) - (lr / bc1) * ((m[name][i] as number) / denom)
        }
      }
      await s.run('step', { lr: t([lr]), t: t([step]), 'g.w': t(g.w), 'g.bias': t(g.bias) })
      if (step === 1) {
        const first = await s.readState()
        // w[0] as in the comment above; bias[0]: g = 2 → m̂ = 2, v̂ = 4 → 0.5 − 0.01·2/2 = 0.49 (no decay factor)
        near(first.w?.data[0] as number, 0.999 - (0.01 * 0.1) / (0.1 + 1e-8))
        near(first.bias?.data[0] as number, 0.5 - (0.01 * 2) / (2 + 1e-8))
      }
    }
    const state = await s.readState()
    near(m.w[0] as number, -0.011) // 0.9·0.01 + 0.1·(−0.2)
    for (const name of ['w', 'bias'] as const) {
      for (let i = 0; i < 2; i++) {
        near(state[name]?.data[i] as number, expected[name][i] as number)
        near(state[`m.${name}`]?.data[i] as number, m[name][i] as number)
        near(state[`v.${name}`]?.data[i] as number, v[name][i] as number)
      }
    }
  })

  test('decayGroups() splits a GPT exactly as nanoGPT configure_optimizers does', () => {
    const specs = gptParamSpecs({
      vocab_size: 5,
      block_size: 4,
      n_layer: 1,
      n_head: 1,
      n_embd: 4,
      bias: true,
      dropout: 0,
    })
    const groups = decayGroups(specs)
    expect(groups.decay).toEqual([
      'transformer.wte.weight',
      'transformer.wpe.weight',
      'transformer.h.0.attn.c_attn.weight',
      'transformer.h.0.attn.c_proj.weight',
      'transformer.h.0.mlp.c_fc.weight',
      'transformer.h.0.mlp.c_proj.weight',
    ])
    expect(groups.noDecay).toHaveLength(10)
    expect(groups.noDecay.every((k) => k.endsWith('.bias') || k.includes('ln_'))).toBe(true)
  })
})
