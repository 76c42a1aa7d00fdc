import { describe, expect, test } from 'vitest'
import { chainBatches, compareTrajectories, type Trajectory } from '../../../../src/domain/train/ort/trajectory.ts'
import type { TrainStepSpec } from '../../../../src/domain/train/train-step-graph.ts'

const SPEC: TrainStepSpec = {
  model: { vocab_size: 11, block_size: 6, n_layer: 1, n_head: 1, n_embd: 4, bias: false, dropout: 0 },
  batchSize: 2,
  accumulation: 1,
  evalBatchSize: 2,
  optim: { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0, gradClip: 0 },
}

function trajectory(losses: number[], params: Record<string, number[]>): Trajectory {
  return {
    backend: 'ts',
    device: 'cpu',
    losses,
    gradNorms: losses.map(() => 1),
    params: Object.fromEntries(Object.entries(params).map(([k, v]) => [k, Float32Array.from(v)])),
    stepSeconds: [],
    loadSeconds: 0,
  }
}

describe('chainBatches()', () => {
  test('targets are the next tokens of one fixed successor map, the same for the same seed', () => {
    const batches = chainBatches(SPEC, 5)
    const { tokens, targets } = batches(0, 0)
    expect(tokens).toHaveLength(12)
    const successor = new Map<number, number>()
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i] as number
      expect(t).toBeGreaterThanOrEqual(0)
      expect(t).toBeLessThan(11)
      if (successor.has(t)) expect(successor.get(t)).toBe(targets[i])
      successor.set(t, targets[i] as number)
      if (i % 6 !== 5) expect(tokens[i + 1]).toBe(targets[i])
    }
    expect(chainBatches(SPEC, 5)(0, 0)).toEqual({ tokens, targets })
    expect(batches(1, 0).tokens).not.toEqual(tokens)
  })
})

describe('compareTrajectories()', () => {
  test('relative loss error is the worst step; weight error is global, with the worst tensor named', () => {
    const ref = trajectory([4, 2], { a: [3, 0], b: [0, 4] })
    const other = trajectory([4, 2.2], { a: [3, 0], b: [0, 4.5] })
    const agreement = compareTrajectories(ref, other)
    expect(agreement.lossRel).toBeCloseTo(0.1, 12)
    expect(agreement.weightRel).toBeCloseTo(0.5 / 5, 7)
    expect(agreement.worstTensor.key).toBe('b')
    expect(agreement.worstTensor.rel).toBeCloseTo(0.125, 7)
  })

  test('refuses trajectories of different lengths or tensors', () => {
    expect(() => compareTrajectories(trajectory([1], { a: [1] }), trajectory([1, 2], { a: [1] }))).toThrow(
      '1 vs 2 steps',
    )
    expect(() => compareTrajectories(trajectory([1], { a: [1] }), trajectory([1], { b: [1] }))).toThrow('a is missing')
  })
})
