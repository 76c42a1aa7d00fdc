import type { Program, StateSlot } from './executor.ts'
import { gradients } from './ir/autodiff.ts'
import { correctCount } from './ir/composite.ts'
import { type Graph, GraphBuilder } from './ir/graph-builder.ts'
import type { Value } from './ir/op-types.ts'
import {
  type DropoutSite,
  dropoutSites,
  type GptConfig,
  type GptForwardOptions,
  gptForward,
  gptLoss,
  gptParamSpecs,
  type ParamSpec,
} from './model/gpt.ts'
import { type LoraSettings, loraAdapter, loraDropoutSites, loraParamSpecs } from './model/lora.ts'
import { type AdamWHyper, adamwScalars, adamwUpdate } from './optim/adamw.ts'

/** Graph names inside the training program. */
export const STEP_GRAPH = 'step'
export const EVAL_GRAPH = 'eval'

/** Names of everything a train step reads and writes, so executors and exporters need no conventions. */
export const IO = {
  /** State slot of an AdamW moment. */
  moment: (which: 'm' | 'v', key: string) => `adam.${which}.${key}`,
  /** Step output that replaces state slot `name`. */
  next: (name: string) => `next.${name}`,
  tokens: (micro: number) => `tokens.${micro}`,
  targets: (micro: number) => `targets.${micro}`,
  dropout: (micro: number, site: string) => `dropout.${micro}.${site}`,
  lr: 'lr',
  /** AdamW's step count t (1-based) as float32: drives the bias correction. */
  step: 'step',
  loss: 'loss',
  gradNorm: 'grad_norm',
  evalTokens: 'tokens',
  evalTargets: 'targets',
  nllSum: 'nll_sum',
  correct: 'correct',
  logits: 'logits',
} as const

export interface TrainStepSpec {
  model: GptConfig
  /** Sequences per micro-batch. */
  batchSize: number
  /** Micro-batches per optimizer step (gradient accumulation). */
  accumulation: number
  /** Sequences per eval batch. */
  evalBatchSize: number
  optim: AdamWHyper & { gradClip: number }
  /** LoRA adapters on a frozen base; absent or null trains every weight. */
  lora?: LoraSettings | null
}

export interface TrainProgram {
  program: Program
  /** The tensors the step updates, each with its AdamW moments (a LoRA run's adapters). */
  params: ParamSpec[]
  /** Tensors read but never updated and without moments (a LoRA run's base; else empty). */
  frozen: ParamSpec[]
  /** Dropout mask sites per micro-batch (empty when dropout and lora_dropout are 0). */
  dropout: DropoutSite[]
}

/** What a step updates and what it only reads: every weight, or a LoRA run's adapters over its frozen base. */
export function trainableSplit(
  model: GptConfig,
  lora?: LoraSettings | null,
): { params: ParamSpec[]; frozen: ParamSpec[] } {
  const base = gptParamSpecs(model)
  return lora ? { params: loraParamSpecs(model, lora), frozen: base } : { params: base, frozen: [] }
}

/**
 * The whole training step as one graph of standard ops: for each micro-batch forward → loss →
 * gradient graph (emitted right after its forward, so activations die early), gradients summed
 * over micro-batches (each loss weighted 1/accumulation), global-norm clipping, AdamW with bias
 * correction and nanoGPT's decay groups. Parameters and moments in, updated ones out; plus an
 * eval graph (summed NLL and correct-token count) over the same parameters.
 */
export function buildTrainProgram(spec: TrainStepSpec): TrainProgram {
  const { params, frozen } = trainableSplit(spec.model, spec.lora)
  const T = spec.model.block_size
  const dropout = [
    ...dropoutSites(spec.model, spec.batchSize, T),
    ...(spec.lora ? loraDropoutSites(spec.model, spec.lora, spec.batchSize, T) : []),
  ]
  const step = buildStepGraph(spec, params, frozen, dropout)
  const evalGraph = buildEvalGraph(spec, [...frozen, ...params], T)
  const state: StateSlot[] = frozen.map((p) => ({ name: p.key, shape: p.shape, dtype: 'float32' }))
  const updates: Record<string, string> = {}
  for (const p of params) {
    for (const name of [p.key, IO.moment('m', p.key), IO.moment('v', p.key)]) {
      state.push({ name, shape: p.shape, dtype: 'float32' })
      updates[IO.next(name)] = name
    }
  }
  return {
    program: { graphs: { [STEP_GRAPH]: step, [EVAL_GRAPH]: evalGraph }, state, updates: { [STEP_GRAPH]: updates } },
    params,
    frozen,
    dropout,
  }
}

/** The forward's options: dropout masks by site, and the LoRA adapters when the spec has them. */
function forwardOptions(
  b: GraphBuilder,
  lora: LoraSettings | null | undefined,
  p: Readonly<Record<string, Value>>,
  dropout?: (site: string) => Value | undefined,
): GptForwardOptions {
  return { dropout, ...(lora ? { adapter: loraAdapter(b, lora, p, dropout) } : {}) }
}

function buildStepGraph(
  spec: TrainStepSpec,
  params: readonly ParamSpec[],
  frozen: readonly ParamSpec[],
  sites: readonly DropoutSite[],
): Graph {
  const b = new GraphBuilder()
  const B = spec.batchSize
  const T = spec.model.block_size
  const A = spec.accumulation
  const p: Record<string, Value> = {}
  for (const s of [...frozen, ...params]) p[s.key] = b.input(s.key, s.shape)
  const m: Record<string, Value> = {}
  const v: Record<string, Value> = {}
  for (const s of params) m[s.key] = b.input(IO.moment('m', s.key), s.shape)
  for (const s of params) v[s.key] = b.input(IO.moment('v', s.key), s.shape)
  const lr = b.input(IO.lr, [])
  const t = b.input(IO.step, [])
  const paramValues = params.map((s) => p[s.key] as Value)

  // micro-steps: forward, backward, accumulate
  const grads = new Map<string, Value>()
  let lossSum: Value | undefined
  for (let i = 0; i < A; i++) {
    b.scope(`micro${i}`, () => {
      const tokens = b.input(IO.tokens(i), [B, T], 'int32')
      const targets = b.input(IO.targets(i), [B, T], 'int32')
      const masks = new Map(sites.map((d) => [d.site, b.input(IO.dropout(i, d.site), d.shape)]))
      const mark = b.size
      const options = forwardOptions(b, spec.lora, p, (site) => masks.get(site))
      const { loss } = gptLoss(b, spec.model, p, tokens, targets, options)
      const g = gradients(b, loss, paramValues, { from: mark, seed: b.scalar(1 / A) })
      for (const s of params) {
        const gi = g.get(s.key) ?? b.zeros(s.shape)
        const prev = grads.get(s.key)
        grads.set(s.key, prev ? b.add(prev, gi) : gi)
      }
      lossSum = lossSum ? b.add(lossSum, loss) : loss
    })
  }
  const meanLoss = A > 1 ? b.div(lossSum as Value, A) : (lossSum as Value)

  // clip: global L2 norm over every gradient, in parameter order
  let sumSq: Value | undefined
  for (const s of params) {
    const g = grads.get(s.key) as Value
    const sq = b.reduceSum(b.mul(g, g), 'all', 0)
    sumSq = sumSq ? b.add(sumSq, sq) : sq
  }
  const gradNorm = b.sqrt(sumSq as Value)
  const clip = spec.optim.gradClip
  // PyTorch clip_grad_norm_: coef = max_norm / (norm + 1e-6), clamped to 1
  const coef = clip > 0 ? b.min(b.div(clip, b.add(gradNorm, 1e-6)), 1) : undefined

  // step: AdamW
  const scalars = adamwScalars(b, lr, t, spec.optim)
  const outputs: Record<string, Value> = { [IO.loss]: meanLoss, [IO.gradNorm]: gradNorm }
  for (const s of params) {
    const raw = grads.get(s.key) as Value
    const grad = coef ? b.mul(raw, coef) : raw
    const next = b.scope(`adamw/${s.key}`, () =>
      adamwUpdate(
        b,
        { param: p[s.key] as Value, grad, m: m[s.key] as Value, v: v[s.key] as Value, decay: s.decay },
        scalars,
        spec.optim,
      ),
    )
    outputs[IO.next(s.key)] = next.param
    outputs[IO.next(IO.moment('m', s.key))] = next.m
    outputs[IO.next(IO.moment('v', s.key))] = next.v
  }
  return b.finish(outputs)
}

/** Forward only: summed NLL and number of correctly predicted tokens over one (B, T) batch. */
function buildEvalGraph(spec: TrainStepSpec, params: readonly ParamSpec[], seq: number): Graph {
  const b = new GraphBuilder()
  const batch = spec.evalBatchSize
  const p: Record<string, Value> = {}
  for (const s of params) p[s.key] = b.input(s.key, s.shape)
  const tokens = b.input(IO.evalTokens, [batch, seq], 'int32')
  const targets = b.input(IO.evalTargets, [batch, seq], 'int32')
  const { logits, nll } = gptLoss(b, spec.model, p, tokens, targets, forwardOptions(b, spec.lora, p))
  return b.finish({ [IO.nllSum]: b.reduceSum(nll, 'all', 0), [IO.correct]: correctCount(b, logits, targets) })
}

/**
 * Inference graph: int32 tokens (B, T) → logits (B, T, V), parameters as inputs (for export and
 * sampling); with `lora`, the adapters are inputs too and stay apart from the base (unmerged).
 */
export function buildForwardGraph(cfg: GptConfig, batch: number, seq: number, lora?: LoraSettings | null): Graph {
  const b = new GraphBuilder()
  const p: Record<string, Value> = {}
  const { params, frozen } = trainableSplit(cfg, lora)
  for (const s of [...frozen, ...params]) p[s.key] = b.input(s.key, s.shape)
  const tokens = b.input(IO.evalTokens, [batch, seq], 'int32')
  return b.finish({ [IO.logits]: gptForward(b, cfg, p, tokens, forwardOptions(b, lora, p)) })
}
