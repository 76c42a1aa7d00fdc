import { describe, expect, test } from 'vitest'
import { type HostTensor, type Program, resolveExecutor } from '../../../../src/domain/train/executor.ts'
import { GraphBuilder } from '../../../../src/domain/train/ir/graph-builder.ts'
import { createOrtExecutor } from '../../../../src/domain/train/ort/ort-executor.ts'
import { compareTrajectories, runTrajectory } from '../../../../src/domain/train/ort/trajectory.ts'
import { probeWebGpu } from '../../../../src/domain/train/ort/webgpu-adapter.ts'
import { isUserError } from '../../../../src/foundation/errors/user-error.ts'
import { FULL_STEP_SPEC } from '../support/step-spec.ts'

const SPEC = FULL_STEP_SPEC

const f32 = (shape: number[], values: number[]): HostTensor => ({
  shape,
  dtype: 'float32',
  data: Float32Array.from(values),
})

/** `w ← w − lr·x` with state `w`, plus a read-only graph over the same state. */
function counterProgram(): Program {
  const step = new GraphBuilder()
  const w = step.input('w', [2])
  const lr = step.input('lr', [])
  const next = step.sub(w, step.mul(step.input('x', [2]), lr))
  const stepGraph = step.finish({ 'next.w': next, total: step.reduceSum(next, 'all', 0) })
  const read = new GraphBuilder()
  const readGraph = read.finish({ doubled: read.mul(read.input('w', [2]), 2) })
  return {
    graphs: { step: stepGraph, read: readGraph },
    state: [{ name: 'w', shape: [2], dtype: 'float32' }],
    updates: { step: { 'next.w': 'w' } },
  }
}

describe('createOrtExecutor()', () => {
  test('ort-cpu agrees with ts after 3 train steps: loss and weights within relative 1e-5', async () => {
    const options = { spec: SPEC, steps: 3, seed: 11 }
    const reference = await runTrajectory(await resolveExecutor('ts'), options)
    const ortCpu = await runTrajectory(await resolveExecutor('ort-cpu'), options)
    const agreement = compareTrajectories(reference, ortCpu)
    expect(agreement.lossRel).toBeLessThanOrEqual(1e-5)
    expect(agreement.weightRel).toBeLessThanOrEqual(1e-5)
    // Per tensor the bound is looser: the key part of c_attn.bias has an exactly-zero gradient in
    // exact arithmetic (softmax ignores a shift shared by a row), so Adam normalizes rounding noise
    // there and the two backends move those entries differently (by ~1e-6 absolute).
    expect(agreement.worstTensor.rel).toBeLessThanOrEqual(1e-3)
    expect(ortCpu.losses[2]).toBeLessThan(ortCpu.losses[0] as number)
  })

  test('state updates replace their slots; other outputs come back; every graph sees the state', async () => {
    const session = await (await createOrtExecutor('ort-cpu', { threads: 1 })).load(counterProgram())
    try {
      await session.writeState({ w: f32([2], [1, 2]) })
      const out = await session.run('step', { x: f32([2], [10, 20]), lr: f32([], [0.5]) })
      expect(Object.keys(out)).toEqual(['total'])
      expect(Array.from(out.total?.data ?? [])).toEqual([-12])
      expect(Array.from((await session.readState()).w?.data ?? [])).toEqual([-4, -8])
      await session.run('step', { x: f32([2], [2, 2]), lr: f32([], [1]) })
      expect(Array.from((await session.run('read', {})).doubled?.data ?? [])).toEqual([-12, -20])
    } finally {
      await session.dispose()
    }
  })

  test('a wrong feed or state names the tensor and both shapes', async () => {
    const session = await (await createOrtExecutor('ort-cpu', { threads: 1 })).load(counterProgram())
    try {
      await expect(session.run('step', { x: f32([3], [1, 2, 3]), lr: f32([], [1]) })).rejects.toThrow(
        'ort-cpu: feed x is [3] float32 (3 values), expected [2] float32',
      )
      await expect(session.run('step', { x: f32([2], [1, 2]) })).rejects.toThrow('ort-cpu: step needs feed lr')
      await expect(session.writeState({ v: f32([2], [1, 2]) })).rejects.toThrow('ort-cpu: no state slot v')
      await expect(session.run('nope', {})).rejects.toThrow('ort-cpu: no graph named nope; loaded: step, read')
    } finally {
      await session.dispose()
    }
  })

  test('ort-webgpu without an adapter is a usage error naming the reason and the fix, never a fallback', async (ctx) => {
    const probe = await probeWebGpu()
    if (probe.ok) return ctx.skip('a WebGPU adapter exists here: the no-adapter path cannot be observed')
    const error = await resolveExecutor('ort-webgpu').catch((e: unknown) => e)
    expect(isUserError(error)).toBe(true)
    const { code, message, hint, exitCode } = error as { code: string; message: string; hint: string; exitCode: number }
    expect({ code, exitCode }).toEqual({ code: 'WEBGPU_UNAVAILABLE', exitCode: 2 })
    expect(message).toContain(probe.reason)
    expect(hint).toContain('libvulkan1')
    expect(hint).toContain('--backend ort-cpu')
  })
})
