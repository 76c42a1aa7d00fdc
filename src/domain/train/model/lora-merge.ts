import type { TensorData } from '../train-state.ts'
import { type LoraSettings, loraKeys, loraScaling } from './lora.ts'

const A_SUFFIX = '.lora_A.weight'

/**
 * The base weights with each adapter folded in, as PEFT's `merge()`: W ← W + (B·A)·scaling for
 * every projection with a `lora_A`/`lora_B` pair. Returns new tensors for the merged weights and
 * the base's own for the rest; `base` is not changed.
 */
export function mergeLora(
  base: Readonly<Record<string, TensorData>>,
  adapters: Readonly<Record<string, TensorData>>,
  lora: Pick<LoraSettings, 'r' | 'lora_alpha'>,
): Record<string, TensorData> {
  return fold(base, adapters, lora, 1)
}

/** The inverse of `mergeLora` (PEFT's `unmerge()`): W ← W − (B·A)·scaling, equal to the base up to float32 rounding. */
export function unmergeLora(
  merged: Readonly<Record<string, TensorData>>,
  adapters: Readonly<Record<string, TensorData>>,
  lora: Pick<LoraSettings, 'r' | 'lora_alpha'>,
): Record<string, TensorData> {
  return fold(merged, adapters, lora, -1)
}

/** Projection prefixes that `adapters` holds a pair for, in key order. */
export function adapterPrefixes(adapters: Readonly<Record<string, TensorData>>): string[] {
  return Object.keys(adapters)
    .filter((k) => k.endsWith(A_SUFFIX))
    .map((k) => k.slice(0, -A_SUFFIX.length))
}

// --- internal ---

function fold(
  weights: Readonly<Record<string, TensorData>>,
  adapters: Readonly<Record<string, TensorData>>,
  lora: Pick<LoraSettings, 'r' | 'lora_alpha'>,
  sign: 1 | -1,
): Record<string, TensorData> {
  const out: Record<string, TensorData> = { ...weights }
  const scaling = Math.fround(loraScaling(lora))
  for (const prefix of adapterPrefixes(adapters)) {
    const keys = loraKeys(prefix)
    const A = adapters[keys.A] as TensorData
    const B = adapters[keys.B]
    const W = weights[`${prefix}.weight`]
    if (!B) throw new Error(`mergeLora: ${keys.A} has no ${keys.B}`)
    if (!W) throw new Error(`mergeLora: adapter ${prefix} has no base weight ${prefix}.weight`)
    const [outDim, inDim] = W.shape as [number, number]
    const [r, aIn] = A.shape as [number, number]
    if (aIn !== inDim || B.shape[0] !== outDim || B.shape[1] !== r) {
      throw new Error(
        `mergeLora: ${prefix}: W is [${W.shape}], A [${A.shape}], B [${B.shape}]; expected A [r, ${inDim}] and B [${outDim}, r]`,
      )
    }
    const data = new Float32Array(W.data.length)
    for (let o = 0; o < outDim; o++) {
      for (let i = 0; i < inDim; i++) {
        // (B·A)[o, i] in float32 like PyTorch's matmul result, then scaled, then added
        let dot = 0
        for (let k = 0; k < r; k++) dot += (B.data[o * r + k] as number) * (A.data[k * inDim + i] as number)
        const delta = Math.fround(Math.fround(dot) * scaling)
        data[o * inDim + i] = (W.data[o * inDim + i] as number) + sign * delta
      }
    }
    out[`${prefix}.weight`] = { shape: [outDim, inDim], data }
  }
  return out
}
