import type { Program, StateSlot } from './executor.ts'
import { gradients } from './ir/autodiff.ts'
import { correctCount } from './ir/composite.ts'
import { type Graph, GraphBuilder } from './ir/graph-builder.ts'
import type { Value } from './ir/op-types.ts'
import { dropoutSites, type GptConfig, gptForward, gptLoss, gptParamSpecs, type ParamSpec } from './model/gpt.ts'
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
}

export interface TrainProgram {
  program: Program
  params: ParamSpec[]
  /** Dropout mask sites per micro-batch (empty when dropout is 0). */
  dropout: { site: string; shape: number[] }[]
}

/**
 * The whole training step as one graph of standard ops: for each micro-batch forward → loss →
 * gradient graph (emitted right after its forward, so activations die early), gradients summed
 * over micro-batches (each loss weighted 1/accumulation), global-norm clipping, AdamW with bias
 * correction and nanoGPT's decay groups. Parameters and moments in, updated ones out; plus an
 * eval graph (summed NLL and correct-token count) over the same parameters.
 */
export function buildTrainProgram(spec: TrainStepSpec): TrainProgram {
  const params = gptParamSpecs(spec.model)
  const T = spec.model.block_size
  const dropout = dropoutSites(spec.model, spec.batchSize, T)
  const step = buildStepGraph(spec, params, dropout)
  const evalGraph = buildEvalGraph(spec.model, params, spec.evalBatchSize, T)
  const state: StateSlot[] = []
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
    dropout,
  }
}

function buildStepGraph(
  spec: TrainStepSpec,
  params: readonly ParamSpec[],
  sites: readonly { site: string; shape: number[] }[],
): Graph {
  const b = new GraphBuilder()
  const B = spec.batchSize
  const T = spec.model.block_size
  const A = spec.accumulation
  const p: Record<string, Value> = {}
  for (const s of params) p[s.key] = b.input(s.key, s.shape)
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
      const { loss } = gptLoss(b, spec.model, p, tokens, targets, { dropout: (site) => masks.get(site) })
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
function buildEvalGraph(cfg: GptConfig, params: readonly ParamSpec[], batch: number, seq: number): Graph {
  const b = new GraphBuilder()
  const p: Record<string, Value> = {}
  for (const s of params) p[s.key] = b.input(s.key, s.shape)
  const tokens = b.input(IO.evalTokens, [batch, seq], 'int32')
  const targets = b.input(IO.evalTargets, [batch, seq], 'int32')
  const { logits, nll } = gptLoss(b, cfg, p, tokens, targets)
  return b.finish({ [IO.nllSum]: b.reduceSum(nll, 'all', 0), [IO.correct]: correctCount(b, logits, targets) })
}

/** Inference graph: int32 tokens (B, T) → logits (B, T, V), parameters as inputs (for export and sampling). */
export function buildForwardGraph(cfg: GptConfig, batch: number, seq: number): Graph {
  const b = new GraphBuilder()
  const p: Record<string, Value> = {}
  for (const s of gptParamSpecs(cfg)) p[s.key] = b.input(s.key, s.shape)
  const tokens = b.input(IO.evalTokens, [batch, seq], 'int32')
  return b.finish({ [IO.logits]: gptForward(b, cfg, p, tokens) })
}
