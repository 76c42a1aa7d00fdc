import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { loadTrainConfig, parseSet, trainConfigKeys } from '../../../../src/domain/train/config/load-train-config.ts'
import { configHash, HASH_EXCLUDED_KEYS, TRAIN_DEFAULTS } from '../../../../src/domain/train/config/train-config.ts'
import { canonicalJson, sha256Hex } from '../../../../src/foundation/json/canonical-json.ts'
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

  test('a lora section takes PEFT defaults for what it leaves out; --set lora.<field> sets one field', () => {
    const path = file('lora.json', { lora: { r: 4 } })
    expect(loadTrainConfig(path).config.lora).toEqual({
      r: 4,
      lora_alpha: 8,
      lora_dropout: 0,
      target_modules: ['c_attn'],
      task_type: 'CAUSAL_LM',
    })
    const set = loadTrainConfig(file('none.json', {}), [
      'lora.r=2',
      'lora.target_modules=c_attn,mlp.c_proj',
      'lora.task_type=SEQ_CLS',
    ])
    expect(set.config.lora).toMatchObject({ r: 2, target_modules: ['c_attn', 'mlp.c_proj'], task_type: 'SEQ_CLS' })
    expect(loadTrainConfig(path, ['lora.lora_alpha=16']).config.lora).toMatchObject({ r: 4, lora_alpha: 16 })
    expect(loadTrainConfig(file('plain.json', {})).config.lora).toBeNull()
  })

  test('lora fields are checked by the schema, naming the field and the fix', () => {
    expect(userErrorFrom(() => parseSet('lora.rank=4'))).toMatchObject({
      hint: expect.stringContaining('did you mean "lora.r"?'),
    })
    expect(userErrorFrom(() => parseSet('lora.target_modules=q_proj'))).toMatchObject({
      message:
        '--set lora.target_modules=q_proj: lora.target_modules must be a comma-separated list of c_attn, c_proj, c_fc, attn.c_proj, mlp.c_proj',
    })
    const zero = userErrorFrom(() => loadTrainConfig(file('z.json', { lora: { r: 0 } })))
    expect(zero.message).toContain('lora.r must be >= 1 (got 0)')
    const extra = userErrorFrom(() => loadTrainConfig(file('e.json', { lora: { r: 2, use_dora: true } })))
    expect(extra.message).toContain('lora must NOT have additional properties')
    expect(loadTrainConfig(file('f.json', {}), [], { init_from: 'registry:tiny' }).config.init_from).toBe(
      'registry:tiny',
    )
  })

  test('init_from and lora enter the hash only when set: configs without them keep the hash their checkpoints have', () => {
    const path = file('h.json', { n_layer: 2 })
    const loaded = loadTrainConfig(path)
    const before: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(loaded.config)) {
      if (!HASH_EXCLUDED_KEYS.includes(k) && k !== 'init_from' && k !== 'lora') before[k] = v
    }
    expect(loaded.hash).toBe(sha256Hex(canonicalJson(before)))
    expect(loadTrainConfig(path, ['lora.r=4']).hash).not.toBe(loaded.hash)
    expect(loadTrainConfig(path, [], { init_from: 'registry:x' }).hash).not.toBe(loaded.hash)
    expect(configHash(loaded.config)).toBe(loaded.hash)
  })
})
