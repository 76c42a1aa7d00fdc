import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { decodeSafetensors } from '../../../src/domain/checkpoint/read-safetensors.ts'
import { serializeSafetensors } from '../../../src/domain/checkpoint/write-safetensors.ts'
import { readHfFolder, writeHfFolder } from '../../../src/domain/pretrained/hf-folder.ts'
import { gptParamSpecs } from '../../../src/domain/train/model/gpt.ts'
import { tempDir } from '../../support/temp-dir.ts'
import { logitsOf, perturbedParams, TINY_GPT, writeGpt2Fixture } from './support/model-fixtures.ts'

const dir = tempDir('hf-folder-')
const params = perturbedParams(TINY_GPT, 21)
const tokens = [
  [1, 5, 2, 9, 0, 3, 10, 4],
  [7, 7, 6, 1, 2, 8, 3, 0],
]

describe('readHfFolder()', () => {
  test('a GPT-2 folder written by hand from our model (Conv1D transposed) loads with the same logits, bit for bit', async () => {
    const folder = join(dir, 'prefixed')
    writeGpt2Fixture(folder, TINY_GPT, params)
    const model = await readHfFolder(folder)
    expect(model.gpt).toEqual(TINY_GPT)
    expect(Object.keys(model.params).sort()).toEqual(
      gptParamSpecs(TINY_GPT)
        .map((s) => s.key)
        .sort(),
    )
    expect(model.params['transformer.h.1.mlp.c_fc.weight']?.shape).toEqual([32, 8]) // back to [out, in]
    const ours = await logitsOf(TINY_GPT, params, tokens)
    const loaded = await logitsOf(model.gpt, model.params, tokens)
    expect(Buffer.from(loaded.buffer).equals(Buffer.from(ours.buffer))).toBe(true)
  })

  test('bare GPT2Model keys, the causal-mask buffers and a tied lm_head copy load the same', async () => {
    const folder = join(dir, 'bare')
    writeGpt2Fixture(folder, TINY_GPT, params, { bare: true, buffers: true, lmHead: true })
    const model = await readHfFolder(folder)
    for (const [key, t] of Object.entries(params)) expect(model.params[key]?.data).toEqual(t.data)
  })

  test('F16 and BF16 weights widen to float32 exactly', async () => {
    const folder = join(dir, 'half')
    writeGpt2Fixture(folder, TINY_GPT, params)
    const file = decodeSafetensors(readFileSync(join(folder, 'model.safetensors')))
    const half = new Map<string, { dtype: 'F16' | 'BF16' | 'F32'; shape: number[]; data: ArrayBufferView }>()
    let i = 0
    const expected: Record<string, number[]> = {}
    for (const [name, t] of file.tensors) {
      const n = t.bytes.byteLength / 4
      // bf16 0x3f80 = 1, 0xc040 = -3; f16 0x3c00 = 1, 0xc200 = -3, 0x0001 = 2^-24 (subnormal)
      if (i++ % 2 === 0) {
        half.set(name, {
          dtype: 'BF16',
          shape: t.shape,
          data: Uint16Array.from({ length: n }, (_, k) => (k % 2 ? 0xc040 : 0x3f80)),
        })
        expected[name] = Array.from({ length: n }, (_, k) => (k % 2 ? -3 : 1))
      } else {
        half.set(name, {
          dtype: 'F16',
          shape: t.shape,
          data: Uint16Array.from({ length: n }, (_, k) => [0x3c00, 0xc200, 0x0001][k % 3] as number),
        })
        expected[name] = Array.from({ length: n }, (_, k) => [1, -3, 2 ** -24][k % 3] as number)
      }
    }
    writeFileSync(join(folder, 'model.safetensors'), serializeSafetensors(half))
    const model = await readHfFolder(folder)
    const wte = model.params['transformer.wte.weight']?.data as Float32Array
    const name = [...half.keys()].find((k) => k.endsWith('wte.weight')) as string
    expect([...wte]).toEqual(expected[name])
  })

  test.each([
    [
      'an untied lm_head',
      (p: string) => tamper(p, 'lm_head.weight'),
      /lm_head.weight differs from transformer.wte.weight/,
    ],
    ['a missing tensor', (p: string) => tamper(p, 'drop'), /has no tensor transformer.h.1.ln_2.bias/],
    [
      'an extra tensor',
      (p: string) => tamper(p, 'extra'),
      /holds tensors a GPT-2 does not have: transformer.h.0.attn.rotary.inv_freq/,
    ],
  ])('refuses %s, naming the tensor', async (_, damage, message) => {
    const folder = join(dir, `bad-${Math.random().toString(36).slice(2)}`)
    writeGpt2Fixture(folder, TINY_GPT, params)
    damage(folder)
    await expect(readHfFolder(folder)).rejects.toThrow(message)
  })

  test('a Conv1D weight stored [out, in] (not transposed) is refused with both shapes', async () => {
    const folder = join(dir, 'untransposed')
    writeGpt2Fixture(folder, TINY_GPT, params)
    const file = decodeSafetensors(readFileSync(join(folder, 'model.safetensors')))
    const entries = [...file.tensors].map(
      ([k, t]) =>
        [k, { dtype: t.dtype, shape: k.endsWith('h.0.mlp.c_fc.weight') ? [32, 8] : t.shape, data: t.bytes }] as const,
    )
    writeFileSync(join(folder, 'model.safetensors'), serializeSafetensors(entries))
    await expect(readHfFolder(folder)).rejects.toThrow(
      'tensor transformer.h.0.mlp.c_fc.weight is [32, 8] but config.json implies [8, 32] (Conv1D: [in, out])',
    )
  })

  test('folders without safetensors weights are refused with the way to make them', async () => {
    const bin = join(dir, 'bin-only')
    writeGpt2Fixture(bin, TINY_GPT, params)
    writeFileSync(join(bin, 'pytorch_model.bin'), 'x')
    writeFileSync(join(bin, 'model.safetensors'), '')
    await expect(readHfFolder(join(dir, 'nowhere'))).rejects.toMatchObject({
      code: 'PRETRAINED_NOT_FOUND',
      hint: expect.stringContaining('never downloads'),
    })
    const { rmSync } = await import('node:fs')
    rmSync(join(bin, 'model.safetensors'))
    await expect(readHfFolder(bin)).rejects.toMatchObject({
      message: expect.stringContaining('only pytorch_model.bin, a pickle, which is never loaded'),
      hint: expect.stringContaining('save_pretrained(dir, safe_serialization=True)'),
    })
    writeFileSync(join(bin, 'model.safetensors.index.json'), '{}')
    await expect(readHfFolder(bin)).rejects.toThrow(/sharded checkpoint/)
  })
})

describe('writeHfFolder()', () => {
  test('writes what readHfFolder reads back, tensors byte-identical to the hand-written GPT-2 file', async () => {
    const source = join(dir, 'src-for-write')
    writeGpt2Fixture(source, TINY_GPT, params)
    const out = join(dir, 'written')
    const files = await writeHfFolder(out, TINY_GPT, params)
    expect(Object.keys(files)).toEqual(['config.json', 'model.safetensors'])
    const a = decodeSafetensors(readFileSync(join(source, 'model.safetensors')))
    const b = decodeSafetensors(readFileSync(join(out, 'model.safetensors')))
    expect(b.metadata).toEqual({ format: 'pt' })
    expect([...b.tensors.keys()].sort()).toEqual([...a.tensors.keys()].sort())
    for (const [k, t] of a.tensors)
      expect(Buffer.from(b.tensors.get(k)?.bytes ?? []).equals(Buffer.from(t.bytes))).toBe(true)
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'))
    expect(config).toMatchObject({
      model_type: 'gpt2',
      activation_function: 'gelu_new',
      n_positions: 8,
      tie_word_embeddings: true,
    })
    await expect(writeHfFolder(out, TINY_GPT, params)).rejects.toThrow('already holds files')
  })

  test('a model without biases is written with zero biases: the same logits in GPT-2 form', async () => {
    const gpt = { ...TINY_GPT, bias: false }
    const noBias = perturbedParams(gpt, 4)
    const out = join(dir, 'no-bias')
    await writeHfFolder(out, gpt, noBias)
    const back = await readHfFolder(out)
    expect(back.gpt.bias).toBe(true)
    expect([...(back.params['transformer.h.0.attn.c_attn.bias']?.data ?? [])].every((v) => v === 0)).toBe(true)
    const a = await logitsOf(gpt, noBias, tokens, undefined, 'float64')
    const b = await logitsOf(back.gpt, back.params, tokens, undefined, 'float64')
    expect(Math.max(...a.map((v, i) => Math.abs(v - (b[i] as number))))).toBe(0)
  })
})

/** Rewrites a fixture's model.safetensors with one change. */
function tamper(folder: string, how: 'lm_head.weight' | 'drop' | 'extra'): void {
  const path = join(folder, 'model.safetensors')
  const file = decodeSafetensors(readFileSync(path))
  const entries = [...file.tensors]
    .filter(([k]) => !(how === 'drop' && k === 'transformer.h.1.ln_2.bias'))
    .map(
      ([k, t]) =>
        [k, { dtype: t.dtype, shape: t.shape, data: t.bytes }] as [
          string,
          { dtype: typeof t.dtype; shape: number[]; data: Uint8Array },
        ],
    )
  if (how === 'lm_head.weight') {
    const wte = file.tensors.get('transformer.wte.weight')
    const other = Uint8Array.from(wte?.bytes ?? [])
    other[0] = (other[0] as number) ^ 1
    entries.push(['lm_head.weight', { dtype: 'F32', shape: wte?.shape ?? [], data: other }])
  }
  if (how === 'extra')
    entries.push(['transformer.h.0.attn.rotary.inv_freq', { dtype: 'F32', shape: [2], data: new Uint8Array(8) }])
  writeFileSync(path, serializeSafetensors(entries))
}
