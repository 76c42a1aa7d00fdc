import type { GraphBuilder } from '../ir/graph-builder.ts'
import type { Value } from '../ir/op-types.ts'
import type { ParamSpec } from '../model/gpt.ts'

/** AdamW hyper-parameters (PyTorch names; nanoGPT's defaults are betas (0.9, 0.95), eps 1e-8). */
export interface AdamWHyper {
  beta1: number
  beta2: number
  eps: number
  weightDecay: number
}

/** nanoGPT's configure_optimizers groups: decayed (dim ≥ 2) and not decayed (biases, LayerNorm weights). */
export function decayGroups(specs: readonly ParamSpec[]): { decay: string[]; noDecay: string[] } {
  return {
    decay: specs.filter((s) => s.shape.length >= 2).map((s) => s.key),
    noDecay: specs.filter((s) => s.shape.length < 2).map((s) => s.key),
  }
}

/** Scalars shared by every parameter's update in one step. */
export interface AdamWScalars {
  /** 1 − lr·weight_decay (the decoupled decay factor). */
  decayFactor: Value
  /** lr / (1 − β1^t) */
  stepSize: Value
  /** √(1 − β2^t) */
  bc2Sqrt: Value
}

/** Emits the per-step scalars from the fed `lr` and step count `t` (1-based, float32). */
export function adamwScalars(b: GraphBuilder, lr: Value, t: Value, hp: AdamWHyper): AdamWScalars {
  const bc1 = b.sub(1, b.pow(hp.beta1, t))
  const bc2 = b.sub(1, b.pow(hp.beta2, t))
  return {
    decayFactor: b.sub(1, b.mul(lr, hp.weightDecay)),
    stepSize: b.div(lr, bc1),
    bc2Sqrt: b.sqrt(bc2),
  }
}

/**
 * One AdamW update as IR, in the order of PyTorch's single-tensor `_single_tensor_adamw`:
 *   p ← p·(1 − lr·wd)                    (decay group only)
 *   m ← m + (1 − β1)·(g − m)             (lerp)
 *   v ← β2·v + (1 − β2)·g²
 *   p ← p − lr/(1 − β1^t) · m / (√v / √(1 − β2^t) + eps)
 */
export function adamwUpdate(
  b: GraphBuilder,
  io: { param: Value; grad: Value; m: Value; v: Value; decay: boolean },
  scalars: AdamWScalars,
  hp: AdamWHyper,
): { param: Value; m: Value; v: Value } {
  const { grad: g } = io
  const p = io.decay && hp.weightDecay !== 0 ? b.mul(io.param, scalars.decayFactor) : io.param
  const m = b.add(io.m, b.mul(b.sub(g, io.m), 1 - hp.beta1))
  const v = b.add(b.mul(io.v, hp.beta2), b.mul(b.mul(g, g), 1 - hp.beta2))
  const denom = b.add(b.div(b.sqrt(v), scalars.bc2Sqrt), hp.eps)
  const param = b.sub(p, b.mul(b.div(m, denom), scalars.stepSize))
  return { param, m, v }
}
