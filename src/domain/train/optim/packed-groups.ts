import type { GraphBuilder } from '../ir/graph-builder.ts'
import type { Value } from '../ir/op-types.ts'
import { sizeOf } from '../ir/shape.ts'
import type { ParamSpec } from '../model/gpt.ts'

/** One tensor's window in a packed group buffer. */
export interface PackedPart {
  readonly key: string
  readonly shape: readonly number[]
  /** First element in the flat buffer. */
  readonly offset: number
  readonly size: number
}

/**
 * One of nanoGPT's optimizer groups as a single flat buffer: its tensors back to back in
 * parameter order, so AdamW and the clip touch each group with a handful of element-wise ops.
 */
export interface PackedGroup {
  readonly name: 'decay' | 'no_decay'
  readonly decay: boolean
  readonly parts: readonly PackedPart[]
  /** Elements in the flat buffer. */
  readonly size: number
}

/** Inputs per Concat node at most (the IR's Concat arity); longer lists are concatenated in chunks. */
export const MAX_CONCAT_INPUTS = 64

/**
 * Outputs per Split node at most; a longer split is done in chunks, then within each chunk.
 * onnxruntime's WebGPU Split binds every output as a storage buffer, and Dawn on the H100 allows
 * 16 per shader stage: a Split into 26 failed there ("Too many storage buffers in shader.
 * Current: 17, Max is 16") while a Concat of 64 inputs ran (scripts/device/webgpu-checks.ts concat64).
 */
export const MAX_SPLIT_OUTPUTS = 15

/** The decay groups of `params` (configure_optimizers: decayed tensors, then the others), empty ones left out. */
export function packedGroups(params: readonly ParamSpec[]): PackedGroup[] {
  const groups: PackedGroup[] = []
  for (const [name, decay] of [
    ['decay', true],
    ['no_decay', false],
  ] as const) {
    let offset = 0
    const parts: PackedPart[] = []
    for (const p of params.filter((s) => s.decay === decay)) {
      const size = sizeOf(p.shape)
      parts.push({ key: p.key, shape: p.shape, offset, size })
      offset += size
    }
    if (parts.length > 0) groups.push({ name, decay, parts, size: offset })
  }
  return groups
}

/** Each tensor of `group` as a view of the flat buffer: Split (one copy; two for groups of more than 15 tensors), then Reshape (an alias). */
export function unpackGroup(b: GraphBuilder, flat: Value, group: PackedGroup): Record<string, Value> {
  const out: Record<string, Value> = {}
  const pieces = splitChunked(
    b,
    flat,
    group.parts.map((p) => p.size),
  )
  group.parts.forEach((p, i) => {
    out[p.key] = b.reshape(pieces[i] as Value, p.shape)
  })
  return out
}

/** The tensors of `group`, flattened and concatenated into one buffer in the group's order. */
export function packGroup(b: GraphBuilder, values: Readonly<Record<string, Value>>, group: PackedGroup): Value {
  const flat = group.parts.map((p) => {
    const v = values[p.key]
    if (!v) throw new Error(`BUG: packGroup: no value for ${p.key}`)
    return b.reshape(v, [p.size])
  })
  return concatChunked(b, flat)
}

// --- internal ---

function concatChunked(b: GraphBuilder, xs: readonly Value[]): Value {
  if (xs.length <= MAX_CONCAT_INPUTS) return b.concat(xs, 0)
  const chunks: Value[] = []
  for (let i = 0; i < xs.length; i += MAX_CONCAT_INPUTS) chunks.push(b.concat(xs.slice(i, i + MAX_CONCAT_INPUTS), 0))
  return concatChunked(b, chunks)
}

function splitChunked(b: GraphBuilder, flat: Value, sizes: readonly number[]): Value[] {
  if (sizes.length === 1) return [flat]
  if (sizes.length <= MAX_SPLIT_OUTPUTS) return b.split(flat, 0, sizes)
  const chunks: number[][] = []
  for (let i = 0; i < sizes.length; i += MAX_SPLIT_OUTPUTS) chunks.push(sizes.slice(i, i + MAX_SPLIT_OUTPUTS))
  const outer = splitChunked(
    b,
    flat,
    chunks.map((c) => c.reduce((a, s) => a + s, 0)),
  )
  return chunks.flatMap((c, i) => splitChunked(b, outer[i] as Value, c))
}
