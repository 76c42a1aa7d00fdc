import { UserError } from '../../foundation/errors/user-error.ts'
import type { LoadedTensor } from '../checkpoint/read-safetensors.ts'
import type { SafetensorsTensor } from '../checkpoint/write-safetensors.ts'
import { type GptConfig, gptParamSpecs } from '../train/model/gpt.ts'
import type { TensorData } from '../train/train-state.ts'
import { WIDENED_DTYPES, widenToFloat32 } from './widen-float.ts'

/**
 * GPT-2's projections are `Conv1D` modules: their weight is stored `[in, out]`, the transpose of
 * nn.Linear's `[out, in]` that nanoGPT (and the GPT here) uses (nanoGPT's from_pretrained
 * transposes exactly these four).
 */
export const CONV1D_SUFFIXES: readonly string[] = [
  '.attn.c_attn.weight',
  '.attn.c_proj.weight',
  '.mlp.c_fc.weight',
  '.mlp.c_proj.weight',
]

/** The key prefix transformers writes (`GPT2LMHeadModel`); a bare `GPT2Model` writes keys without it. */
export const HF_PREFIX = 'transformer.'

/** GPT-2's causal-mask buffers, saved by older transformers versions: not weights, recomputed by every model. */
const MASK_BUFFER = /^h\.\d+\.attn\.(bias|masked_bias)$/

/** True for a weight stored transposed in Hugging Face's layout. */
export function isConv1dWeight(key: string): boolean {
  return CONV1D_SUFFIXES.some((s) => key.endsWith(s))
}

/**
 * The weights of a Hugging Face GPT-2 `model.safetensors` in nanoGPT's layout: `transformer.`
 * or bare key prefixes, Conv1D weights transposed to `[out, in]`, F16/BF16 widened to float32,
 * the causal-mask buffers skipped, a tied `lm_head.weight` (when present) checked equal to wte.
 * A missing, misshapen or unknown tensor is refused by name.
 */
export function fromHfTensors(
  tensors: ReadonlyMap<string, LoadedTensor>,
  gpt: GptConfig,
  file: string,
): Record<string, TensorData> {
  const byName = new Map<string, { key: string; tensor: LoadedTensor }>()
  let lmHead: LoadedTensor | undefined
  for (const [key, tensor] of tensors) {
    if (key === 'lm_head.weight') {
      lmHead = tensor
      continue
    }
    const name = key.startsWith(HF_PREFIX) ? key.slice(HF_PREFIX.length) : key
    if (MASK_BUFFER.test(name)) continue
    const twin = byName.get(name)
    if (twin) throw refuse(file, `holds both ${twin.key} and ${key}`, 'keep one copy of each weight')
    byName.set(name, { key, tensor })
  }
  const out: Record<string, TensorData> = {}
  for (const spec of gptParamSpecs(gpt)) {
    const name = spec.key.slice(HF_PREFIX.length)
    const found = byName.get(name)
    if (!found)
      throw refuse(
        file,
        `has no tensor ${spec.key} (or ${name})`,
        'the config.json beside it must describe these weights',
      )
    byName.delete(name)
    const transposed = isConv1dWeight(spec.key)
    const want = transposed ? [...spec.shape].reverse() : spec.shape
    if (found.tensor.shape.join(',') !== want.join(',')) {
      throw refuse(
        file,
        `tensor ${found.key} is [${found.tensor.shape.join(', ')}] but config.json implies [${want.join(', ')}]${transposed ? ' (Conv1D: [in, out])' : ''}`,
        'the config.json beside it must describe these weights',
      )
    }
    const values = floats(found.tensor, found.key, file)
    out[spec.key] = transposed
      ? { shape: [...spec.shape], data: transpose2d(values, want[0] as number, want[1] as number) }
      : { shape: [...spec.shape], data: values }
  }
  const unknown = [...byName.values()].map((v) => v.key)
  if (unknown.length > 0) {
    throw refuse(file, `holds tensors a GPT-2 does not have: ${unknown.slice(0, 5).join(', ')}`, 'load a GPT-2 model')
  }
  if (lmHead) checkTied(lmHead, out['transformer.wte.weight'] as TensorData, file)
  return out
}

/**
 * nanoGPT-layout weights as Hugging Face writes a GPT2LMHeadModel: `transformer.` keys, Conv1D
 * weights `[in, out]`, no `lm_head.weight` (tied: transformers re-ties it on load), zero biases
 * for a model trained without them.
 */
export function toHfTensors(
  params: Readonly<Record<string, TensorData>>,
  gpt: GptConfig,
): [string, SafetensorsTensor][] {
  const out: [string, SafetensorsTensor][] = []
  for (const spec of gptParamSpecs({ ...gpt, bias: true })) {
    const t = params[spec.key]
    if (!t && !gpt.bias && spec.key.endsWith('.bias')) {
      out.push([spec.key, { dtype: 'F32', shape: spec.shape, data: new Float32Array(spec.shape[0] as number) }])
      continue
    }
    if (!t) throw new Error(`BUG: toHfTensors: no ${spec.key}`)
    if (t.shape.join(',') !== spec.shape.join(',')) {
      throw new Error(`BUG: toHfTensors: ${spec.key} is [${t.shape}] but the model has [${spec.shape}]`)
    }
    const [rows, cols] = spec.shape as [number, number]
    out.push(
      isConv1dWeight(spec.key)
        ? [spec.key, { dtype: 'F32', shape: [cols, rows], data: transpose2d(t.data, rows, cols) }]
        : [spec.key, { dtype: 'F32', shape: spec.shape, data: t.data }],
    )
  }
  return out
}

/** A row-major (rows, cols) matrix transposed: (rows, cols) -> (cols, rows). */
export function transpose2d(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols)
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c] as number
  return out
}

// --- internal ---

function floats(tensor: LoadedTensor, key: string, file: string): Float32Array {
  const values = widenToFloat32(tensor)
  if (!values) {
    throw refuse(
      file,
      `tensor ${key} is ${tensor.dtype}; weights must be ${WIDENED_DTYPES.join(', ')}`,
      'save the model in float32 (model.float().save_pretrained(dir))',
    )
  }
  return values
}

function checkTied(lmHead: LoadedTensor, wte: TensorData, file: string): void {
  const values = floats(lmHead, 'lm_head.weight', file)
  const same =
    lmHead.shape.join(',') === wte.shape.join(',') &&
    values.every((v, i) => Object.is(v, wte.data[i]) || v === wte.data[i])
  if (!same) {
    throw refuse(
      file,
      'lm_head.weight differs from transformer.wte.weight: an untied output head is not supported',
      'the GPT ties lm_head to the token embedding (tie_word_embeddings: true)',
    )
  }
}

function refuse(file: string, fault: string, hint: string): UserError {
  return new UserError('PRETRAINED_WEIGHTS', `${file}: ${fault}`, hint)
}
