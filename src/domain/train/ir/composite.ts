import type { GraphBuilder } from './graph-builder.ts'
import type { Value } from './op-types.ts'
import { sizeOf } from './shape.ts'

/**
 * Derived ops built from primitives (micrograd's habit): their gradients come from autodiff of
 * the primitives, so nothing here needs a backward rule or an ONNX mapping of its own.
 */

/** `x·Wᵀ + b` with a PyTorch Linear weight `[out, in]`. (…, in) → (…, out) */
export function linear(b: GraphBuilder, x: Value, weight: Value, bias?: Value): Value {
  const y = b.matmul(x, b.transposeLast(weight))
  return bias ? b.add(y, bias) : y
}

/** LayerNorm over the last axis, PyTorch's biased variance, eps inside the square root. */
export function layerNorm(b: GraphBuilder, x: Value, weight: Value, bias: Value | undefined, eps = 1e-5): Value {
  const mean = b.reduceMean(x, [-1], 1) // (…, 1)
  const xc = b.sub(x, mean)
  const variance = b.reduceMean(b.mul(xc, xc), [-1], 1)
  const rstd = b.reciprocal(b.sqrt(b.add(variance, eps)))
  const y = b.mul(b.mul(xc, rstd), weight)
  return bias ? b.add(y, bias) : y
}

/**
 * GELU, tanh form: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). The same function as GPT-2's
 * `gelu_new` (transformers' NewGELUActivation) and PyTorch's `gelu(approximate='tanh')`
 * (`gelu_pytorch_tanh`); not the erf form (`gelu`), which Hugging Face configs name apart.
 */
export function gelu(b: GraphBuilder, x: Value): Value {
  const cube = b.mul(b.mul(x, x), x)
  const inner = b.mul(b.add(x, b.mul(cube, 0.044715)), Math.sqrt(2 / Math.PI))
  return b.mul(b.mul(x, 0.5), b.add(b.tanh(inner), 1))
}

/** The target id that `crossEntropy` leaves out of the loss and its mean (nanoGPT's `ignore_index=-1`). */
export const IGNORE_INDEX = -1

/**
 * Cross-entropy of `logits` (N, V) against int32 `targets` (N): per-token NLL (N, 0 where the
 * target is `IGNORE_INDEX`) and the mean over the targets that are not, as PyTorch's
 * `F.cross_entropy(..., ignore_index=-1)` (NaN when every target is ignored, as there). One-hot
 * by Equal against a constant range, so no gather/scatter kernel is needed anywhere; an ignored
 * target's one-hot row is all zeros, so it adds nothing to the sum nor to the gradient.
 */
export function crossEntropy(b: GraphBuilder, logits: Value, targets: Value): { nll: Value; loss: Value } {
  const [n, vocab] = logits.shape as [number, number]
  if (sizeOf(targets.shape) !== n)
    throw new Error(`crossEntropy: ${n} rows of logits but ${targets.name} has ${sizeOf(targets.shape)} targets`)
  const logp = b.logSoftmax(logits, -1) // (N, V)
  const onehot = oneHot(b, targets, vocab) // (N, V)
  const nll = b.neg(b.reduceSum(b.mul(onehot, logp), [1], 0)) // (N)
  const ignored = b.cast(b.equal(b.reshape(targets, [n]), IGNORE_INDEX), 'float32') // (N) 1 where ignored
  const counted = b.reduceSum(b.sub(1, ignored), 'all', 0) // ()
  const loss = b.div(b.reduceSum(nll, 'all', 0), counted) // ()
  return { nll, loss }
}

/** Float one-hot rows of int32 `ids` (any shape, N elements) over `depth`: (N, depth). */
export function oneHot(b: GraphBuilder, ids: Value, depth: number): Value {
  const range = b.constant(
    Array.from({ length: depth }, (_, i) => i),
    [depth],
    'int32',
  )
  return b.cast(b.equal(b.reshape(ids, [sizeOf(ids.shape), 1]), range), 'float32')
}

/** Number of targets whose logit is the row's first maximum: (N, V), (N) → () float. */
export function correctCount(b: GraphBuilder, logits: Value, targets: Value): Value {
  const predicted = b.argmax(logits, -1, 0) // (N) int32
  return b.reduceSum(b.cast(b.equal(predicted, b.reshape(targets, [sizeOf(targets.shape)])), 'float32'), 'all', 0)
}
