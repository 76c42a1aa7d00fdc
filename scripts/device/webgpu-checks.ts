// Probes the onnxruntime-node WebGPU behaviours the ort-webgpu executor relies on, one per
// process (a failing one may abort its process): run-gpu-smoke.sh runs each and logs the outcome.
//   node --import tsx scripts/device/webgpu-checks.ts <check>
// checks:
//   getdata        Tensor.getData() on a gpu-buffer output of shape [64] (the executor avoids it)
//   cross-session  a gpu-buffer output of one session fed to another session, host output there
//   download       the executor's readState after 3 steps that kept the state on the device
//   concat64       Concat of 64 inputs and Split into 64 outputs (the fused step packs up to 64
//                  tensors per node: a WebGPU shader binds each as a storage buffer)
import ort from 'onnxruntime-node'
import { GraphBuilder } from '../../src/domain/train/ir/graph-builder.ts'
import { graphToOnnx } from '../../src/domain/train/onnx/graph-to-onnx.ts'
import { createOrtExecutor } from '../../src/domain/train/ort/ort-executor.ts'

const check = process.argv[2]

/** y = x·2 + 1 over [64], its output on the device. */
async function producer(): Promise<{ out: ort.Tensor; session: ort.InferenceSession }> {
  const b = new GraphBuilder()
  const x = b.input('x', [64])
  const model = graphToOnnx(b.finish({ y: b.add(b.mul(x, 2), 1) }))
  const session = await ort.InferenceSession.create(model, {
    executionProviders: ['webgpu'],
    preferredOutputLocation: { y: 'gpu-buffer' },
  })
  const x0 = new ort.Tensor(
    'float32',
    Float32Array.from({ length: 64 }, (_, i) => i),
    [64],
  )
  const out = (await session.run({ x: x0 })).y as ort.Tensor
  return { out, session }
}

if (check === 'getdata') {
  const { out } = await producer()
  console.log(`location ${out.location}`)
  const data = (await out.getData()) as Float32Array
  console.log(`getdata: ok, y[5] = ${data[5]} (expected 11)`)
} else if (check === 'cross-session') {
  const { out } = await producer()
  const b = new GraphBuilder()
  const model = graphToOnnx(b.finish({ z: b.mul(b.input('y', [64]), 3) }))
  const other = await ort.InferenceSession.create(model, {
    executionProviders: ['webgpu'],
    preferredOutputLocation: 'cpu',
  })
  const z = ((await other.run({ y: out })).z as ort.Tensor).data as Float32Array
  console.log(`cross-session: ok, z[5] = ${z[5]} (expected 33)`)
} else if (check === 'download') {
  const b = new GraphBuilder()
  const w = b.input('w', [64])
  const graph = b.finish({ 'next.w': b.add(w, 1), sum: b.reduceSum(w, 'all', 0) })
  const executor = await createOrtExecutor('ort-webgpu')
  const session = await executor.load({
    graphs: { step: graph },
    state: [{ name: 'w', shape: [64], dtype: 'float32' }],
    updates: { step: { 'next.w': 'w' } },
  })
  for (let i = 0; i < 3; i++) await session.run('step', {})
  const w3 = (await session.readState()).w?.data as Float32Array
  console.log(`download: ok, w[0] = ${w3[0]} (expected 3)`)
  await session.dispose()
} else if (check === 'concat64') {
  const n = 64
  const b = new GraphBuilder()
  const xs = Array.from({ length: n }, (_, i) => b.input(`x${i}`, [3]))
  const flat = b.concat(xs, 0)
  const parts = b.split(b.mul(flat, 2), 0, Array(n).fill(3))
  const model = graphToOnnx(b.finish({ last: parts[n - 1] as never, sum: b.reduceSum(flat, 'all', 0) }))
  const session = await ort.InferenceSession.create(model, {
    executionProviders: ['webgpu'],
    preferredOutputLocation: 'cpu',
  })
  const feeds = Object.fromEntries(
    xs.map((_, i) => [`x${i}`, new ort.Tensor('float32', Float32Array.of(i, i, i), [3])]),
  )
  const out = await session.run(feeds)
  const last = (out.last as ort.Tensor).data as Float32Array
  console.log(
    `concat64: ok, last[0] = ${last[0]} (expected ${2 * (n - 1)}), sum = ${(out.sum as ort.Tensor).data[0]} (expected ${3 * ((n * (n - 1)) / 2)})`,
  )
} else {
  console.error('usage: node --import tsx scripts/device/webgpu-checks.ts getdata|cross-session|download|concat64')
  process.exit(2)
}
