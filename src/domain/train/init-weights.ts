import { createHash } from 'node:crypto'
import { UserError } from '../../foundation/errors/user-error.ts'
import { sameShape } from './ir/shape.ts'
import type { ParamSpec } from './model/gpt.ts'
import type { TensorData } from './train-state.ts'

/**
 * Pretrained weights a run starts from, already in nanoGPT's layout (state-dict keys, Linear
 * weights `[out, in]`, each tied tensor once). src/domain/pretrained reads them from a Hugging
 * Face folder or the model registry; the trainer only receives them.
 */
export interface InitWeights {
  params: Record<string, TensorData>
  /** As the config's `init_from` names it. */
  source: string
  /** `weightsDigest(params)`. */
  digest: string
}

/**
 * sha256 over the tensors in key order (name, shape and float32 bytes of each): the identity of
 * a set of weights, whatever file layout or key prefixes they were read from.
 */
export function weightsDigest(params: Readonly<Record<string, TensorData>>): string {
  const hash = createHash('sha256')
  for (const key of Object.keys(params).sort()) {
    const t = params[key] as TensorData
    hash.update(`${key}\u0000${t.shape.join(',')}\u0000`)
    hash.update(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength))
  }
  return hash.digest('hex')
}

/** Refuses weights that lack a tensor of `specs` or hold one of another shape, naming it and `source`. */
export function checkWeightsFit(
  params: Readonly<Record<string, TensorData>>,
  specs: readonly ParamSpec[],
  source: string,
): void {
  for (const spec of specs) {
    const t = params[spec.key]
    if (!t || !sameShape(t.shape, spec.shape)) {
      throw new UserError(
        'INIT_MISMATCH',
        `${source}: ${spec.key} is ${t ? `[${t.shape.join(', ')}]` : 'missing'} but the model expects [${spec.shape.join(', ')}]`,
        'the model config (n_layer, n_head, n_embd, block_size, vocabulary) must match the weights; let init_from set them',
      )
    }
  }
}
