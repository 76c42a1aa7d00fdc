import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { decodeSafetensors } from '../../../src/domain/checkpoint/read-safetensors.ts'
import { saveCheckpoint } from '../../../src/domain/checkpoint/save-checkpoint.ts'
import type { TrainerStateExtras } from '../../../src/domain/checkpoint/trainer-state-json.ts'
import { syntheticState, tiedState } from './synthetic-state.ts'

const tmp = mkdtempSync(join(tmpdir(), 'ckpt-save-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))
const extras: TrainerStateExtras = {
  runId: 'r',
  metrics: {},
  monitor: null,
  bestCheckpoint: null,
  createdAt: '2026-01-01T00:00:00.000Z',
}

describe('saveCheckpoint()', () => {
  test('commits ckpt-<step>/ with weights, optimizer, trainer state and a manifest of them, and no temp left', async () => {
    const dir = join(tmp, 'layout')
    const state = syntheticState(40)
    const saved = await saveCheckpoint(dir, state, extras)
    expect(saved.path).toBe(join(dir, 'ckpt-40'))
    expect(readdirSync(dir)).toEqual(['ckpt-40'])
    expect(readdirSync(saved.path).sort()).toEqual([
      'manifest.json',
      'model.safetensors',
      'optimizer.safetensors',
      'trainer_state.json',
    ])

    const manifestBytes = readFileSync(join(saved.path, 'manifest.json'))
    expect(saved.manifestSha256).toBe(createHash('sha256').update(manifestBytes).digest('hex'))
    const manifest = JSON.parse(manifestBytes.toString())
    let total = manifestBytes.length
    for (const [name, entry] of Object.entries(manifest.files) as [string, { bytes: number; sha256: string }][]) {
      const bytes = readFileSync(join(saved.path, name))
      expect(entry).toEqual({ bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') })
      total += bytes.length
    }
    expect(saved.bytes).toBe(total)

    const model = decodeSafetensors(readFileSync(join(saved.path, 'model.safetensors')))
    expect(model.metadata).toEqual({ format: 'pt' })
    expect([...model.tensors.keys()].sort()).toEqual(Object.keys(state.params).sort())
    const optimizer = decodeSafetensors(readFileSync(join(saved.path, 'optimizer.safetensors')))
    expect([...optimizer.tensors.keys()][0]).toBe('step') // I64 sorts first
    expect(optimizer.tensors.size).toBe(1 + 2 * Object.keys(state.params).length)
    expect(optimizer.tensors.has('exp_avg.lm_head.weight') && optimizer.tensors.has('exp_avg_sq.lm_head.weight')).toBe(
      true,
    )
  })

  test('writes a tied key as a copy of its parameter, with no optimizer moments of its own', async () => {
    const dir = join(tmp, 'tied')
    const state = tiedState(6)
    const saved = await saveCheckpoint(dir, state, extras)
    const model = decodeSafetensors(readFileSync(join(saved.path, 'model.safetensors')))
    const copy = model.tensors.get('lm_head.weight')
    expect(copy?.shape).toEqual([16, 8])
    expect(
      Buffer.from(copy?.bytes ?? []).equals(Buffer.from(model.tensors.get('transformer.wte.weight')?.bytes ?? [1])),
    ).toBe(true)
    const optimizer = decodeSafetensors(readFileSync(join(saved.path, 'optimizer.safetensors')))
    expect([...optimizer.tensors.keys()].filter((k) => k.includes('lm_head'))).toEqual([])
    const json = JSON.parse(readFileSync(join(saved.path, 'trainer_state.json'), 'utf8'))
    expect(json.tied_params).toEqual({ 'lm_head.weight': 'transformer.wte.weight' })
    expect(json.param_names).not.toContain('lm_head.weight')
  })

  test('replaces an existing folder of the same step (a run resumed from an earlier step)', async () => {
    const dir = join(tmp, 'replace')
    await saveCheckpoint(dir, syntheticState(5, { seed: 1 }), extras)
    await saveCheckpoint(dir, syntheticState(5, { seed: 2 }), extras)
    expect(readdirSync(dir)).toEqual(['ckpt-5'])
    const state = JSON.parse(readFileSync(join(dir, 'ckpt-5', 'trainer_state.json'), 'utf8'))
    expect(state.config).toEqual({ model: 'tiny', seed: 2 })
  })

  test('removes its temp folder and leaves older checkpoints alone when a write fails', async () => {
    const dir = join(tmp, 'fail')
    await saveCheckpoint(dir, syntheticState(1), extras)
    const broken = { ...syntheticState(2), config: { n: 1n } } // BigInt: JSON.stringify throws after the tensors are written
    await expect(saveCheckpoint(dir, broken, extras)).rejects.toThrow(/BigInt/)
    expect(readdirSync(dir)).toEqual(['ckpt-1'])
  })

  test('accepts an optimizer without moments (before the first step)', async () => {
    const dir = join(tmp, 'fresh')
    const state = syntheticState(0)
    await saveCheckpoint(dir, { ...state, optimizer: { step: 0, m: {}, v: {} } }, extras)
    const optimizer = decodeSafetensors(readFileSync(join(dir, 'ckpt-0', 'optimizer.safetensors')))
    expect([...optimizer.tensors.keys()]).toEqual(['step'])
  })

  test.each([
    [
      'a moment of another shape',
      (s = syntheticState(1)) => ({
        ...s,
        optimizer: {
          ...s.optimizer,
          m: { ...s.optimizer.m, 'lm_head.weight': { shape: [8, 16], data: new Float32Array(128) } },
        },
      }),
      /optimizer.m\["lm_head.weight"\] is \[8,16\] but the parameter is \[16,8\]/,
    ],
    [
      'a moment without parameter',
      (s = syntheticState(1)) => ({
        ...s,
        optimizer: { ...s.optimizer, v: { ...s.optimizer.v, ghost: { shape: [1], data: new Float32Array(1) } } },
      }),
      /optimizer.v\["ghost"\] has no parameter/,
    ],
    [
      'a shape that does not match the data',
      (s = syntheticState(1)) => ({ ...s, params: { ...s.params, x: { shape: [3], data: new Float32Array(2) } } }),
      /params\["x"\] has shape \[3\] \(3 values\) but 2 values/,
    ],
    [
      'a tie to no parameter',
      (s = syntheticState(1)) => ({ ...s, tiedParams: { 'out.weight': 'nope' } }),
      /tied key "out.weight" names "nope", which is not a parameter/,
    ],
    [
      'a tied key that is also a parameter',
      (s = syntheticState(1)) => ({ ...s, tiedParams: { 'lm_head.weight': 'transformer.wte.weight' } }),
      /tied key "lm_head.weight" is also a parameter/,
    ],
    ['a fractional step', (s = syntheticState(1)) => ({ ...s, step: 1.5 }), /step must be a non-negative integer/],
    [
      'moments for only some parameters',
      (s = syntheticState(1)) => {
        const { 'lm_head.weight': _dropped, ...m } = s.optimizer.m
        return { ...s, optimizer: { ...s.optimizer, m } }
      },
      /optimizer.m has 8 entries for 9 parameters/,
    ],
    [
      'a negative optimizer step',
      (s = syntheticState(1)) => ({ ...s, optimizer: { ...s.optimizer, step: -1 } }),
      /optimizer.step must be a non-negative integer, got -1/,
    ],
    [
      'float64 data',
      (s = syntheticState(1)) => ({ ...s, params: { ...s.params, x: { shape: [1], data: new Float64Array(1) } } }),
      /params\["x"\].data is not a Float32Array/,
    ],
  ])('refuses %s before writing anything', async (_what, make, message) => {
    const dir = join(tmp, 'refuse')
    await expect(saveCheckpoint(dir, make() as never, extras)).rejects.toThrow(message)
    expect(existsSync(dir) ? readdirSync(dir) : []).toEqual([])
  })
})
