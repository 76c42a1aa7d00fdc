import { describe, expect, test } from 'vitest'
import type { Executor, HostTensor } from '../../../../src/domain/train/executor.ts'
import { GraphBuilder } from '../../../../src/domain/train/ir/graph-builder.ts'
import type { DType, OpType, Value } from '../../../../src/domain/train/ir/op-types.ts'
import { sizeOf } from '../../../../src/domain/train/ir/shape.ts'
import { OPS } from '../../../../src/domain/train/ops/registry.ts'
import { createOrtExecutor } from '../../../../src/domain/train/ort/ort-executor.ts'
import { TsExecutor } from '../../../../src/domain/train/ts/ts-executor.ts'
import { Prng } from '../../../../src/foundation/random/prng.ts'

type Inputs = Record<string, HostTensor>

/** One graph per IR op: it must contain that op, and ORT must give what the ts executor gives. */
interface OpCase {
  build(b: GraphBuilder, x: (name: string, shape: number[], dtype?: DType) => Value): Record<string, Value>
  /** Input values (default: normal(0, 1) floats, small ints). */
  positive?: boolean
}

const CASES: Record<OpType, OpCase> = {
  Add: { build: (b, x) => ({ y: b.add(x('a', [2, 3, 4]), x('c', [3, 1])) }) },
  Sub: { build: (b, x) => ({ y: b.sub(x('a', [2, 3]), x('c', [3])) }) },
  Mul: { build: (b, x) => ({ y: b.mul(x('a', [4, 1, 3]), x('c', [2, 3])) }) },
  Div: { build: (b, x) => ({ y: b.div(x('a', [2, 5]), x('c', [2, 1])) }), positive: true },
  Pow: { build: (b, x) => ({ y: b.pow(x('a', [6]), x('c', [])) }), positive: true },
  Min: { build: (b, x) => ({ y: b.min(x('a', [3, 4]), x('c', [4])) }) },
  Equal: { build: (b, x) => ({ y: b.cast(b.equal(x('a', [8], 'int32'), x('c', [8], 'int32')), 'float32') }) },
  Less: { build: (b, x) => ({ y: b.cast(b.less(x('a', [2, 4]), x('c', [4])), 'float32') }) },
  Neg: { build: (b, x) => ({ y: b.neg(x('a', [5])) }) },
  Exp: { build: (b, x) => ({ y: b.exp(x('a', [5])) }) },
  Log: { build: (b, x) => ({ y: b.log(x('a', [5])) }), positive: true },
  Sqrt: { build: (b, x) => ({ y: b.sqrt(x('a', [5])) }), positive: true },
  Tanh: { build: (b, x) => ({ y: b.tanh(x('a', [5])) }) },
  Reciprocal: { build: (b, x) => ({ y: b.reciprocal(x('a', [5])) }), positive: true },
  Identity: { build: (b, x) => ({ y: b.identity(x('a', [2, 2])) }) },
  Cast: {
    build: (b, x) => ({ y: b.cast(x('a', [6], 'int32'), 'float32'), z: b.cast(b.mul(x('c', [6]), 3), 'int32') }),
  },
  MatMul: {
    build: (b, x) => ({
      y: b.matmul(x('a', [2, 3, 4, 5]), x('c', [5, 6])),
      z: b.matmul(x('d', [2, 1, 3, 4]), x('e', [3, 4, 2])),
    }),
  },
  Transpose: { build: (b, x) => ({ y: b.transpose(x('a', [2, 3, 4, 5]), [0, 2, 1, 3]) }) },
  Reshape: { build: (b, x) => ({ y: b.reshape(x('a', [2, 3, 4]), [6, -1]) }) },
  Expand: { build: (b, x) => ({ y: b.expand(x('a', [3, 1]), [2, 3, 4]) }) },
  Split: {
    build: (b, x) => {
      const [p, q, r] = b.split(x('a', [2, 9, 2]), 1, [2, 3, 4]) as [Value, Value, Value]
      return { p, q, r }
    },
  },
  Concat: { build: (b, x) => ({ y: b.concat([x('a', [2, 1, 3]), x('c', [2, 4, 3])], 1) }) },
  Gather: { build: (b, x) => ({ y: b.gather(x('a', [7, 3]), x('i', [2, 4], 'int32')) }) },
  ReduceSum: {
    build: (b, x) => ({ y: b.reduceSum(x('a', [2, 3, 4]), [0, 2], 1), z: b.reduceSum(x('c', [3, 4]), 'all', 0) }),
  },
  ReduceMean: { build: (b, x) => ({ y: b.reduceMean(x('a', [2, 3, 4]), [1], 0) }) },
  ReduceMax: { build: (b, x) => ({ y: b.reduceMax(x('a', [2, 3, 4]), [-1], 1) }) },
  ArgMax: { build: (b, x) => ({ y: b.argmax(x('a', [3, 7]), -1, 0) }) },
  Softmax: { build: (b, x) => ({ y: b.softmax(x('a', [2, 3, 8]), -1) }) },
  LogSoftmax: { build: (b, x) => ({ y: b.logSoftmax(x('a', [4, 8]), -1) }) },
}

function randomInput(name: string, shape: number[], dtype: DType, positive: boolean, rng: Prng): HostTensor {
  const n = sizeOf(shape)
  if (dtype === 'int32') {
    // Gather indices include negative ones (they wrap, as in ONNX); Equal operands collide often.
    const data = Int32Array.from({ length: n }, () => (name === 'i' ? rng.nextInt(14) - 7 : rng.nextInt(3)))
    return { shape, dtype, data }
  }
  const data = Float32Array.from({ length: n }, () => (positive ? 0.1 + rng.nextFloat() * 2 : rng.nextNormal()))
  return { shape, dtype, data }
}

async function runOn(executor: Executor, graph: ReturnType<GraphBuilder['finish']>, feeds: Inputs) {
  const session = await executor.load({ graphs: { g: graph }, state: [], updates: {} })
  try {
    return await session.run('g', feeds)
  } finally {
    await session.dispose()
  }
}

describe('ONNX_NODES', () => {
  test('every IR op has a case here', () => {
    expect(Object.keys(CASES).sort()).toEqual(Object.keys(OPS).sort())
  })

  const ts = new TsExecutor()
  const ortCpu = createOrtExecutor('ort-cpu', { threads: 1 })

  test.each(Object.keys(CASES) as OpType[])('%s runs in onnxruntime as on the ts executor', async (op) => {
    const opCase = CASES[op]
    const b = new GraphBuilder()
    const rng = Prng.fromSeed(op.length * 7919 + op.charCodeAt(0))
    const feeds: Inputs = {}
    const outputs = opCase.build(b, (name, shape, dtype = 'float32') => {
      feeds[name] = randomInput(name, shape, dtype, opCase.positive ?? false, rng)
      return b.input(name, shape, dtype)
    })
    const graph = b.finish(outputs)
    expect(graph.nodes.map((n) => n.op)).toContain(op)
    const expected = await runOn(ts, graph, feeds)
    const actual = await runOn(await ortCpu, graph, feeds)
    for (const [name, want] of Object.entries(expected)) {
      const got = actual[name] as HostTensor
      expect(got.shape, name).toEqual(want.shape)
      expect(got.dtype, name).toBe(want.dtype)
      const a = Array.from(got.data)
      const w = Array.from(want.data)
      for (let i = 0; i < w.length; i++) {
        const tol = 1e-6 * Math.max(1, Math.abs(w[i] as number))
        expect(Math.abs((a[i] as number) - (w[i] as number)), `${name}[${i}]: ${a[i]} vs ${w[i]}`).toBeLessThanOrEqual(
          tol,
        )
      }
    }
  })
})
