import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { decodeSafetensors } from '../../../src/domain/checkpoint/read-safetensors.ts'
import {
  checkAdapterFits,
  type PeftAdapter,
  readPeftAdapter,
  writePeftAdapter,
} from '../../../src/domain/pretrained/peft-adapter.ts'
import { LORA_DEFAULTS, type LoraSettings, loraParamSpecs } from '../../../src/domain/train/model/lora.ts'
import type { TensorData } from '../../../src/domain/train/train-state.ts'
import { Prng } from '../../../src/foundation/random/prng.ts'
import { tempDir } from '../../support/temp-dir.ts'
import { TINY_GPT } from './support/model-fixtures.ts'

const dir = tempDir('peft-')
const lora: LoraSettings = { ...LORA_DEFAULTS, r: 4, lora_alpha: 8, target_modules: ['c_attn', 'c_proj', 'c_fc'] }

function adapter(settings: LoraSettings = lora): PeftAdapter {
  const rng = Prng.fromSeed(5)
  const params: Record<string, TensorData> = {}
  for (const s of loraParamSpecs(TINY_GPT, settings)) {
    params[s.key] = {
      shape: [...s.shape],
      data: Float32Array.from({ length: s.shape.reduce((a, d) => a * d, 1) }, () => rng.nextFloat()),
    }
  }
  return { lora: settings, params, baseModel: 'registry:tiny' }
}

/**
 * What PEFT 0.21 saved for get_peft_model(GPT2LMHeadModel(n_embd=8, n_layer=2), LoraConfig(r=4,
 * target_modules=["c_attn", "c_proj", "c_fc"])).save_pretrained(dir): the layer-0 tensors (layer 1 likewise).
 */
const PEFT_LAYER_0: [string, number[]][] = [
  ['base_model.model.transformer.h.0.attn.c_attn.lora_A.weight', [4, 8]],
  ['base_model.model.transformer.h.0.attn.c_attn.lora_B.weight', [24, 4]],
  ['base_model.model.transformer.h.0.attn.c_proj.lora_A.weight', [4, 8]],
  ['base_model.model.transformer.h.0.attn.c_proj.lora_B.weight', [8, 4]],
  ['base_model.model.transformer.h.0.mlp.c_fc.lora_A.weight', [4, 8]],
  ['base_model.model.transformer.h.0.mlp.c_fc.lora_B.weight', [32, 4]],
  ['base_model.model.transformer.h.0.mlp.c_proj.lora_A.weight', [4, 32]],
  ['base_model.model.transformer.h.0.mlp.c_proj.lora_B.weight', [8, 4]],
]

describe('writePeftAdapter()', () => {
  test("writes PEFT's key names and shapes, and an adapter_config.json with PEFT's fields", async () => {
    const out = join(dir, 'written')
    await writePeftAdapter(out, adapter())
    const file = decodeSafetensors(readFileSync(join(out, 'adapter_model.safetensors')))
    expect(file.metadata).toEqual({ format: 'pt' })
    const layer0 = [...file.tensors].filter(([k]) => k.includes('.h.0.')).map(([k, t]) => [k, t.shape])
    expect(layer0.sort()).toEqual([...PEFT_LAYER_0].sort())
    expect(file.tensors.size).toBe(16)
    const config = JSON.parse(readFileSync(join(out, 'adapter_config.json'), 'utf8'))
    expect(config).toMatchObject({
      peft_type: 'LORA',
      task_type: 'CAUSAL_LM',
      r: 4,
      lora_alpha: 8,
      lora_dropout: 0,
      target_modules: ['c_attn', 'c_proj', 'c_fc'],
      fan_in_fan_out: true, // GPT-2's projections are Conv1D: PEFT sets this itself for them
      bias: 'none',
      base_model_name_or_path: 'registry:tiny',
    })
    await expect(writePeftAdapter(out, adapter())).rejects.toThrow('already holds files')
    await writePeftAdapter(out, adapter(), { replace: true })
  })
})

describe('readPeftAdapter()', () => {
  test('reads back what was written, tensors bit-identical', async () => {
    const out = join(dir, 'round-trip')
    const written = adapter({ ...lora, task_type: 'SEQ_CLS', lora_dropout: 0.05 })
    await writePeftAdapter(out, written)
    const back = await readPeftAdapter(out)
    expect(back.lora).toEqual(written.lora)
    expect(back.baseModel).toBe('registry:tiny')
    for (const [k, t] of Object.entries(written.params)) expect(back.params[k]).toEqual(t)
    checkAdapterFits(back, TINY_GPT, out)
  })

  test.each([
    ['use_dora', true, /use_dora = true is not supported/],
    ['use_rslora', true, /use_rslora = true is not supported/],
    ['bias', 'all', /bias = "all" is not supported/],
    ['target_modules', '.*c_attn', /target_modules must be a list of module names \(a regex string is not supported\)/],
    ['target_modules', ['q_proj'], /target_modules \["q_proj"\] are not GPT-2 projections/],
    ['rank_pattern', { 'h.0.attn.c_attn': 8 }, /rank_pattern = .* is not supported/],
    ['peft_type', 'IA3', /peft_type is "IA3"; only LORA adapters load/],
    ['r', 8, /lora_A.weight is \[4,8\], of rank 4, but r is 8/],
  ])('refuses %s = %j by name', async (key, value, message) => {
    const out = join(dir, `bad-${key}-${String(value).length}`)
    await writePeftAdapter(out, adapter())
    const path = join(out, 'adapter_config.json')
    writeFileSync(path, JSON.stringify({ ...JSON.parse(readFileSync(path, 'utf8')), [key]: value }))
    await expect(readPeftAdapter(out)).rejects.toMatchObject({
      code: 'PEFT_ADAPTER',
      message: expect.stringMatching(message),
    })
  })

  test('an adapter for another model is refused by checkAdapterFits with both shapes', async () => {
    const back = await readPeftAdapter(join(dir, 'round-trip'))
    expect(() => checkAdapterFits(back, { ...TINY_GPT, n_embd: 16 }, 'a')).toThrow(
      /transformer.h.0.attn.c_attn.lora_A.weight is \[4, 8\] but this base needs \[4, 16\]/,
    )
    expect(() => checkAdapterFits(back, { ...TINY_GPT, n_layer: 1 }, 'a')).toThrow(
      /holds transformer.h.1.attn.c_attn.lora_A.weight/,
    )
  })

  test('a folder with only adapter_model.bin is refused: pickles are never loaded', async () => {
    const out = join(dir, 'bin')
    await writePeftAdapter(out, adapter())
    const { renameSync } = await import('node:fs')
    renameSync(join(out, 'adapter_model.safetensors'), join(out, 'adapter_model.bin'))
    await expect(readPeftAdapter(out)).rejects.toThrow(/only adapter_model.bin, a pickle, which is never loaded/)
  })
})
