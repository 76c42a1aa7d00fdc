import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { type HostTensor, resolveExecutor } from '../../../../src/domain/train/executor.ts'
import { MAX_SPLIT_OUTPUTS, packedGroups } from '../../../../src/domain/train/optim/packed-groups.ts'
import { compareTrajectories, runTrajectory } from '../../../../src/domain/train/ort/trajectory.ts'
import { loadTextData } from '../../../../src/domain/train/text-data.ts'
import { train } from '../../../../src/domain/train/train.ts'
import type { TrainState } from '../../../../src/domain/train/train-state.ts'
import {
  buildTrainProgram,
  IO,
  loadTrainProgram,
  STEP_GRAPH,
  type TrainStepSpec,
} from '../../../../src/domain/train/train-step-graph.ts'
import { trainStepSpec } from '../../../../src/domain/train/train-step-spec.ts'
import { tempDir } from '../../../support/temp-dir.ts'
import { FULL_STEP_SPEC } from '../support/step-spec.ts'
import { tinyConfig } from '../support/tiny-config.ts'

/** The full step (biases, two micro-batches, weight decay) with a clip that is active from the first step. */
const SPEC: TrainStepSpec = { ...FULL_STEP_SPEC, optim: { ...FULL_STEP_SPEC.optim, gradClip: 0.5 } }
const FUSED: TrainStepSpec = { ...SPEC, fuseOptimizer: true }

const dir = tempDir('fused-step-')

const opsIn = (spec: TrainStepSpec, prefix: string) =>
  (buildTrainProgram(spec).program.graphs[STEP_GRAPH]?.nodes ?? []).filter((n) => n.name.startsWith(prefix))

describe('fused train step (AdamW and the clip per decay group)', () => {
  for (const backend of ['ort-cpu', 'ts'] as const) {
    test(`${backend}: matches the per-tensor step within 1e-5 relative after 6 steps with an active clip`, async () => {
      const options = { steps: 6, seed: 4, lr: 3e-3 }
      const executor = await resolveExecutor(backend)
      const perTensor = await runTrajectory(executor, { ...options, spec: SPEC })
      const fused = await runTrajectory(executor, { ...options, spec: FUSED })
      const agreement = compareTrajectories(perTensor, fused)
      expect(agreement.lossRel).toBeLessThanOrEqual(1e-5)
      expect(agreement.weightRel).toBeLessThanOrEqual(1e-5)
      fused.gradNorms.forEach((g, i) => {
        expect(Math.abs(g - (perTensor.gradNorms[i] as number)) / (perTensor.gradNorms[i] as number)).toBeLessThan(1e-5)
      })
      // The norm is summed per group instead of per tensor, so it differs in its last bits; AdamW
      // divides by √v, which turns that into up to ~1e-4 on tensors whose gradient is rounding
      // noise (the attention key bias: softmax does not depend on it). Every tensor stays close.
      expect(agreement.worstTensor.rel).toBeLessThanOrEqual(1e-3)
      // the clip was active (norm above 0.5) and training moved: the comparison is not vacuous
      expect(Math.max(...fused.gradNorms)).toBeGreaterThan(0.5)
      expect(fused.losses[5]).toBeLessThan(fused.losses[0] as number)
    })

    test(`${backend}: without the clip the fused step gives the per-tensor step's bits`, async () => {
      const options = { steps: 4, seed: 9, lr: 3e-3 }
      const noClip = { ...SPEC, optim: { ...SPEC.optim, gradClip: 0 } }
      const executor = await resolveExecutor(backend)
      const perTensor = await runTrajectory(executor, { ...options, spec: noClip })
      const fused = await runTrajectory(executor, { ...options, spec: { ...noClip, fuseOptimizer: true } })
      expect(fused.losses).toEqual(perTensor.losses)
      for (const [key, w] of Object.entries(perTensor.params)) expect(fused.params[key], key).toEqual(w)
    })
  }

  test('one AdamW update per decay group instead of per tensor; the step graph shrinks as the model deepens', () => {
    const params = buildTrainProgram(SPEC).params
    expect(params.length).toBe(28)
    const perTensorScopes = new Set(opsIn(SPEC, 'adamw/').map((n) => n.name.split('/')[1]))
    const fusedScopes = new Set(opsIn(FUSED, 'adamw/').map((n) => n.name.split('/')[1]))
    expect(perTensorScopes.size).toBe(params.length)
    expect([...fusedScopes].sort()).toEqual(['decay', 'no_decay'])
    // a deeper model adds forward and backward nodes only: the optimizer part stays constant
    const deeper = (spec: TrainStepSpec) => ({ ...spec, model: { ...spec.model, n_layer: 4 } })
    expect(opsIn(deeper(FUSED), 'adamw/').length).toBe(opsIn(FUSED, 'adamw/').length)
    const nodes = (spec: TrainStepSpec) => buildTrainProgram(spec).program.graphs[STEP_GRAPH]?.nodes.length ?? 0
    expect(nodes(FUSED)).toBeLessThan(0.75 * nodes(SPEC))
    expect(nodes(deeper(FUSED))).toBeLessThan(0.7 * nodes(deeper(SPEC)))
  })

  test('no Split node has more than 15 outputs (WebGPU binds each as one of 16 storage buffers)', () => {
    const deep = { ...FUSED, model: { ...FUSED.model, n_layer: 6 } }
    const splits = opsIn(deep, '').filter((n) => n.op === 'Split')
    expect(splits.length).toBeGreaterThan(0)
    for (const n of splits) expect(n.outputs.length, n.name).toBeLessThanOrEqual(MAX_SPLIT_OUTPUTS)
    // the 6-layer model's no-decay group has 50 tensors: unpacked through chunks
    expect(packedGroups(buildTrainProgram(deep).params).find((g) => g.name === 'no_decay')?.parts.length).toBe(50)
  })

  test('packs each decay group back to back in parameter order', () => {
    const { params } = buildTrainProgram(SPEC)
    const groups = packedGroups(params)
    expect(groups.map((g) => [g.name, g.parts.length])).toEqual([
      ['decay', params.filter((p) => p.decay).length],
      ['no_decay', params.filter((p) => !p.decay).length],
    ])
    for (const g of groups) {
      let offset = 0
      for (const part of g.parts) {
        expect(part.offset).toBe(offset)
        offset += part.size
      }
      expect(g.size).toBe(offset)
      expect(g.parts.map((p) => p.key)).toEqual(params.filter((p) => p.decay === g.decay).map((p) => p.key))
    }
  })

  test('state slots are packed, yet the session reads and writes every tensor by its own name', async () => {
    const built = buildTrainProgram(FUSED)
    expect(built.program.state.map((s) => s.name).sort()).toEqual(
      ['m', 'param', 'v'].flatMap((r) => [`packed.${r}.decay`, `packed.${r}.no_decay`]).sort(),
    )
    const session = await loadTrainProgram(await resolveExecutor('ort-cpu'), built)
    try {
      const names = built.params.flatMap((p) => [p.key, IO.moment('m', p.key), IO.moment('v', p.key)])
      const shapes = new Map(
        built.params.flatMap((p) => [p.key, IO.moment('m', p.key), IO.moment('v', p.key)].map((n) => [n, p.shape])),
      )
      const all = await session.readState()
      expect(Object.keys(all).sort()).toEqual([...names].sort())
      await fc.assert(
        fc.asyncProperty(
          fc.uniqueArray(fc.constantFrom(...names), { minLength: 1, maxLength: 8 }),
          fc.integer({ min: 1, max: 1000 }),
          async (chosen, seed) => {
            const before = await session.readState()
            const writes: Record<string, HostTensor> = {}
            for (const [i, name] of chosen.entries()) {
              const shape = shapes.get(name) as readonly number[]
              const data = ((before[name] as HostTensor).data as Float32Array).map((_, j) => seed + i + j / 1024)
              writes[name] = { shape, dtype: 'float32', data }
            }
            await session.writeState(writes)
            const after = await session.readState()
            for (const name of names) {
              expect(after[name]?.shape).toEqual(shapes.get(name))
              expect(after[name]?.data).toEqual(writes[name]?.data ?? before[name]?.data)
            }
          },
        ),
        { numRuns: 15 },
      )
    } finally {
      await session.dispose()
    }
  })

  test('train() on the fused program: checkpoints hold every tensor by name, and resuming ends bit-identical', async () => {
    const data = loadTextData('configs/corpus/fables.txt', 0.1, 16)
    const config = tinyConfig({ max_iters: 6, eval_interval: 3, gradient_accumulation_steps: 2 })
    const fused = () => ({
      program: buildTrainProgram({ ...trainStepSpec(config, data.tokenizer.vocabSize), fuseOptimizer: true }),
    })
    const plain = await train({ config, data, outDir: join(dir, 'plain') })
    const straight = await train({ config, data, outDir: join(dir, 'straight'), ...fused() })
    const saves: TrainState[] = []
    const head = await train({
      config,
      data,
      outDir: join(dir, 'head'),
      maxSteps: 3,
      checkpointer: { save: (state) => void saves.push(state) },
      ...fused(),
    })
    expect(head.status).toBe('stopped')
    const resumed = await train({ config, data, outDir: join(dir, 'tail'), initialState: saves[0], ...fused() })
    expect(Object.keys(straight.state.params).sort()).toEqual(Object.keys(plain.state.params).sort())
    expect(Object.keys(straight.state.optimizer.v).sort()).toEqual(Object.keys(plain.state.optimizer.v).sort())
    for (const [key, t] of Object.entries(straight.state.params)) {
      expect(resumed.state.params[key]?.data, key).toEqual(t.data)
      expect(resumed.state.optimizer.m[key]?.data, key).toEqual(straight.state.optimizer.m[key]?.data)
      const ref = plain.state.params[key]?.data as Float32Array
      let d = 0
      let n = 0
      ref.forEach((r, i) => {
        d += (r - (t.data[i] as number)) ** 2
        n += r * r
      })
      expect(Math.sqrt(d / Math.max(n, 1e-30)), key).toBeLessThanOrEqual(1e-4)
    }
  })
})
