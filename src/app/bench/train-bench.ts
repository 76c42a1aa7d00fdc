import { availableParallelism, loadavg } from 'node:os'
import { BatchSampler } from '../../domain/train/batches.ts'
import { loadTrainConfig } from '../../domain/train/config/load-train-config.ts'
import type { TrainConfig } from '../../domain/train/config/train-config.ts'
import type { HostTensor } from '../../domain/train/executor.ts'
import { flopsPerToken, matmulFlops } from '../../domain/train/flops.ts'
import { countParams, initGptParams } from '../../domain/train/model/gpt.ts'
import { gemmNT } from '../../domain/train/ops/matmul.ts'
import { roleSeed } from '../../domain/train/seeds.ts'
import { loadTextData } from '../../domain/train/text-data.ts'
import { buildTrainProgram, IO, STEP_GRAPH } from '../../domain/train/train-step-graph.ts'
import { trainStepSpec } from '../../domain/train/train-step-spec.ts'
import { TsExecutor } from '../../domain/train/ts/ts-executor.ts'
import type { OptionDefs, OptionValues } from '../../foundation/cli/define-command.ts'
import { intFlag } from '../../foundation/cli/flag-values.ts'
import { Prng } from '../../foundation/random/prng.ts'
import type { BenchResult, BenchRow } from './bench-report.ts'
import { defineBench } from './define-bench.ts'

interface Case {
  name: string
  config: TrainConfig
  steps: number
}

const OPTIONS = {
  steps: {
    type: 'integer',
    valueName: 'n',
    description: 'timed steps per case (default 40 on gpt-tiny, 4 on the larger GPT)',
  },
  warmup: { type: 'integer', valueName: 'n', default: 2, description: 'untimed steps first' },
  only: { type: 'string', choices: ['tiny', 'larger'], description: 'one case only' },
  threads: {
    type: 'string',
    valueName: 'n,…',
    description: 'thread counts to time (default: 1 and every core)',
  },
  'ceiling-n': { type: 'integer', valueName: 'n', default: 512, description: 'N of the N×N×N matmul ceiling' },
} as const satisfies OptionDefs

/**
 * `npm run bench -- train`: training tokens/s of the `ts` executor on gpt-tiny and on a larger
 * GPT (n_layer 4, n_head 4, n_embd 256, block 128, batch 8), and their GFLOP/s beside this
 * machine's single-thread ceiling, measured in the same run by our own matmul kernel (gemmNT,
 * N×N×N), on one thread and on every core (matrix products split over threads, same bits).
 * Steps are timed after warm-up; per-op times say where the time goes.
 */
export const trainBench = defineBench({
  name: 'train',
  summary: "training tokens/s of the ts executor beside this machine's matmul ceiling",
  options: OPTIONS,
  measure: measureBench,
})

async function measureBench(values: OptionValues<typeof OPTIONS>): Promise<BenchResult> {
  const { warmup } = values
  const threads = (values.threads ?? `1,${availableParallelism()}`)
    .split(',')
    .map((t) => intFlag(t, '--threads', 1))
    .filter((t, i, all) => t > 0 && all.indexOf(t) === i)
  const ceilingN = values['ceiling-n']
  const tiny = loadTrainConfig('configs/train/gpt-tiny.json').config
  const larger = loadTrainConfig('configs/train/gpt-small-char.json', [
    'gradient_accumulation_steps=1',
    'dropout=0',
  ]).config
  const cases: Case[] = [
    { name: 'gpt-tiny', config: tiny, steps: values.steps ?? 40 },
    { name: 'larger (L4 H4 C256 T128 B8)', config: larger, steps: values.steps ?? 4 },
  ].filter((c) => !values.only || (values.only === 'tiny' ? c.name === 'gpt-tiny' : c.name !== 'gpt-tiny'))
  const loadBefore = loadavg()[0] as number
  const ceiling = matmulCeiling(ceilingN)
  const rows: BenchRow[] = [
    {
      case: `ceiling: gemmNT ${ceilingN}³ (1 thread)`,
      params: null,
      'tokens/step': null,
      'ms/step': ceiling.ms,
      'tokens/s': null,
      'GFLOP/s': ceiling.gflops,
      '% of ceiling': 100,
      'matmul share': null,
    },
  ]
  const notes: string[] = []
  const extra: Record<string, unknown> = { ceiling }
  for (const c of cases) {
    for (const t of threads) {
      const m = await measure(c, warmup, t)
      const label = `${c.name}, ${t} thread${t === 1 ? '' : 's'}`
      rows.push({
        case: label,
        params: m.params,
        'tokens/step': m.tokensPerStep,
        'ms/step': m.msPerStep,
        'tokens/s': m.tokensPerSecond,
        'GFLOP/s': m.gflops,
        '% of ceiling': (100 * m.gflops) / ceiling.gflops,
        'matmul share': `${(100 * m.matmulShare).toFixed(0)}%`,
      })
      notes.push(
        `${label}: ${m.stepFlops.toExponential(3)} matmul FLOP/step (nanoGPT estimate ${m.estimateFlops.toExponential(3)}); time by op: ${m.topOps}`,
      )
      extra[label] = m
    }
  }
  notes.push(
    `2 shared CPU cores: load average ${loadBefore.toFixed(2)} before, ${(loadavg()[0] as number).toFixed(2)} after; figures move with other work on the machine, compare within one run`,
  )
  return { name: 'train', rows, notes, extra }
}

/** Best of three: our gemmNT kernel on N×N×N with Bᵀ ready, one thread. */
function matmulCeiling(n: number): { n: number; ms: number; gflops: number } {
  const a = Float32Array.from({ length: n * n }, (_, i) => Math.sin(i))
  const b = Float32Array.from({ length: n * n }, (_, i) => Math.cos(i))
  const c = new Float32Array(n * n)
  gemmNT(a, 0, b, 0, c, 0, n, n, n) // warm-up (JIT)
  let best = Number.POSITIVE_INFINITY
  for (let r = 0; r < 3; r++) {
    const started = performance.now()
    gemmNT(a, 0, b, 0, c, 0, n, n, n)
    best = Math.min(best, performance.now() - started)
  }
  return { n, ms: best, gflops: (2 * n * n * n) / (best * 1e6) }
}

async function measure(c: Case, warmup: number, threads: number) {
  const { config } = c
  const data = loadTextData(config.dataset, config.val_fraction, config.block_size)
  const spec = trainStepSpec(config, data.tokenizer.vocabSize)
  const built = buildTrainProgram(spec)
  const step = built.program.graphs[STEP_GRAPH]
  if (!step) throw new Error('BUG: no step graph')
  const session = await new TsExecutor({ profile: true, threads }).load(built.program)
  const params = initGptParams(spec.model, Prng.fromSeed(roleSeed(config.seed, 'init')))
  const state: Record<string, HostTensor> = {}
  for (const p of built.params) {
    const data = params[p.key]?.data as Float32Array
    state[p.key] = { shape: p.shape, dtype: 'float32', data }
    state[IO.moment('m', p.key)] = { shape: p.shape, dtype: 'float32', data: new Float32Array(data.length) }
    state[IO.moment('v', p.key)] = { shape: p.shape, dtype: 'float32', data: new Float32Array(data.length) }
  }
  await session.writeState(state)
  const B = config.batch_size
  const T = config.block_size
  const sampler = BatchSampler.create(data.train, T, roleSeed(config.seed, 'batches'))
  const batch = { x: new Int32Array(B * T), y: new Int32Array(B * T) }
  const feeds: Record<string, HostTensor> = {
    [IO.lr]: { shape: [], dtype: 'float32', data: Float32Array.of(config.learning_rate) },
    [IO.step]: { shape: [], dtype: 'float32', data: new Float32Array(1) },
    [IO.tokens(0)]: { shape: [B, T], dtype: 'int32', data: batch.x },
    [IO.targets(0)]: { shape: [B, T], dtype: 'int32', data: batch.y },
  }
  const stepOnce = async (t: number) => {
    sampler.next(B, batch)
    ;(feeds[IO.step]?.data as Float32Array)[0] = t
    await session.run(STEP_GRAPH, feeds)
  }
  for (let i = 0; i < warmup; i++) await stepOnce(i + 1)
  session.opTimes.clear()
  const started = performance.now()
  for (let i = 0; i < c.steps; i++) await stepOnce(warmup + i + 1)
  const ms = (performance.now() - started) / c.steps
  await session.dispose()
  const stepFlops = matmulFlops(step)
  const tokensPerStep = B * T
  const total = [...session.opTimes.values()].reduce((a, v) => a + v, 0)
  const topOps = [...session.opTimes]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5)
    .map(([op, t]) => `${op} ${((100 * t) / total).toFixed(0)}%`)
    .join(', ')
  return {
    params: countParams(spec.model, false),
    tokensPerStep,
    msPerStep: ms,
    tokensPerSecond: (tokensPerStep * 1000) / ms,
    stepFlops,
    estimateFlops: flopsPerToken(spec.model) * tokensPerStep,
    gflops: stepFlops / (ms * 1e6),
    matmulShare: (session.opTimes.get('MatMul') ?? 0) / total,
    topOps,
  }
}
