import { describe, expect, test } from 'vitest'
import type { HostTensor } from '../../../src/domain/train/executor.ts'
import { type GptConfig, initGptParams } from '../../../src/domain/train/model/gpt.ts'
import { OPS } from '../../../src/domain/train/ops/registry.ts'
import {
  buildTrainProgram,
  EVAL_GRAPH,
  IO,
  STEP_GRAPH,
  type TrainStepSpec,
} from '../../../src/domain/train/train-step-graph.ts'
import { TsExecutor } from '../../../src/domain/train/ts/ts-executor.ts'
import { Prng } from '../../../src/foundation/random/prng.ts'

const model: GptConfig = { vocab_size: 9, block_size: 6, n_layer: 1, n_head: 2, n_embd: 8, bias: true, dropout: 0 }
const optim = { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1, gradClip: 0 }
const f = (v: number): HostTensor => ({ shape: [], dtype: 'float32', data: Float64Array.of(v) })
const ids = (shape: number[], data: number[]): HostTensor => ({ shape, dtype: 'int32', data: Int32Array.from(data) })
const rows = (n: number, seed: number) => {
  const rng = Prng.fromSeed(seed)
  return Array.from({ length: n * model.block_size }, () => rng.nextInt(model.vocab_size))
}

async function load(spec: TrainStepSpec) {
  const built = buildTrainProgram(spec)
  const session = await new TsExecutor({ precision: 'float64' }).load(built.program)
  const params = initGptParams(model, Prng.fromSeed(1))
  const state: Record<string, HostTensor> = {}
  for (const p of built.params) {
    const data = params[p.key]?.data as Float32Array
    state[p.key] = { shape: p.shape, dtype: 'float32', data }
    state[IO.moment('m', p.key)] = { shape: p.shape, dtype: 'float32', data: new Float32Array(data.length) }
    state[IO.moment('v', p.key)] = { shape: p.shape, dtype: 'float32', data: new Float32Array(data.length) }
  }
  await session.writeState(state)
  return { built, session }
}

describe('buildTrainProgram()', () => {
  test('one step graph of registry ops: parameters and moments in, updated ones out, plus loss and grad norm', () => {
    const { program, params } = buildTrainProgram({ model, batchSize: 2, accumulation: 1, evalBatchSize: 2, optim })
    const step = program.graphs[STEP_GRAPH]
    expect(step?.nodes.every((n) => n.op in OPS)).toBe(true)
    expect(program.state).toHaveLength(3 * params.length)
    const outputs = step?.outputs.map((o) => o.name) ?? []
    expect(outputs.slice(0, 2)).toEqual([IO.loss, IO.gradNorm])
    expect(outputs).toHaveLength(2 + 3 * params.length)
    expect(Object.keys(program.updates[STEP_GRAPH] ?? {}).sort()).toEqual(outputs.slice(2).sort())
    expect(step?.inputs.map((i) => i.name)).toContain(IO.tokens(0))
  })

  test('gradient accumulation over 2 micro-batches equals one step on the concatenated batch (float64)', async () => {
    const a = rows(2, 3)
    const b = rows(2, 4)
    const split = await load({ model, batchSize: 2, accumulation: 2, evalBatchSize: 2, optim })
    const whole = await load({ model, batchSize: 4, accumulation: 1, evalBatchSize: 2, optim })
    const shift = (r: number[]) => r.map((t) => (t + 1) % model.vocab_size)
    const s1 = await split.session.run(STEP_GRAPH, {
      [IO.lr]: f(0.01),
      [IO.step]: f(1),
      [IO.tokens(0)]: ids([2, 6], a),
      [IO.targets(0)]: ids([2, 6], shift(a)),
      [IO.tokens(1)]: ids([2, 6], b),
      [IO.targets(1)]: ids([2, 6], shift(b)),
    })
    const s2 = await whole.session.run(STEP_GRAPH, {
      [IO.lr]: f(0.01),
      [IO.step]: f(1),
      [IO.tokens(0)]: ids([4, 6], [...a, ...b]),
      [IO.targets(0)]: ids([4, 6], shift([...a, ...b])),
    })
    expect(s1[IO.loss]?.data[0]).toBeCloseTo(s2[IO.loss]?.data[0] as number, 12)
    expect(s1[IO.gradNorm]?.data[0]).toBeCloseTo(s2[IO.gradNorm]?.data[0] as number, 12)
    const p1 = await split.session.readState()
    const p2 = await whole.session.readState()
    for (const [name, t] of Object.entries(p1)) {
      const other = p2[name]?.data as Float64Array
      t.data.forEach((v, i) => {
        expect(v).toBeCloseTo(other[i] as number, 12)
      })
    }
  })

  test('global-norm clipping scales every gradient by clip/(norm + 1e-6): the first moments shrink by that factor', async () => {
    const x = rows(2, 8)
    const feeds = {
      [IO.lr]: f(0.01),
      [IO.step]: f(1),
      [IO.tokens(0)]: ids([2, 6], x),
      [IO.targets(0)]: ids(
        [2, 6],
        x.map((t) => (t * 2) % model.vocab_size),
      ),
    }
    const free = await load({ model, batchSize: 2, accumulation: 1, evalBatchSize: 2, optim })
    const clipped = await load({
      model,
      batchSize: 2,
      accumulation: 1,
      evalBatchSize: 2,
      optim: { ...optim, gradClip: 0.05 },
    })
    const o1 = await free.session.run(STEP_GRAPH, feeds)
    const o2 = await clipped.session.run(STEP_GRAPH, feeds)
    const norm = o1[IO.gradNorm]?.data[0] as number
    expect(o2[IO.gradNorm]?.data[0]).toBe(norm) // reported before clipping, as PyTorch's clip_grad_norm_
    expect(norm).toBeGreaterThan(0.05)
    const key = IO.moment('m', 'transformer.h.0.mlp.c_fc.weight')
    const m1 = (await free.session.readState([key]))[key]?.data as Float64Array
    const m2 = (await clipped.session.readState([key]))[key]?.data as Float64Array
    const k = m1.findIndex((v) => Math.abs(v) > 1e-6)
    expect((m2[k] as number) / (m1[k] as number)).toBeCloseTo(0.05 / (norm + 1e-6), 6)
  })

  test('the eval graph sums the same NLL the step graph averages', async () => {
    const x = rows(2, 9)
    const y = x.map((t) => (t + 3) % model.vocab_size)
    const { session } = await load({ model, batchSize: 2, accumulation: 1, evalBatchSize: 2, optim })
    const ev = await session.run(EVAL_GRAPH, { [IO.evalTokens]: ids([2, 6], x), [IO.evalTargets]: ids([2, 6], y) })
    const st = await session.run(STEP_GRAPH, {
      [IO.lr]: f(0),
      [IO.step]: f(1),
      [IO.tokens(0)]: ids([2, 6], x),
      [IO.targets(0)]: ids([2, 6], y),
    })
    expect((ev[IO.nllSum]?.data[0] as number) / 12).toBeCloseTo(st[IO.loss]?.data[0] as number, 12)
    const correct = ev[IO.correct]?.data[0] as number
    expect(Number.isInteger(correct) && correct >= 0 && correct <= 12).toBe(true)
  })
})
