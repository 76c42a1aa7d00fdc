import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { loadTrainConfig, parseSet, trainConfigKeys } from '../../../../src/domain/train/config/load-train-config.ts'
import { configHash, TRAIN_DEFAULTS } from '../../../../src/domain/train/config/train-config.ts'
import { tempDir } from '../../../support/temp-dir.ts'
import { userErrorFrom } from '../../../support/user-error.ts'

const dir = tempDir('train-config-')
function file(name: string, content: unknown): string {
  const path = join(dir, name)
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content))
  return path
}

describe('loadTrainConfig()', () => {
  test('defaults, then the file, then --set, then flags', () => {
    const path = file('a.json', { n_layer: 3, learning_rate: 0.002 })
    const loaded = loadTrainConfig(path, ['n_layer=4', 'bias=true'], { seed: 9 })
    expect(loaded.name).toBe('a')
    expect(loaded.config.n_layer).toBe(4)
    expect(loaded.config.bias).toBe(true)
    expect(loaded.config.learning_rate).toBe(0.002)
    expect(loaded.config.seed).toBe(9)
    expect(loaded.config.n_head).toBe(TRAIN_DEFAULTS.n_head)
    expect(loaded.hash).toBe(configHash(loaded.config))
  })

  test('the shipped configs validate', () => {
    for (const name of ['gpt-tiny', 'gpt-small-char']) {
      expect(loadTrainConfig(`configs/train/${name}.json`).config.model).toBe('gpt')
    }
  })

  test('an unknown key in the file names the key and the nearest valid one', () => {
    const e = userErrorFrom(() => loadTrainConfig(file('b.json', { n_layers: 2 })))
    expect(e.code).toBe('CONFIG_UNKNOWN_KEY')
    expect(e.message).toBe(`${join(dir, 'b.json')}: unknown key "n_layers"`)
    expect(e.hint).toMatch(/^did you mean "n_layer"\? valid keys are in .*train\.schema\.json$/)
  })

  test('an unknown --set key names the nearest; values are typed by the schema', () => {
    const path = file('c.json', {})
    expect(userErrorFrom(() => loadTrainConfig(path, ['learnin_rate=1'])).hint).toContain(
      'did you mean "learning_rate"?',
    )
    expect(userErrorFrom(() => loadTrainConfig(path, ['n_layer=two'])).message).toBe(
      '--set n_layer=two: n_layer must be an integer',
    )
    expect(userErrorFrom(() => loadTrainConfig(path, ['bias=yes'])).message).toBe(
      '--set bias=yes: bias must be true or false',
    )
    expect(userErrorFrom(() => loadTrainConfig(path, ['backend=gpu'])).message).toBe(
      '--set backend=gpu: backend must be one of ts, ort-cpu, ort-webgpu',
    )
    expect(userErrorFrom(() => loadTrainConfig(path, ['nolabel'])).message).toBe('--set nolabel: expected key=value')
    expect(parseSet('dropout=0.1')).toEqual(['dropout', 0.1])
    expect(parseSet('out_dir=runs/x')).toEqual(['out_dir', 'runs/x'])
  })

  test('schema violations name the field, the rule and where the value came from', () => {
    const e = userErrorFrom(() => loadTrainConfig(file('d.json', { n_layer: 0 })))
    expect(e.code).toBe('CONFIG_INVALID')
    expect(e.message).toBe(`${join(dir, 'd.json')}: n_layer must be >= 1 (got 0)`)
    expect(userErrorFrom(() => loadTrainConfig(file('e.json', {}), ['dropout=1'])).message).toBe(
      '--set dropout=1: dropout must be < 1 (got 1)',
    )
    expect(userErrorFrom(() => loadTrainConfig(file('f.json', {}), [], { backend: 'cuda' as never })).message).toBe(
      '--backend: backend must be one of "ts", "ort-cpu", "ort-webgpu" (got "cuda")',
    )
  })

  test('cross-field rules: n_embd divisible by n_head, min_lr ≤ learning_rate', () => {
    expect(userErrorFrom(() => loadTrainConfig(file('g.json', { n_embd: 30, n_head: 4 }))).message).toBe(
      `${join(dir, 'g.json')}: n_embd 30 is not divisible by n_head 4`,
    )
    expect(userErrorFrom(() => loadTrainConfig(file('h.json', {}), ['min_lr=1'])).message).toContain(
      'min_lr 1 exceeds learning_rate',
    )
  })

  test('missing file, bad JSON and a non-object are user errors', () => {
    expect(userErrorFrom(() => loadTrainConfig(join(dir, 'nope.json'))).code).toBe('CONFIG_NOT_FOUND')
    expect(userErrorFrom(() => loadTrainConfig(file('i.json', '{ nope'))).code).toBe('CONFIG_JSON')
    expect(userErrorFrom(() => loadTrainConfig(file('j.json', '[1]'))).code).toBe('CONFIG_SHAPE')
  })

  test('the hash ignores where a run lives and how it is logged, not what it computes', () => {
    const path = file('k.json', {})
    const base = loadTrainConfig(path).hash
    expect(loadTrainConfig(path, ['out_dir=elsewhere', 'log_interval=3', 'backend=ort-cpu']).hash).toBe(base)
    expect(loadTrainConfig(path, ['learning_rate=0.5']).hash).not.toBe(base)
    expect(trainConfigKeys()).toContain('gradient_accumulation_steps')
  })
})
