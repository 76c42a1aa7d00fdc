import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { type SafetensorsTensor, serializeSafetensors } from '../../../../src/domain/checkpoint/write-safetensors.ts'
import type { HostTensor } from '../../../../src/domain/train/executor.ts'
import { type GptConfig, gptParamSpecs, initGptParams } from '../../../../src/domain/train/model/gpt.ts'
import type { LoraSettings } from '../../../../src/domain/train/model/lora.ts'
import type { TensorData } from '../../../../src/domain/train/train-state.ts'
import { buildForwardGraph, IO } from '../../../../src/domain/train/train-step-graph.ts'
import { TsExecutor } from '../../../../src/domain/train/ts/ts-executor.ts'
import { Prng } from '../../../../src/foundation/random/prng.ts'

/** A GPT small enough for exact checks, big enough to have every part (2 blocks, 2 heads, biases). */
export const TINY_GPT: GptConfig = {
  vocab_size: 11,
  block_size: 8,
  n_layer: 2,
  n_head: 2,
  n_embd: 8,
  bias: true,
  dropout: 0,
}

/**
 * nanoGPT's init, then every tensor perturbed (biases non-zero, LayerNorm weights off 1), so a
 * transposed, swapped or dropped tensor changes the logits.
 */
export function perturbedParams(gpt: GptConfig, seed: number): Record<string, TensorData> {
  const params = initGptParams(gpt, Prng.fromSeed(seed))
  const rng = Prng.fromSeed(seed + 1)
  for (const t of Object.values(params))
    for (let i = 0; i < t.data.length; i++) t.data[i] = (t.data[i] as number) + (rng.nextFloat() - 0.5) * 0.2
  return params
}

/** Logits (B·T·V, row-major) of the GPT on `tokens` (B rows of T ids), adapters unmerged when `lora` is given. */
export async function logitsOf(
  gpt: GptConfig,
  params: Readonly<Record<string, TensorData>>,
  tokens: number[][],
  lora?: LoraSettings,
  precision: 'float32' | 'float64' = 'float32',
): Promise<Float32Array | Float64Array> {
  const B = tokens.length
  const T = (tokens[0] as number[]).length
  const graph = buildForwardGraph(gpt, B, T, lora)
  const session = await new TsExecutor({ precision }).load({ graphs: { f: graph }, state: [], updates: {} })
  const feeds: Record<string, HostTensor> = {
    [IO.evalTokens]: { shape: [B, T], dtype: 'int32', data: Int32Array.from(tokens.flat()) },
  }
  for (const input of graph.inputs) {
    if (input.name === IO.evalTokens) continue
    const t = params[input.name]
    if (!t) throw new Error(`logitsOf: no tensor ${input.name}`)
    feeds[input.name] = {
      shape: t.shape,
      dtype: 'float32',
      data: precision === 'float64' ? Float64Array.from(t.data) : t.data,
    }
  }
  const out = (await session.run('f', feeds))[IO.logits] as HostTensor
  await session.dispose()
  return out.data as Float32Array | Float64Array
}

/** max |a − b| / max |b|: the relative error the acceptance figures use. */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0
  let scale = 0
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs((a[i] as number) - (b[i] as number)))
    scale = Math.max(scale, Math.abs(b[i] as number))
  }
  return diff / scale
}

export interface Gpt2FixtureOptions {
  /** Keys without `transformer.` (what a bare GPT2Model saves). */
  bare?: boolean
  /** Add the `h.<i>.attn.bias` / `masked_bias` causal-mask buffers older transformers saved. */
  buffers?: boolean
  /** Add `lm_head.weight` as a copy of wte (what some exports hold). */
  lmHead?: boolean
  /** config.json fields to add or override. */
  config?: Record<string, unknown>
}

/**
 * Writes `params` as GPT-2 stores them, written here by hand independently of the code under
 * test: each Conv1D weight (c_attn, c_proj, c_fc) transposed to [in, out] element by element,
 * a config.json as transformers' GPT2Config.to_dict() spells it.
 */
export function writeGpt2Fixture(
  dir: string,
  gpt: GptConfig,
  params: Readonly<Record<string, TensorData>>,
  options: Gpt2FixtureOptions = {},
): void {
  mkdirSync(dir, { recursive: true })
  const tensors: [string, SafetensorsTensor][] = []
  for (const spec of gptParamSpecs(gpt)) {
    const t = params[spec.key] as TensorData
    const name = options.bare ? spec.key.replace(/^transformer\./, '') : spec.key
    const conv1d = /\.(c_attn|c_proj|c_fc)\.weight$/.test(spec.key)
    if (!conv1d) {
      tensors.push([name, { dtype: 'F32', shape: t.shape, data: t.data }])
      continue
    }
    const [out, inp] = t.shape as [number, number]
    const stored = new Float32Array(out * inp)
    for (let o = 0; o < out; o++) for (let i = 0; i < inp; i++) stored[i * out + o] = t.data[o * inp + i] as number
    tensors.push([name, { dtype: 'F32', shape: [inp, out], data: stored }])
  }
  if (options.buffers) {
    const T = gpt.block_size
    for (let i = 0; i < gpt.n_layer; i++) {
      const mask = new Uint8Array(T * T).map((_, k) => (k % T <= Math.floor(k / T) ? 1 : 0))
      tensors.push([`h.${i}.attn.bias`, { dtype: 'BOOL', shape: [1, 1, T, T], data: mask }])
      tensors.push([`h.${i}.attn.masked_bias`, { dtype: 'F32', shape: [], data: Float32Array.of(-1e4) }])
    }
  }
  if (options.lmHead) {
    const wte = params['transformer.wte.weight'] as TensorData
    tensors.push(['lm_head.weight', { dtype: 'F32', shape: wte.shape, data: wte.data }])
  }
  writeFileSync(join(dir, 'model.safetensors'), serializeSafetensors(tensors, { format: 'pt' }))
  const config = {
    activation_function: 'gelu_new',
    architectures: ['GPT2LMHeadModel'],
    attn_pdrop: 0.1,
    bos_token_id: 50256,
    embd_pdrop: 0.1,
    eos_token_id: 50256,
    initializer_range: 0.02,
    layer_norm_epsilon: 1e-5,
    model_type: 'gpt2',
    n_ctx: gpt.block_size,
    n_embd: gpt.n_embd,
    n_head: gpt.n_head,
    n_inner: null,
    n_layer: gpt.n_layer,
    n_positions: gpt.block_size,
    reorder_and_upcast_attn: false,
    resid_pdrop: 0.1,
    scale_attn_by_inverse_layer_idx: false,
    scale_attn_weights: true,
    summary_type: 'cls_index',
    tie_word_embeddings: true,
    transformers_version: '4.44.0',
    use_cache: true,
    vocab_size: gpt.vocab_size,
    ...options.config,
  }
  writeFileSync(join(dir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`)
}
