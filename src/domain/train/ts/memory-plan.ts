import type { Graph } from '../ir/graph-builder.ts'
import type { DType, Node, Value } from '../ir/op-types.ts'
import { sameShape, sizeOf, swapLastTwo } from '../ir/shape.ts'

/** Where a slot's buffer comes from. */
export type SlotKind = 'feed' | 'state' | 'const' | 'temp' | 'output'

export interface PlannedSlot {
  readonly kind: SlotKind
  readonly dtype: DType
  readonly length: number
  /** The value that owns it (feeds, state, constants, outputs) or the first temp placed in it. */
  readonly name: string
}

export interface PlannedStep {
  readonly node: Node
  /** Values read, after fusion (MatMul may read a Transpose's input instead of its output). */
  readonly inputs: readonly Value[]
  readonly outputs: readonly Value[]
  readonly inSlots: readonly number[]
  readonly outSlots: readonly number[]
  readonly bTransposed: boolean
}

export interface MemoryPlan {
  readonly slots: readonly PlannedSlot[]
  readonly steps: readonly PlannedStep[]
  /** Slot of every value that has one (aliases share their source's slot). */
  readonly slotOf: ReadonlyMap<string, number>
  /** Bytes of buffers this plan allocates at float32 (state excluded: the session owns it). */
  readonly bytes: number
}

const BYTES: Record<DType, number> = { float32: 4, int32: 4, bool: 1 }

/**
 * Plans buffers for running `graph` on the `ts` executor, once, at load time:
 * - fusion: a MatMul whose B is a last-two-axes Transpose reads the Transpose's input (the
 *   kernel wants Bᵀ rows anyway); a Transpose left without readers is dropped;
 * - aliasing: a Reshape that is not a graph output shares its input's buffer;
 * - reuse: a temporary's buffer returns to a pool (keyed by dtype and length) after its last
 *   reader, and the next value of that size takes it. Outputs of a step never share a buffer
 *   with its inputs.
 */
export function planMemory(graph: Graph, stateNames: ReadonlySet<string>): MemoryPlan {
  const value = (name: string): Value => {
    const v = graph.values.get(name)
    if (!v) throw new Error(`BUG: graph has no value ${name}`)
    return v
  }
  const producers = new Map<string, Node>()
  for (const node of graph.nodes) for (const o of node.outputs) producers.set(o, node)
  const outputNames = new Set(graph.outputs.map((v) => v.name))

  // Fusion: MatMul(A, Transpose(X, swap-last-two)) reads X directly.
  const effective = new Map<Node, { inputs: string[]; bTransposed: boolean }>()
  for (const node of graph.nodes) {
    let inputs = [...node.inputs]
    let bTransposed = false
    if (node.op === 'MatMul') {
      const p = producers.get(node.inputs[1] as string)
      if (p?.op === 'Transpose') {
        const perm = (p as Node<'Transpose'>).attrs.perm
        if (perm.length >= 2 && sameShape(perm, swapLastTwo(perm.length))) {
          inputs = [node.inputs[0] as string, p.inputs[0] as string]
          bTransposed = true
        }
      }
    }
    effective.set(node, { inputs, bTransposed })
  }
  // Drop nodes nothing reads any more (fused Transposes), walking back from the outputs.
  const needed = new Set(outputNames)
  const kept: Node[] = []
  for (let i = graph.nodes.length - 1; i >= 0; i--) {
    const node = graph.nodes[i] as Node
    if (!node.outputs.some((o) => needed.has(o))) continue
    kept.push(node)
    for (const input of (effective.get(node) as { inputs: string[] }).inputs) needed.add(input)
  }
  kept.reverse()

  // Aliases: Reshape outputs (not graph outputs) live in their source's buffer.
  const root = new Map<string, string>()
  const rootOf = (name: string): string => root.get(name) ?? name
  const isAlias = (node: Node) => node.op === 'Reshape' && !outputNames.has(node.outputs[0] as string)
  for (const node of kept) if (isAlias(node)) root.set(node.outputs[0] as string, rootOf(node.inputs[0] as string))

  // Last reader of each buffer (by root), in step order.
  const steps = kept.filter((n) => !isAlias(n))
  const lastUse = new Map<string, number>()
  steps.forEach((node, i) => {
    for (const input of (effective.get(node) as { inputs: string[] }).inputs) lastUse.set(rootOf(input), i)
  })

  const slots: PlannedSlot[] = []
  const slotOf = new Map<string, number>()
  const addSlot = (kind: SlotKind, v: Value): number => {
    slots.push({ kind, dtype: v.dtype, length: sizeOf(v.shape), name: v.name })
    return slots.length - 1
  }
  for (const input of graph.inputs)
    slotOf.set(input.name, addSlot(stateNames.has(input.name) ? 'state' : 'feed', input))
  for (const [name, init] of graph.initializers) slotOf.set(name, addSlot('const', init.value))

  const pool = new Map<string, number[]>()
  const keyOf = (v: { dtype: DType; length: number }) => `${v.dtype}:${v.length}`
  const release = (slot: number) => {
    const s = slots[slot] as PlannedSlot
    if (s.kind !== 'temp') return
    const list = pool.get(keyOf(s)) ?? []
    list.push(slot)
    pool.set(keyOf(s), list)
  }
  const planned: PlannedStep[] = []
  steps.forEach((node, i) => {
    const { inputs, bTransposed } = effective.get(node) as { inputs: string[]; bTransposed: boolean }
    const outSlots = node.outputs.map((o) => {
      const v = value(o)
      if (outputNames.has(o)) return addSlot('output', v)
      const reused = pool.get(keyOf({ dtype: v.dtype, length: sizeOf(v.shape) }))?.pop()
      return reused ?? addSlot('temp', v)
    })
    node.outputs.forEach((o, k) => {
      slotOf.set(o, outSlots[k] as number)
    })
    const inSlots = inputs.map((name) => {
      const slot = slotOf.get(rootOf(name))
      if (slot === undefined) throw new Error(`BUG: ${node.name} reads ${name} before it is computed`)
      return slot
    })
    planned.push({
      node,
      inputs: inputs.map(value),
      outputs: node.outputs.map(value),
      inSlots,
      outSlots,
      bTransposed,
    })
    // Free what this step read for the last time, and outputs nobody reads.
    for (const name of new Set(inputs.map(rootOf))) if (lastUse.get(name) === i) release(slotOf.get(name) as number)
    node.outputs.forEach((o, k) => {
      if (!lastUse.has(o) && !outputNames.has(o)) release(outSlots[k] as number)
    })
  })
  for (const [alias, source] of root) slotOf.set(alias, slotOf.get(source) as number)
  const bytes = slots.filter((s) => s.kind !== 'state').reduce((sum, s) => sum + s.length * BYTES[s.dtype], 0)
  return { slots, steps: planned, slotOf, bytes }
}
