import { Worker } from 'node:worker_threads'
import type { FloatArray, Gemm } from '../ir/op-types.ts'
import { gemmNT } from '../ops/matmul.ts'

/** The kernel signature shared by the single-thread and pooled paths (declared in ir/op-types.ts). */
export type { Gemm }

/** Products smaller than this (M·N·K) run on the calling thread: waking workers costs more. */
const MIN_PARALLEL_WORK = 32 * 32 * 32

// Control block per worker (Int32Array over a SharedArrayBuffer).
const SEQ = 0 // job number, bumped by the main thread
const DONE = 1 // last job number the worker finished
const QUIT = 2
const A = 3 // buffer id, offset, … of the job
const AO = 4
const B = 5
const BO = 6
const C = 7
const CO = 8
const M = 9
const N = 10
const K = 11
const CONTROL_INTS = 12

/**
 * The worker body: the very `gemmNT` function of ops/matmul.ts (its compiled source), so there
 * is one kernel and no loader is needed in the worker. It waits on its control block with
 * Atomics, runs the rows it is given, and signals completion.
 */
function workerSource(): string {
  return `
const { parentPort, workerData } = require('node:worker_threads')
const gemmNT = ${gemmNT.toString()}
const ctl = new Int32Array(workerData.control)
const Ctor = workerData.float64 ? Float64Array : Float32Array
parentPort.once('message', (buffers) => {
  const views = buffers.map((b) => new Ctor(b))
  let seen = 0
  for (;;) {
    Atomics.wait(ctl, ${SEQ}, seen)
    seen = Atomics.load(ctl, ${SEQ})
    if (ctl[${QUIT}] === 1) break
    gemmNT(views[ctl[${A}]], ctl[${AO}], views[ctl[${B}]], ctl[${BO}], views[ctl[${C}]], ctl[${CO}], ctl[${M}], ctl[${N}], ctl[${K}])
    Atomics.store(ctl, ${DONE}, seen)
    Atomics.notify(ctl, ${DONE})
  }
})
`
}

/**
 * Splits each product's rows over `threads` (the calling thread takes the first share). Every
 * output element is still one sequential sum over k, computed by exactly one thread, so the
 * result is bit-identical to the single-thread kernel for any thread count. Operands must live
 * in SharedArrayBuffers registered with `share` (the ts executor allocates all its buffers so);
 * anything else runs on the calling thread.
 */
export class MatmulPool {
  readonly threads: number
  private readonly workers: Worker[] = []
  private readonly controls: Int32Array[] = []
  private readonly ids = new Map<ArrayBufferLike, number>()
  private readonly float64: boolean
  private started = false

  constructor(threads: number, float64: boolean) {
    this.threads = Math.max(1, Math.floor(threads))
    this.float64 = float64
  }

  /** Allocates a float array in shared memory, known to the workers once `start()` runs. */
  allocate(length: number): FloatArray {
    if (this.started) throw new Error('BUG: MatmulPool.allocate after start')
    const bytes = (this.float64 ? 8 : 4) * length
    const shared = new SharedArrayBuffer(Math.max(bytes, 8))
    this.ids.set(shared, this.ids.size)
    return this.float64 ? new Float64Array(shared, 0, length) : new Float32Array(shared, 0, length)
  }

  /** Starts the workers and hands them every buffer allocated so far. */
  start(): void {
    if (this.started) return
    this.started = true
    const buffers = [...this.ids.keys()]
    for (let i = 1; i < this.threads; i++) {
      const control = new SharedArrayBuffer(CONTROL_INTS * 4)
      const worker = new Worker(workerSource(), { eval: true, workerData: { control, float64: this.float64 } })
      worker.unref() // a leaked pool never keeps a process alive
      worker.postMessage(buffers)
      this.workers.push(worker)
      this.controls.push(new Int32Array(control))
    }
  }

  /** `gemmNT` with rows split over the pool. */
  readonly gemm: Gemm = (a, ao, b, bo, c, co, rows, cols, depth) => {
    const parts = this.workers.length + 1
    const ia = this.ids.get(a.buffer)
    const ib = this.ids.get(b.buffer)
    const ic = this.ids.get(c.buffer)
    if (
      parts === 1 ||
      rows < 8 ||
      rows * cols * depth < MIN_PARALLEL_WORK ||
      ia === undefined ||
      ib === undefined ||
      ic === undefined
    ) {
      gemmNT(a, ao, b, bo, c, co, rows, cols, depth)
      return
    }
    // Shares of whole 4-row blocks, so every thread keeps the 4×4 kernel.
    const share = Math.ceil(rows / parts / 4) * 4
    const aBase = a.byteOffset / a.BYTES_PER_ELEMENT + ao
    const bBase = b.byteOffset / b.BYTES_PER_ELEMENT + bo
    const cBase = c.byteOffset / c.BYTES_PER_ELEMENT + co
    const busy: Int32Array[] = []
    for (let w = 0; w < this.workers.length; w++) {
      const start = (w + 1) * share
      if (start >= rows) break
      const ctl = this.controls[w] as Int32Array
      ctl[A] = ia
      ctl[AO] = aBase + start * depth
      ctl[B] = ib
      ctl[BO] = bBase
      ctl[C] = ic
      ctl[CO] = cBase + start * cols
      ctl[M] = Math.min(share, rows - start)
      ctl[N] = cols
      ctl[K] = depth
      Atomics.add(ctl, SEQ, 1)
      Atomics.notify(ctl, SEQ)
      busy.push(ctl)
    }
    gemmNT(a, ao, b, bo, c, co, Math.min(share, rows), cols, depth)
    for (const ctl of busy) {
      const seq = Atomics.load(ctl, SEQ)
      for (let done = Atomics.load(ctl, DONE); done !== seq; done = Atomics.load(ctl, DONE)) {
        Atomics.wait(ctl, DONE, done)
      }
    }
  }

  /** Stops the workers. */
  async dispose(): Promise<void> {
    for (const ctl of this.controls) {
      ctl[QUIT] = 1
      Atomics.add(ctl, SEQ, 1)
      Atomics.notify(ctl, SEQ)
    }
    await Promise.all(this.workers.map((w) => w.terminate()))
    this.workers.length = 0
    this.controls.length = 0
  }
}
