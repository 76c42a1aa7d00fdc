import { isDifferentiable, OPS } from '../ops/registry.ts'
import type { GraphBuilder } from './graph-builder.ts'
import type { GradContext, Node, Value } from './op-types.ts'
import { fmtShape, sameShape } from './shape.ts'

export interface GradientOptions {
  /** Gradient of `y` to start from (default: the scalar 1; required when `y` is not a scalar). */
  seed?: Value
  /** Index of the first node that may lie between `xs` and `y` (default 0): skips earlier nodes. */
  from?: number
}

/**
 * Reverse-mode autodiff: appends the gradient graph of `y` with respect to each of `xs` as
 * ordinary IR ops, walking the nodes between them in reverse emission order and summing the
 * contributions of every use with Add, in that fixed order. Returns the gradient per x name;
 * an x that does not reach `y` is absent.
 */
export function gradients(
  b: GraphBuilder,
  y: Value,
  xs: readonly Value[],
  options: GradientOptions = {},
): Map<string, Value> {
  const seed = options.seed ?? (y.shape.length === 0 ? b.scalar(1) : undefined)
  if (!seed || !sameShape(seed.shape, y.shape)) {
    throw new Error(`gradients: ${y.name} is ${fmtShape(y.shape)}; give a seed of that shape`)
  }
  const nodes = b.emitted().slice(options.from ?? 0)
  // Values that depend on some x (forward) and values y depends on (backward).
  const dependsOnX = new Set(xs.map((x) => x.name))
  for (const node of nodes) {
    if (node.inputs.some((i) => dependsOnX.has(i))) for (const o of node.outputs) dependsOnX.add(o)
  }
  const reachesY = new Set([y.name])
  for (let i = nodes.length - 1; i >= 0; i--) {
    const node = nodes[i] as Node
    if (node.outputs.some((o) => reachesY.has(o))) for (const input of node.inputs) reachesY.add(input)
  }
  const grads = new Map<string, Value>([[y.name, seed]])
  for (let i = nodes.length - 1; i >= 0; i--) {
    const node = nodes[i] as Node
    // Comparisons, ArgMax and int casts pass no gradient: nothing flows back through them.
    if (!isDifferentiable(node.op) || !node.outputs.some((o) => grads.has(o))) continue
    const backward = OPS[node.op].backward as (c: GradContext<never>) => (Value | undefined)[]
    const needs = node.inputs.map((name) => dependsOnX.has(name) && reachesY.has(name))
    if (!needs.some(Boolean)) continue
    const inputs = node.inputs.map((name) => b.value(name))
    const ctx: GradContext<never> = {
      b,
      inputs,
      outputs: node.outputs.map((name) => b.value(name)),
      attrs: node.attrs as never,
      dOut: node.outputs.map((name) => grads.get(name)),
      needs,
    }
    const dIn = b.scope(`grad`, () => backward(ctx))
    inputs.forEach((input, k) => {
      const d = dIn[k]
      if (!d || !needs[k]) return
      if (!sameShape(d.shape, input.shape)) {
        throw new Error(
          `BUG: ${node.op} backward gave ${fmtShape(d.shape)} for ${input.name} of shape ${fmtShape(input.shape)}`,
        )
      }
      const existing = grads.get(input.name)
      grads.set(input.name, existing ? b.add(existing, d) : d)
    })
  }
  const out = new Map<string, Value>()
  for (const x of xs) {
    const g = grads.get(x.name)
    if (g) out.set(x.name, g)
  }
  return out
}
