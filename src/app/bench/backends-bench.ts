import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { availableParallelism, cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import type { BackendName, Executor, HostTensor } from '../../domain/train/executor.ts'
import { resolveExecutor } from '../../domain/train/executor.ts'
import { flopsPerToken, matmulFlops } from '../../domain/train/flops.ts'
import { type GptConfig, initGptParams } from '../../domain/train/model/gpt.ts'
import { createOrtExecutor, OrtSession } from '../../domain/train/ort/ort-executor.ts'
import { chainBatches } from '../../domain/train/ort/trajectory.ts'
import { probeWebGpu } from '../../domain/train/ort/webgpu-adapter.ts'
import { loadTextData } from '../../domain/train/text-data.ts'
import {
  buildTrainProgram,
  IO,
  loadTrainProgram,
  STEP_GRAPH,
  type TrainStepSpec,
} from '../../domain/train/train-step-graph.ts'
import type { OptionDefs, OptionValues } from '../../foundation/cli/define-command.ts'
import type { Io } from '../../foundation/cli/io.ts'
import { UserError } from '../../foundation/errors/user-error.ts'
import { Prng } from '../../foundation/random/prng.ts'
import type { BenchResult, BenchRow } from './bench-report.ts'
import { defineBench } from './define-bench.ts'
import { onnxNodeCount, readTorchReference, STEP_KINDS, type StepKind } from './step-kinds.ts'

interface BenchConfig {
  label: string
  model: Omit<GptConfig, 'vocab_size'>
  batchSize: number
}

const CONFIGS: Record<string, BenchConfig> = {
  tiny: {
    label: 'gpt-tiny',
    model: { n_layer: 2, n_head: 2, n_embd: 32, block_size: 32, bias: true, dropout: 0 },
    batchSize: 8,
  },
  larger: {
    label: 'larger',
    model: { n_layer: 4, n_head: 4, n_embd: 256, block_size: 128, bias: true, dropout: 0 },
    batchSize: 8,
  },
  gpu: {
    label: 'gpu-sized',
    model: { n_layer: 6, n_head: 8, n_embd: 512, block_size: 256, bias: true, dropout: 0 },
    batchSize: 16,
  },
}

const BACKEND_NAMES: readonly BackendName[] = ['ts', 'ort-cpu', 'ort-webgpu']

/** Warm-up steps longer than this are reported as the measurement instead of being repeated. */
const SLOW_STEP_SECONDS = 10

/** What one (config, backend) cell measured. */
interface Cell {
  config: string
  backend: BackendName
  /** Per-tensor AdamW and clip, or fused per decay group (`fuseOptimizer`). */
  step: StepKind
  /** Nodes of the exported ONNX step graph: an upper bound on kernel launches per step. */
  onnxNodes: number
  device: string
  tokensPerStep: number
  steps: number
  secondsPerStep: number
  tokensPerSecond: number
  gflops: number
  graphGflops: number
  loadSeconds: number
  warmupSeconds: number
  loss: number
}

const OPTIONS = {
  quick: { type: 'boolean', description: 'tiny and larger only, 1 s per cell' },
  configs: {
    type: 'string',
    valueName: 'list',
    description: 'comma-separated (default tiny,larger,gpu; --quick: tiny,larger)',
  },
  backends: {
    type: 'string',
    valueName: 'list',
    description: 'comma-separated: ts, ort-cpu, ort-webgpu (default all)',
  },
  seconds: {
    type: 'integer',
    valueName: 'n',
    description: 'measuring time per cell after one warm-up step, at least 2 steps (default 5; --quick: 1)',
  },
  threads: { type: 'integer', valueName: 'n', description: 'ort-cpu intra-op threads (default: every core)' },
  'ts-tokens': {
    type: 'integer',
    valueName: 'n',
    default: 256,
    description: 'tokens per step for ts on the gpu config (256 = one sequence)',
  },
  step: {
    type: 'string',
    valueName: 'list',
    description: 'comma-separated: per-tensor, fused (AdamW and the clip per decay group); default both',
  },
  reference: {
    type: 'string',
    valueName: 'file',
    description:
      'JSON of the PyTorch reference (scripts/device/torch_reference.py, gpu-sized shape): adds our fraction of its tokens/s on the gpu config',
  },
  profile: {
    type: 'boolean',
    description:
      'also profile 2 steps of the largest config on each onnxruntime backend: kernel time by provider and op',
  },
} as const satisfies OptionDefs

/** `npm run bench -- backends`: train-step tokens/s and GFLOP/s of ts, ort-cpu and ort-webgpu. */
export const backendsBench = defineBench({
  name: 'backends',
  summary: 'train-step tokens/s and GFLOP/s of ts, ort-cpu and ort-webgpu side by side',
  description: `Train-step throughput (forward + backward + clip + AdamW, one graph) of the GPT on each backend,
side by side in one run: tokens/s and GFLOP/s (nanoGPT's 6N + 12·L·H·Q·T per token).
  configs:  tiny   gpt-tiny (configs/train/gpt-tiny.json: 2 layers, 2 heads, 32 wide, block 32, 8 × 32 tokens)
            larger n_layer 4, n_head 4, n_embd 256, block 128, 8 × 128 tokens per step
            gpu    n_layer 6, n_head 8, n_embd 512, block 256, 16 × 256 = 4,096 tokens per step
ort-webgpu is skipped with its reason where no WebGPU adapter exists. A warm-up step over
max(--seconds, 10) s is reported as the one measured step. --ts-tokens: ts runs one thread, so
its tokens/s hardly depends on the batch, and 4,096 tokens take minutes.
Targets: ort-cpu ≥ 3× ts on larger; ort-webgpu ≥ 3× ort-cpu on gpu (same machine, same run).`,
  options: OPTIONS,
  measure: measureBench,
})

async function measureBench(values: OptionValues<typeof OPTIONS>, io: Io): Promise<BenchResult> {
  const quick = values.quick === true
  const configs = listFlag(
    values.configs,
    '--configs',
    Object.keys(CONFIGS),
    quick ? ['tiny', 'larger'] : Object.keys(CONFIGS),
  )
  const backends = listFlag(values.backends, '--backends', BACKEND_NAMES, BACKEND_NAMES) as BackendName[]
  const seconds = values.seconds ?? (quick ? 1 : 5)
  const threads = values.threads ?? availableParallelism()
  const tsTokens = values['ts-tokens']
  const stepKinds = listFlag(values.step, '--step', STEP_KINDS, STEP_KINDS)
  const reference = values.reference ? readTorchReference(values.reference) : undefined
  const vocab = loadTextData('configs/corpus/fables.txt', 0.1, 32).tokenizer.vocabSize
  const notes: string[] = [
    `machine: ${cpus()[0]?.model ?? 'cpu'} × ${availableParallelism()} cores; shared machines are noisy: compare within one run`,
  ]

  const executors = new Map<BackendName, Executor>()
  for (const backend of backends) {
    if (backend === 'ort-webgpu') {
      const probe = await probeWebGpu()
      if (!probe.ok) {
        notes.push(`ort-webgpu not measured: no WebGPU adapter (${probe.reason})`)
        continue
      }
    }
    executors.set(
      backend,
      backend === 'ort-cpu' ? await createOrtExecutor('ort-cpu', { threads }) : await resolveExecutor(backend),
    )
  }

  const cells: Cell[] = []
  for (const key of configs) {
    const bench = CONFIGS[key] as BenchConfig
    for (const [backend, executor] of executors) {
      const batch =
        backend === 'ts' && key === 'gpu' ? Math.max(1, Math.floor(tsTokens / bench.model.block_size)) : bench.batchSize
      for (const kind of stepKinds) {
        const label = `${bench.label} ${backend} ${kind}`
        let cell: Cell
        try {
          cell = await measure(executor, key, stepSpec(bench, vocab, batch, kind), seconds)
        } catch (error) {
          // One failing cell (e.g. a kernel the WebGPU EP lacks) must not hide the others' figures.
          notes.push(`${label} FAILED: ${(error as Error).message.split('\n')[0]}`)
          io.stderr(`${label}: FAILED ${(error as Error).stack}\n`)
          continue
        }
        cells.push(cell)
        io.stderr(
          `${label}: ${cell.tokensPerSecond.toFixed(0)} tok/s (${cell.steps} steps, ${cell.secondsPerStep.toFixed(3)} s/step, ${cell.onnxNodes} ONNX nodes)\n`,
        )
      }
    }
  }

  const rows: BenchRow[] = cells.map((c) => {
    const ts = cells.find((o) => o.config === c.config && o.backend === 'ts' && o.step === c.step)
    const cpu = cells.find((o) => o.config === c.config && o.backend === 'ort-cpu' && o.step === c.step)
    const perTensor = cells.find((o) => o.config === c.config && o.backend === c.backend && o.step === 'per-tensor')
    const torch = reference && c.config === 'gpu' ? reference.tokensPerSecond : undefined
    return {
      config: CONFIGS[c.config]?.label ?? c.config,
      backend: c.backend,
      step: c.step,
      'ONNX nodes': c.onnxNodes,
      'tokens/step': c.tokensPerStep,
      steps: c.steps,
      's/step': round(c.secondsPerStep, 4),
      'tokens/s': Math.round(c.tokensPerSecond),
      'GFLOP/s': round(c.gflops, 2),
      'graph matmul GFLOP/s': round(c.graphGflops, 2),
      '× ts': ts ? round(c.tokensPerSecond / ts.tokensPerSecond, 2) : null,
      '× ort-cpu': cpu ? round(c.tokensPerSecond / cpu.tokensPerSecond, 2) : null,
      '× per-tensor': perTensor ? round(c.tokensPerSecond / perTensor.tokensPerSecond, 2) : null,
      '× pytorch': torch ? round(c.tokensPerSecond / torch, 3) : null,
      'load s': round(c.loadSeconds, 2),
      device: c.device,
    }
  })

  const targets: NonNullable<BenchResult['targets']> = []
  const best = stepKinds.includes('fused') ? 'fused' : 'per-tensor'
  const ratio = (config: string, a: BackendName, b: BackendName) => {
    const x = cells.find((c) => c.config === config && c.backend === a && c.step === best)
    const y = cells.find((c) => c.config === config && c.backend === b && c.step === best)
    return x && y ? x.tokensPerSecond / y.tokensPerSecond : undefined
  }
  const cpuVsTs = ratio('larger', 'ort-cpu', 'ts')
  if (cpuVsTs !== undefined)
    targets.push({ target: 'ort-cpu >= 3x ts tokens/s on larger', value: round(cpuVsTs, 2), met: cpuVsTs >= 3 })
  const gpuVsCpu = ratio('gpu', 'ort-webgpu', 'ort-cpu')
  if (gpuVsCpu !== undefined) {
    targets.push({
      target: 'ort-webgpu >= 3x ort-cpu tokens/s on gpu-sized',
      value: round(gpuVsCpu, 2),
      met: gpuVsCpu >= 3,
    })
  }
  for (const c of cells.filter((o) => o.step === 'fused')) {
    const unfused = cells.find((o) => o.config === c.config && o.backend === c.backend && o.step === 'per-tensor')
    if (!unfused) continue
    const r = c.onnxNodes / unfused.onnxNodes
    targets.push({
      target: `${CONFIGS[c.config]?.label} ${c.backend}: fused step has <= 0.6x the per-tensor step's ONNX nodes`,
      value: `${c.onnxNodes} / ${unfused.onnxNodes} = ${round(r, 3)}`,
      met: r <= 0.6,
    })
  }
  if (reference) {
    notes.push(
      `pytorch reference: ${Math.round(reference.tokensPerSecond)} tok/s on ${reference.device} (${reference.description})`,
    )
  }
  if (configs.includes('gpu') && executors.has('ts')) {
    notes.push(
      `ts on gpu-sized runs ${cells.find((c) => c.config === 'gpu' && c.backend === 'ts')?.tokensPerStep} tokens per step (--ts-tokens)`,
    )
  }

  const profiles: Record<string, ProfileSummary> = {}
  if (values.profile) {
    const largest = configs[configs.length - 1] as string
    const bench = CONFIGS[largest] as BenchConfig
    for (const backend of ['ort-cpu', 'ort-webgpu'] as const) {
      if (!executors.has(backend)) continue
      for (const kind of stepKinds) {
        const label = `${bench.label} ${backend} ${kind}`
        try {
          const summary = await profileSteps(backend, threads, stepSpec(bench, vocab, bench.batchSize, kind))
          profiles[label] = summary
          notes.push(`profile ${label}: ${describeProfile(summary)}`)
        } catch (error) {
          notes.push(`profile ${label} FAILED: ${(error as Error).message.split('\n')[0]}`)
        }
      }
    }
  }
  return { name: 'backends', rows, targets, notes, extra: { cells, profiles, reference, vocab, seconds, threads } }
}

// --- internal ---

function stepSpec(bench: BenchConfig, vocab: number, batchSize: number, kind: StepKind): TrainStepSpec {
  return {
    fuseOptimizer: kind === 'fused',
    model: { ...bench.model, vocab_size: vocab },
    batchSize,
    accumulation: 1,
    evalBatchSize: 1,
    optim: { beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.1, gradClip: 1 },
  }
}

/** Loads the step program, runs one warm-up step, then steps until `seconds` have passed (at least 2). */
async function measure(executor: Executor, config: string, spec: TrainStepSpec, seconds: number): Promise<Cell> {
  const built = buildTrainProgram(spec)
  const { program, params } = built
  const step = program.graphs[STEP_GRAPH]
  if (!step) throw new Error('BUG: no step graph')
  const tokensPerStep = spec.batchSize * spec.model.block_size
  let t = performance.now()
  const session = await loadTrainProgram(executor, built)
  const loadSeconds = (performance.now() - t) / 1000
  try {
    const init = initGptParams(spec.model, Prng.fromSeed(1))
    const state: Record<string, HostTensor> = {}
    for (const p of params)
      state[p.key] = { shape: p.shape, dtype: 'float32', data: (init[p.key] as { data: Float32Array }).data }
    await session.writeState(state)
    const batches = chainBatches(spec, 2)
    let loss = Number.NaN
    const runStep = async (i: number) => {
      const b = batches(i, 0)
      const out = await session.run(STEP_GRAPH, {
        [IO.lr]: { shape: [], dtype: 'float32', data: Float32Array.of(1e-3) },
        [IO.step]: { shape: [], dtype: 'float32', data: Float32Array.of(i + 1) },
        [IO.tokens(0)]: { shape: [spec.batchSize, spec.model.block_size], dtype: 'int32', data: b.tokens },
        [IO.targets(0)]: { shape: [spec.batchSize, spec.model.block_size], dtype: 'int32', data: b.targets },
      })
      loss = (out[IO.loss] as HostTensor).data[0] as number // the loss is read every step, as the loop logs it
    }
    t = performance.now()
    await runStep(0)
    const warmupSeconds = (performance.now() - t) / 1000
    let steps = 0
    let elapsed = 0
    // A step that takes this long is compute, not JIT warm-up: it is the measurement.
    if (warmupSeconds >= Math.max(seconds, SLOW_STEP_SECONDS)) {
      steps = 1
      elapsed = warmupSeconds
    } else {
      const start = performance.now()
      while (steps < 2 || elapsed < seconds) {
        await runStep(steps + 1)
        steps++
        elapsed = (performance.now() - start) / 1000
      }
    }
    const tokensPerSecond = (tokensPerStep * steps) / elapsed
    return {
      config,
      backend: executor.name,
      step: spec.fuseOptimizer ? 'fused' : 'per-tensor',
      onnxNodes: onnxNodeCount(step),
      device: executor.device,
      tokensPerStep,
      steps,
      secondsPerStep: elapsed / steps,
      tokensPerSecond,
      gflops: (flopsPerToken(spec.model) * tokensPerSecond) / 1e9,
      graphGflops: (matmulFlops(step) * steps) / elapsed / 1e9,
      loadSeconds,
      warmupSeconds,
      loss,
    }
  } finally {
    await session.dispose()
  }
}

interface ProfileSummary {
  /** Per execution provider: nodes run and kernel milliseconds over the profiled steps. */
  providers: Record<string, { nodes: number; ms: number }>
  /** The op types with the most kernel time: [op@provider, ms]. */
  topOps: [string, number][]
  /** Host↔device copies ORT inserted (around CPU-placed nodes and graph inputs/outputs). */
  memcpy: number
  stepMs: number[]
}

/** Two profiled steps in a fresh session: onnxruntime's per-node trace, summarized. */
async function profileSteps(
  backend: 'ort-cpu' | 'ort-webgpu',
  threads: number,
  spec: TrainStepSpec,
): Promise<ProfileSummary> {
  const dir = mkdtempSync(join(tmpdir(), 'ort-profile-'))
  try {
    const executor = await createOrtExecutor(backend, { threads, profileDir: dir })
    const built = buildTrainProgram(spec)
    const session = await executor.load(built.program)
    if (!(session instanceof OrtSession)) throw new Error('BUG: an onnxruntime executor loaded something else')
    const batches = chainBatches(spec, 3)
    const stepMs: number[] = []
    try {
      for (let i = 0; i < 2; i++) {
        const b = batches(i, 0)
        const t = performance.now()
        const out = await session.run(STEP_GRAPH, {
          [IO.lr]: { shape: [], dtype: 'float32', data: Float32Array.of(1e-3) },
          [IO.step]: { shape: [], dtype: 'float32', data: Float32Array.of(i + 1) },
          [IO.tokens(0)]: { shape: [spec.batchSize, spec.model.block_size], dtype: 'int32', data: b.tokens },
          [IO.targets(0)]: { shape: [spec.batchSize, spec.model.block_size], dtype: 'int32', data: b.targets },
        })
        void (out[IO.loss] as HostTensor).data[0]
        stepMs.push(performance.now() - t)
      }
      await session.endProfiling()
    } finally {
      await session.dispose()
    }
    const providers: ProfileSummary['providers'] = {}
    const byOp = new Map<string, number>()
    let memcpy = 0
    for (const file of readdirSync(dir).filter((f) => f.startsWith(`${backend}-${STEP_GRAPH}`))) {
      const events = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
        cat?: string
        name?: string
        dur?: number
        args?: { provider?: string; op_name?: string }
      }[]
      for (const e of events) {
        if (e.cat !== 'Node' || !e.name?.endsWith('_kernel_time')) continue
        const provider = (e.args?.provider ?? '?').replace('ExecutionProvider', '')
        const op = e.args?.op_name ?? '?'
        const ms = (e.dur ?? 0) / 1000
        const p = providers[provider] ?? { nodes: 0, ms: 0 }
        providers[provider] = p
        p.nodes++
        p.ms += ms
        byOp.set(`${op}@${provider}`, (byOp.get(`${op}@${provider}`) ?? 0) + ms)
        if (op.startsWith('Memcpy')) memcpy++
      }
    }
    const topOps = [...byOp]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 6)
      .map(([k, v]) => [k, round(v, 1)] as [string, number])
    for (const p of Object.values(providers)) p.ms = round(p.ms, 1)
    return { providers, topOps, memcpy, stepMs: stepMs.map((m) => round(m, 1)) }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

function describeProfile(s: ProfileSummary): string {
  const providers = Object.entries(s.providers)
    .map(([name, p]) => `${name} ${p.nodes / 2} kernel runs per step / ${round(p.ms / 2, 1)} ms per step`)
    .join(', ')
  const ops = s.topOps.map(([op, ms]) => `${op} ${ms}`).join(', ')
  return `2 steps ${s.stepMs.join(' + ')} ms wall; ${providers}; memcpy nodes ${s.memcpy}; top ops (ms): ${ops}`
}

function listFlag<T extends string>(
  value: string | undefined,
  flag: string,
  allowed: readonly T[],
  fallback: readonly T[],
): T[] {
  if (value === undefined) return [...fallback]
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
  for (const item of items) {
    if (!(allowed as readonly string[]).includes(item)) {
      throw new UserError('BAD_FLAG', `${flag}: unknown value "${item}"`, `choose from: ${allowed.join(', ')}`)
    }
  }
  return items as T[]
}

function round(x: number, digits: number): number {
  const f = 10 ** digits
  return Math.round(x * f) / f
}
