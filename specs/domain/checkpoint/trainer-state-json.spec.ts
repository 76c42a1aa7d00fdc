import { describe, expect, test } from 'vitest'
import {
  decodeTrainerState,
  encodeTrainerState,
  type TrainerStateExtras,
} from '../../../src/domain/checkpoint/trainer-state-json.ts'
import { syntheticState } from './synthetic-state.ts'

const extras: TrainerStateExtras = {
  runId: 'run-1',
  metrics: { val_loss: Number.NaN, acc: -0, ppl: Number.POSITIVE_INFINITY, lr: 1e-3 },
  monitor: 'val_loss',
  bestCheckpoint: 'ckpt-10',
  createdAt: '2026-01-01T00:00:00.000Z',
}

/** An edit of the parsed JSON, re-serialized. */
function editJson(change: (json: Record<string, unknown>) => unknown): (text: string) => string {
  return (text) => {
    const json = JSON.parse(text)
    change(json)
    return JSON.stringify(json, null, 2)
  }
}

describe('encodeTrainerState() / decodeTrainerState()', () => {
  test('round-trips every scalar of the TrainState exactly, non-finite values included', () => {
    const state = { ...syntheticState(10), epoch: -0, bestMetric: Number.NaN, schedule: { step: 10, lr: 0.1 + 0.2 } }
    const text = encodeTrainerState(state, extras)
    const { state: back, extras: backExtras } = decodeTrainerState(text, 'x/trainer_state.json')
    expect(Object.is(back.epoch, -0)).toBe(true)
    expect(back.bestMetric).toBeNaN()
    expect(back.schedule.lr).toBe(0.1 + 0.2)
    expect(back.rng).toEqual(state.rng)
    expect(back.dataCursor).toEqual(state.dataCursor)
    expect(back.config).toEqual(state.config)
    expect(back.configHash).toBe(state.configHash)
    expect(back.paramNames).toEqual(Object.keys(state.params))
    expect(backExtras).toEqual(extras)
    expect(Object.is(backExtras.metrics.acc, -0)).toBe(true)
  })

  test('round-trips the base a run started from; a file without the field reads as no base', () => {
    const base = { source: 'registry:gpt-tiny', digest: 'ab'.repeat(32), parameters: 1234 }
    const text = encodeTrainerState({ ...syntheticState(3), base }, extras)
    expect(decodeTrainerState(text, 'trainer_state.json').state.base).toEqual(base)
    const old = JSON.parse(text)
    delete old.base
    expect(decodeTrainerState(JSON.stringify(old), 'trainer_state.json').state.base).toBeUndefined()
    const bad = { ...old, base: { source: 'x', digest: 1, parameters: 2 } }
    expect(() => decodeTrainerState(JSON.stringify(bad), 'trainer_state.json')).toThrow(/base\.digest must be a string/)
  })

  test('writes the fields people look for, HF-style names included', () => {
    const json = JSON.parse(encodeTrainerState(syntheticState(3), extras))
    expect(Object.keys(json)).toEqual([
      'format',
      'format_version',
      'run_id',
      'created_at',
      'global_step',
      'epoch',
      'data_cursor',
      'rng',
      'schedule',
      'best_metric',
      'best_checkpoint',
      'monitor',
      'metrics',
      'param_names',
      'tied_params',
      'config',
      'config_hash',
      'base',
      'library_versions',
    ])
    expect(json.base).toBeNull()
    expect(json.library_versions).toEqual({
      'codex-gates': expect.any(String),
      node: process.version,
      weights_format: 'safetensors',
    })
  })

  test.each([
    ['not JSON', (t: string) => t.slice(1), /is not valid JSON/],
    ['a wrong format', (t: string) => t.replace('codex-gates-trainer-state', 'hf'), /format is "hf"/],
    [
      'a future version',
      (t: string) => t.replace('"format_version": 1', '"format_version": 2'),
      /format_version 2 is not supported/,
    ],
    [
      'a fractional step',
      (t: string) => t.replace('"global_step": 3', '"global_step": 3.5'),
      /global_step must be an integer, got 3.5/,
    ],
    [
      'a bad cursor',
      (t: string) => t.replace('"position": 3', '"position": "3"'),
      /data_cursor.position must be an integer/,
    ],
    [
      'a bad rng',
      (t: string) => t.replace('"dropout": [', '"dropout": ["x", '),
      /rng.dropout must be a list of numbers/,
    ],
    ['a bad float', (t: string) => t.replace(/"lr": [^\n]+/, '"lr": "fast"'), /schedule.lr must be a number/],
    ['a root that is not an object', () => '[1, 2]', /\(root\) must be an object/],
    [
      'a null data cursor',
      editJson((j) => {
        j.data_cursor = null
      }),
      /data_cursor must be an object/,
    ],
    [
      'a non-numeric permutation seed',
      editJson((j) => {
        ;(j.data_cursor as Record<string, unknown>).permutation_seed = 'x'
      }),
      /data_cursor.permutation_seed must be a number, got "x"/,
    ],
    [
      'param_names that is not a list',
      editJson((j) => {
        j.param_names = 'wte'
      }),
      /param_names must be a list of strings/,
    ],
    [
      'a non-string parameter name',
      editJson((j) => {
        j.param_names = ['a', 1]
      }),
      /param_names must be a list of strings/,
    ],
    [
      'a missing config',
      editJson((j) => {
        delete j.config
      }),
      /config is missing/,
    ],
    [
      'a config hash that is not a string',
      editJson((j) => {
        j.config_hash = 5
      }),
      /config_hash must be a string, got 5/,
    ],
    [
      'a non-string tied target',
      editJson((j) => {
        j.tied_params = { a: 1 }
      }),
      /tied_params.a must be a string, got 1/,
    ],
  ])('rejects %s, naming the file and field', (_what, edit, message) => {
    const text = edit(encodeTrainerState(syntheticState(3), extras))
    expect(() => decodeTrainerState(text, 'ckpt-3/trainer_state.json')).toThrow(message)
    expect(() => decodeTrainerState(text, 'ckpt-3/trainer_state.json')).toThrow(/^ckpt-3\/trainer_state.json /)
  })
})
