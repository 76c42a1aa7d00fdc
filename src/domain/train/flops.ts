import type { Graph } from './ir/graph-builder.ts'
import type { Value } from './ir/op-types.ts'
import { sizeOf } from './ir/shape.ts'
import { countParams, type GptConfig } from './model/gpt.ts'

/**
 * Training FLOPs per token (forward + backward) as nanoGPT's estimate_mfu counts them:
 * 6·N + 12·L·H·Q·T, N the non-embedding parameter count, Q the head size, T the block size.
 */
export function flopsPerToken(cfg: GptConfig): number {
  const N = countParams(cfg, true)
  const Q = cfg.n_embd / cfg.n_head
  return 6 * N + 12 * cfg.n_layer * cfg.n_head * Q * cfg.block_size
}

/** FLOPs of every MatMul in `graph` (2·M·N·K per product, times the batch): what the executor really multiplies. */
export function matmulFlops(graph: Graph): number {
  let total = 0
  for (const node of graph.nodes) {
    if (node.op !== 'MatMul') continue
    const a = graph.values.get(node.inputs[0] as string) as Value
    const out = graph.values.get(node.outputs[0] as string) as Value
    const k = a.shape[a.shape.length - 1] as number
    total += 2 * sizeOf(out.shape) * k
  }
  return total
}
