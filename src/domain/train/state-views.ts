import type { HostTensor, Session } from './executor-types.ts'
import { fmtShape, sameShape, sizeOf } from './ir/shape.ts'

/** A named tensor that lives inside a packed float32 state slot, `shape` elements from `offset`. */
export interface StateView {
  readonly name: string
  readonly slot: string
  readonly offset: number
  readonly shape: readonly number[]
}

/**
 * `session` with each view readable and writable by its own name, as if it were a state slot:
 * callers (checkpoints, resume, benchmarks) keep the per-tensor names while the program keeps
 * parameters and moments packed in a few flat buffers. `readState()` without names returns the
 * views and the other state `slots` (those no view covers). Writing only some views of a slot reads the slot first.
 */
export function withStateViews(session: Session, views: readonly StateView[], slots: readonly string[]): Session {
  if (views.length === 0) return session
  const byName = new Map(views.map((v) => [v.name, v]))
  const bySlot = new Map<string, StateView[]>()
  for (const v of views) bySlot.set(v.slot, [...(bySlot.get(v.slot) ?? []), v])
  const sizeOfSlot = (slot: string) =>
    Math.max(...(bySlot.get(slot) as StateView[]).map((v) => v.offset + sizeOf(v.shape)))

  return {
    run: (graph, feeds) => session.run(graph, feeds),
    dispose: () => session.dispose(),

    async readState(names) {
      const wanted = names ?? [...byName.keys(), ...slots.filter((s) => !bySlot.has(s))]
      const packed = new Set<string>()
      const direct: string[] = []
      for (const name of wanted) {
        const view = byName.get(name)
        if (view) packed.add(view.slot)
        else direct.push(name)
      }
      const read = await session.readState([...packed, ...direct])
      const out: Record<string, HostTensor> = {}
      for (const name of wanted) {
        const view = byName.get(name)
        if (!view) {
          out[name] = read[name] as HostTensor
          continue
        }
        const flat = (read[view.slot] as HostTensor).data as Float32Array
        out[name] = {
          shape: [...view.shape],
          dtype: 'float32',
          data: flat.slice(view.offset, view.offset + sizeOf(view.shape)),
        }
      }
      return out
    },

    async writeState(values) {
      const packed = new Map<string, [StateView, HostTensor][]>()
      const direct: Record<string, HostTensor> = {}
      for (const [name, tensor] of Object.entries(values)) {
        const view = byName.get(name)
        if (!view) {
          direct[name] = tensor
          continue
        }
        if (
          tensor.dtype !== 'float32' ||
          !sameShape(tensor.shape, view.shape) ||
          tensor.data.length !== sizeOf(view.shape)
        ) {
          throw new Error(
            `state ${name} is ${fmtShape(tensor.shape)} ${tensor.dtype} (${tensor.data.length} values), expected ${fmtShape(view.shape)} float32`,
          )
        }
        packed.set(view.slot, [...(packed.get(view.slot) ?? []), [view, tensor]])
      }
      const partial = [...packed].filter(([slot, parts]) => parts.length < (bySlot.get(slot) as StateView[]).length)
      const current = partial.length > 0 ? await session.readState(partial.map(([slot]) => slot)) : {}
      for (const [slot, parts] of packed) {
        const flat = current[slot]
          ? Float32Array.from(current[slot].data as Float32Array)
          : new Float32Array(sizeOfSlot(slot))
        for (const [view, tensor] of parts) flat.set(tensor.data as Float32Array, view.offset)
        direct[slot] = { shape: [flat.length], dtype: 'float32', data: flat }
      }
      await session.writeState(direct)
    },
  }
}
