import type { HostTensor } from '../../../../src/domain/train/executor.ts'
import { GraphBuilder } from '../../../../src/domain/train/ir/graph-builder.ts'
import type { DType, Value } from '../../../../src/domain/train/ir/op-types.ts'
import { TsExecutor } from '../../../../src/domain/train/ts/ts-executor.ts'

export interface Feed {
  name: string
  shape: number[]
  dtype?: DType
  data: ArrayLike<number>
}

/** Builds a one-output graph over `feeds`, runs it once on the `ts` executor, returns the output. */
export async function runGraph(
  feeds: readonly Feed[],
  build: (b: GraphBuilder, values: Value[]) => Value,
  precision: 'float32' | 'float64' = 'float64',
): Promise<HostTensor> {
  const b = new GraphBuilder()
  const values = feeds.map((f) => b.input(f.name, f.shape, f.dtype ?? 'float32'))
  const graph = b.finish({ out: build(b, values) })
  const session = await new TsExecutor({ precision }).load({ graphs: { g: graph }, state: [], updates: {} })
  const hostFeeds: Record<string, HostTensor> = {}
  for (const f of feeds) {
    const dtype = f.dtype ?? 'float32'
    const data =
      dtype === 'int32'
        ? Int32Array.from(f.data)
        : dtype === 'bool'
          ? Uint8Array.from(f.data)
          : precision === 'float64'
            ? Float64Array.from(f.data)
            : Float32Array.from(f.data)
    hostFeeds[f.name] = { shape: f.shape, dtype, data }
  }
  const out = (await session.run('g', hostFeeds)).out as HostTensor
  await session.dispose()
  return out
}

/** Row-major multi-index of flat index `i` in `shape`. */
export function unravel(i: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length).fill(0)
  for (let d = shape.length - 1; d >= 0; d--) {
    const n = shape[d] as number
    idx[d] = i % n
    i = Math.floor(i / n)
  }
  return idx
}

/** Flat index of a (right-aligned, broadcasting) multi-index into `shape`. */
export function ravelBroadcast(idx: readonly number[], shape: readonly number[]): number {
  let flat = 0
  const lead = idx.length - shape.length
  for (let d = 0; d < shape.length; d++) {
    const n = shape[d] as number
    flat = flat * n + (n === 1 ? 0 : (idx[d + lead] as number))
  }
  return flat
}
