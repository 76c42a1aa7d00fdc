import ort from 'onnxruntime-node'
import { describe, expect, test } from 'vitest'
import { type Graph, GraphBuilder } from '../../../../src/domain/train/ir/graph-builder.ts'
import { type GptConfig, gptParamSpecs, initGptParams } from '../../../../src/domain/train/model/gpt.ts'
import {
  graphToOnnx,
  graphToOnnxModel,
  ONNX_IR_VERSION,
  ONNX_OPSET,
} from '../../../../src/domain/train/onnx/graph-to-onnx.ts'
import { decodeModel, ONNX_DTYPE } from '../../../../src/domain/train/onnx/onnx-schema.ts'
import { buildForwardGraph, buildTrainProgram, IO, STEP_GRAPH } from '../../../../src/domain/train/train-step-graph.ts'
import { TsExecutor } from '../../../../src/domain/train/ts/ts-executor.ts'
import { Prng } from '../../../../src/foundation/random/prng.ts'

const TINY: GptConfig = { vocab_size: 23, block_size: 8, n_layer: 2, n_head: 2, n_embd: 16, bias: true, dropout: 0 }

/** A fresh ArrayBuffer with the bytes (decoded `bytes` fields are Buffer views into the model). */
function copyBytes(bytes: Uint8Array | undefined): ArrayBuffer {
  return new Uint8Array(bytes ?? []).buffer
}

function smallGraph() {
  const b = new GraphBuilder()
  const x = b.input('x', [2, 3])
  const w = b.input('w', [3, 4])
  const ids = b.input('ids', [2], 'int32')
  const y = b.reshape(b.matmul(x, w), [8])
  return b.finish({ y: b.reduceSum(y, 'all', 0), best: b.argmax(b.gather(w, ids), -1, 0) })
}

describe('graphToOnnx()', () => {
  test('writes a standard ModelProto: IR 8, opset 17, typed inputs and outputs', () => {
    const model = decodeModel(graphToOnnx(smallGraph(), { name: 'small', metadata: { config: '{}' } }))
    expect(model.ir_version).toBe(ONNX_IR_VERSION)
    expect(model.opset_import).toEqual([{ domain: '', version: ONNX_OPSET }])
    expect(model.graph.name).toBe('small')
    expect(model.metadata_props).toEqual([{ key: 'config', value: '{}' }])
    const io = (list: typeof model.graph.input) =>
      list.map((v) => [v.name, v.type.tensor_type.elem_type, v.type.tensor_type.shape.dim.map((d) => d.dim_value)])
    expect(io(model.graph.input)).toEqual([
      ['x', ONNX_DTYPE.FLOAT, [2, 3]],
      ['w', ONNX_DTYPE.FLOAT, [3, 4]],
      ['ids', ONNX_DTYPE.INT32, [2]],
    ])
    expect(io(model.graph.output)).toEqual([
      ['y', ONNX_DTYPE.FLOAT, []],
      ['best', ONNX_DTYPE.INT32, [2]],
    ])
  })

  test('attributes that opset 17 takes as inputs become int64 initializers; ArgMax gets a Cast to int32', () => {
    const model = decodeModel(graphToOnnx(smallGraph()))
    const byOp = new Map(model.graph.node.map((n) => [n.op_type, n]))
    const reshape = byOp.get('Reshape')
    const shapeInit = model.graph.initializer.find((t) => t.name === reshape?.input[1])
    expect(shapeInit?.data_type).toBe(ONNX_DTYPE.INT64)
    expect(Array.from(new BigInt64Array(copyBytes(shapeInit?.raw_data)), Number)).toEqual([8])
    const reduce = byOp.get('ReduceSum')
    expect(reduce?.input).toHaveLength(2)
    expect(reduce?.attribute.map((a) => [a.name, a.i])).toEqual([['keepdims', 0]])
    const at = model.graph.node.findIndex((n) => n.op_type === 'ArgMax')
    const [argmax, cast] = [model.graph.node[at], model.graph.node[at + 1]]
    expect(cast?.op_type).toBe('Cast')
    expect(cast?.input).toEqual(argmax?.output)
    expect(cast?.attribute.map((a) => [a.name, a.i])).toEqual([['to', ONNX_DTYPE.INT32]])
  })

  test('embed bakes inputs in as initializers and checks their shape and type', () => {
    const graph = smallGraph()
    const w = Float32Array.from({ length: 12 }, (_, i) => i)
    const model = graphToOnnxModel(graph, { embed: { w: { shape: [3, 4], data: w } } })
    expect(model.graph.input.map((v) => v.name)).toEqual(['x', 'ids'])
    const init = model.graph.initializer.find((t) => t.name === 'w')
    expect(init?.dims).toEqual([3, 4])
    expect(new Float32Array(copyBytes(init?.raw_data))).toEqual(w)
    expect(() => graphToOnnxModel(graph, { embed: { w: { shape: [4, 3], data: w } } })).toThrow(
      'w is [3,4] but the tensor to embed is [4,3] with 12 values',
    )
    expect(() => graphToOnnxModel(graph, { embed: { ids: { shape: [2], data: new Float32Array(2) } } })).toThrow(
      'ids is int32; embed a Int32Array',
    )
    expect(() => graphToOnnxModel(graph, { embed: { nope: { shape: [1], data: new Float32Array(1) } } })).toThrow(
      'embed names nope, which is not a graph input',
    )
  })

  test('the GPT forward graph with weights baked in gives the ts executor logits in onnxruntime', async () => {
    const params = initGptParams(TINY, Prng.fromSeed(3))
    const graph = buildForwardGraph(TINY, 2, TINY.block_size)
    const model = graphToOnnx(graph, { embed: params })
    const rng = Prng.fromSeed(4)
    const tokens = Int32Array.from({ length: 2 * TINY.block_size }, () => rng.nextInt(TINY.vocab_size))

    const session = await ort.InferenceSession.create(model, { executionProviders: ['cpu'], intraOpNumThreads: 1 })
    expect(session.inputNames).toEqual([IO.evalTokens])
    const got = (await session.run({ [IO.evalTokens]: new ort.Tensor('int32', tokens, [2, TINY.block_size]) }))[
      IO.logits
    ]
    await session.release()

    const specs = gptParamSpecs(TINY)
    const ts = await new TsExecutor().load({
      graphs: { f: graph },
      state: specs.map((s) => ({ name: s.key, shape: s.shape, dtype: 'float32' })),
      updates: {},
    })
    await ts.writeState(
      Object.fromEntries(
        specs.map((s) => [
          s.key,
          { shape: s.shape, dtype: 'float32' as const, data: params[s.key]?.data as Float32Array },
        ]),
      ),
    )
    const want = (
      await ts.run('f', { [IO.evalTokens]: { shape: [2, TINY.block_size], dtype: 'int32', data: tokens } })
    )[IO.logits]
    expect(got?.dims).toEqual([2, TINY.block_size, TINY.vocab_size])
    const a = got?.data as Float32Array
    const w = want?.data as Float32Array
    let maxAbs = 0
    let maxRef = 0
    for (let i = 0; i < w.length; i++) {
      maxAbs = Math.max(maxAbs, Math.abs((a[i] as number) - (w[i] as number)))
      maxRef = Math.max(maxRef, Math.abs(w[i] as number))
    }
    expect(maxAbs / maxRef).toBeLessThan(1e-5)
  })

  test('the whole train step exports to standard ops only and loads in onnxruntime', async () => {
    const { program } = buildTrainProgram({
      model: TINY,
      batchSize: 2,
      accumulation: 2,
      evalBatchSize: 2,
      optim: { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1, gradClip: 1 },
    })
    const bytes = graphToOnnx(program.graphs[STEP_GRAPH] as Graph)
    const model = decodeModel(bytes)
    expect(new Set(model.graph.node.map((n) => n.domain))).toEqual(new Set(['']))
    const session = await ort.InferenceSession.create(bytes, { executionProviders: ['cpu'] })
    expect(session.outputNames).toContain(IO.loss)
    expect(session.outputNames).toContain(IO.next('transformer.wte.weight'))
    await session.release()
  })
})
