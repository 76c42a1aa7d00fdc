import type { Executor, Program, Session, StateSlot } from './executor.ts'
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
import { type PackedGroup, packedGroups, packGroup, unpackGroup } from './optim/packed-groups.ts'
import { type StateView, withStateViews } from './state-views.ts'

/** Graph names inside the training program. */
export const STEP_GRAPH = 'step'
export const EVAL_GRAPH = 'eval'

/** Names of everything a train step reads and writes, so executors and exporters need no conventions. */
export const IO = {
  /** State slot of an AdamW moment. */
  moment: (which: 'm' | 'v', key: string) => `adam.${which}.${key}`,
  /** Fused step: the state slot holding one decay group's parameters (`param`) or moments, flat. */
  packed: (role: 'param' | 'm' | 'v', group: string) => `packed.${role}.${group}`,
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
  /**
   * Pack the trainable tensors and their moments into one flat buffer per decay group, so
   * gradient accumulation, the clip and AdamW run as a few element-wise ops per group instead
   * of per tensor (far fewer kernel launches on a GPU). Same math; the per-tensor names stay
   * readable through `TrainProgram.views`. Default false.
   */
  fuseOptimizer?: boolean
}

export interface TrainProgram {
  program: Program
  /** The tensors the step updates, each with its AdamW moments (a LoRA run's adapters). */
  params: ParamSpec[]
  /** Tensors read but never updated and without moments (a LoRA run's base; else empty). */
  frozen: ParamSpec[]
  /** Dropout mask sites per micro-batch (empty when dropout and lora_dropout are 0). */
  dropout: DropoutSite[]
  /**
   * Fused step only (else empty): each parameter and moment as a window of its group's packed
   * slot; load with `loadTrainProgram` so sessions keep answering to the per-tensor names.
   */
  views: StateView[]
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
  const groups = spec.fuseOptimizer ? packedGroups(params) : undefined
  const step = buildStepGraph(spec, params, frozen, dropout, groups)
  const evalGraph = buildEvalGraph(spec, frozen, params, T, groups)
  const state: StateSlot[] = frozen.map((p) => ({ name: p.key, shape: p.shape, dtype: 'float32' }))
  const updates: Record<string, string> = {}
  const views: StateView[] = []
  const slot = (name: string, shape: readonly number[]) => {
    state.push({ name, shape, dtype: 'float32' })
    updates[IO.next(name)] = name
  }
  if (groups) {
    for (const g of groups) {
      for (const role of ['param', 'm', 'v'] as const) {
        slot(IO.packed(role, g.name), [g.size])
        for (const part of g.parts) {
          const name = role === 'param' ? part.key : IO.moment(role, part.key)
          views.push({ name, slot: IO.packed(role, g.name), offset: part.offset, shape: part.shape })
        }
      }
    }
  } else {
    for (const p of params)
      for (const name of [p.key, IO.moment('m', p.key), IO.moment('v', p.key)]) slot(name, p.shape)
  }
  return {
    program: { graphs: { [STEP_GRAPH]: step, [EVAL_GRAPH]: evalGraph }, state, updates: { [STEP_GRAPH]: updates } },
    params,
    frozen,
    dropout,
    views,
  }
}

/** Loads `built` on `executor`; a fused program's session answers to the per-tensor state names too. */
export async function loadTrainProgram(executor: Executor, built: TrainProgram): Promise<Session> {
  const session = await executor.load(built.program)
  return withStateViews(
    session,
    built.views,
    built.program.state.map((s) => s.name),
  )
}

/** The trainable tensors as graph values: inputs, or (fused) views unpacked from each group's slot. */
function trainableInputs(
  b: GraphBuilder,
  params: readonly ParamSpec[],
  groups: readonly PackedGroup[] | undefined,
): Record<string, Value> {
  const out: Record<string, Value> = {}
  if (groups) {
    for (const g of groups) Object.assign(out, unpackGroup(b, b.input(IO.packed('param', g.name), [g.size]), g))
    return out
  }
  for (const s of params) out[s.key] = b.input(s.key, s.shape)
  return out
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
  groups: readonly PackedGroup[] | undefined,
): Graph {
  const b = new GraphBuilder()
  const B = spec.batchSize
  const T = spec.model.block_size
  const A = spec.accumulation
  const p: Record<string, Value> = {}
  for (const s of frozen) p[s.key] = b.input(s.key, s.shape)
  Object.assign(p, trainableInputs(b, params, groups))
  // What the optimizer updates: one flat buffer per decay group (fused), else each tensor.
  const targets: {
    key: string
    shape: readonly number[]
    decay: boolean
    names: Record<'param' | 'm' | 'v', string>
  }[] = groups
    ? groups.map((g) => ({
        key: g.name,
        shape: [g.size],
        decay: g.decay,
        names: { param: IO.packed('param', g.name), m: IO.packed('m', g.name), v: IO.packed('v', g.name) },
      }))
    : params.map((s) => ({
        key: s.key,
        shape: s.shape,
        decay: s.decay,
        names: { param: s.key, m: IO.moment('m', s.key), v: IO.moment('v', s.key) },
      }))
  const m = new Map(targets.map((o) => [o.key, b.input(o.names.m, o.shape)]))
  const v = new Map(targets.map((o) => [o.key, b.input(o.names.v, o.shape)]))
  const lr = b.input(IO.lr, [])
  const t = b.input(IO.step, [])
  const paramValues = params.map((s) => p[s.key] as Value)

  // micro-steps: forward, backward, accumulate (fused: gradients packed per group first)
  const grads = new Map<string, Value>()
  let lossSum: Value | undefined
  for (let i = 0; i < A; i++) {
    b.scope(`micro${i}`, () => {
      const tokens = b.input(IO.tokens(i), [B, T], 'int32')
      const targetIds = b.input(IO.targets(i), [B, T], 'int32')
      const masks = new Map(sites.map((d) => [d.site, b.input(IO.dropout(i, d.site), d.shape)]))
      const mark = b.size
      const options = forwardOptions(b, spec.lora, p, (site) => masks.get(site))
      const { loss } = gptLoss(b, spec.model, p, tokens, targetIds, options)
      const g = gradients(b, loss, paramValues, { from: mark, seed: b.scalar(1 / A) })
      const perTensor: Record<string, Value> = {}
      // keyed by value name: a fused step's parameters are views, not inputs named by their key
      for (const s of params) perTensor[s.key] = g.get((p[s.key] as Value).name) ?? b.zeros(s.shape)
      const micro = groups ? Object.fromEntries(groups.map((gr) => [gr.name, packGroup(b, perTensor, gr)])) : perTensor
      for (const o of targets) {
        const gi = micro[o.key] as Value
        const prev = grads.get(o.key)
        grads.set(o.key, prev ? b.add(prev, gi) : gi)
      }
      lossSum = lossSum ? b.add(lossSum, loss) : loss
    })
  }
  const meanLoss = A > 1 ? b.div(lossSum as Value, A) : (lossSum as Value)

  // clip: global L2 norm over every gradient, in parameter (fused: group) order
  let sumSq: Value | undefined
  for (const o of targets) {
    const g = grads.get(o.key) as Value
    const sq = b.reduceSum(b.mul(g, g), 'all', 0)
    sumSq = sumSq ? b.add(sumSq, sq) : sq
  }
  const gradNorm = b.sqrt(sumSq as Value)
  const clip = spec.optim.gradClip
  // PyTorch clip_grad_norm_: coef = max_norm / (norm + 1e-6), clamped to 1
  const coef = clip > 0 ? b.min(b.div(clip, b.add(gradNorm, 1e-6)), 1) : undefined

  // step: AdamW, one update per tensor or per packed group
  const scalars = adamwScalars(b, lr, t, spec.optim)
  const outputs: Record<string, Value> = { [IO.loss]: meanLoss, [IO.gradNorm]: gradNorm }
  const current = groups
    ? new Map(groups.map((g) => [g.name, b.value(IO.packed('param', g.name))]))
    : new Map(params.map((s) => [s.key, p[s.key] as Value]))
  for (const o of targets) {
    const raw = grads.get(o.key) as Value
    const grad = coef ? b.mul(raw, coef) : raw
    const next = b.scope(`adamw/${o.key}`, () =>
      adamwUpdate(
        b,
        {
          param: current.get(o.key) as Value,
          grad,
          m: m.get(o.key) as Value,
          v: v.get(o.key) as Value,
          decay: o.decay,
        },
        scalars,
        spec.optim,
      ),
    )
    outputs[IO.next(o.names.param)] = next.param
    outputs[IO.next(o.names.m)] = next.m
    outputs[IO.next(o.names.v)] = next.v
  }
  return b.finish(outputs)
}

/** Forward only: summed NLL and number of correctly predicted tokens over one (B, T) batch. */
function buildEvalGraph(
  spec: TrainStepSpec,
  frozen: readonly ParamSpec[],
  params: readonly ParamSpec[],
  seq: number,
  groups: readonly PackedGroup[] | undefined,
): Graph {
  const b = new GraphBuilder()
  const batch = spec.evalBatchSize
  const p: Record<string, Value> = {}
  for (const s of frozen) p[s.key] = b.input(s.key, s.shape)
  Object.assign(p, trainableInputs(b, params, groups))
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
