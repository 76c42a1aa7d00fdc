import type { Prng } from '../../../foundation/random/prng.ts'
import { crossEntropy, gelu, layerNorm, linear } from '../ir/composite.ts'
import type { GraphBuilder } from '../ir/graph-builder.ts'
import type { Value } from '../ir/op-types.ts'
import { sizeOf } from '../ir/shape.ts'
import type { TensorData } from '../train-state.ts'

/** nanoGPT's GPTConfig. */
export interface GptConfig {
  vocab_size: number
  block_size: number
  n_layer: number
  n_head: number
  n_embd: number
  /** Biases in Linears and LayerNorms (nanoGPT's `bias`). */
  bias: boolean
  dropout: number
}

/** One trainable tensor, by nanoGPT state-dict key. */
export interface ParamSpec {
  readonly key: string
  readonly shape: readonly number[]
  /**
   * nanoGPT's init: normal(0, std), zeros (biases) or ones (LayerNorm weights); LoRA's `A`
   * matrices take uniform(−bound, bound) (PyTorch's kaiming_uniform_ with a = √5).
   */
  readonly init:
    | { kind: 'normal'; std: number }
    | { kind: 'uniform'; bound: number }
    | { kind: 'zeros' }
    | { kind: 'ones' }
  /** configure_optimizers: every tensor with ≥ 2 dims decays; biases and LayerNorm weights do not. */
  readonly decay: boolean
}

/** State-dict keys that alias a trainable tensor (weight tying): `lm_head.weight` is `wte`. */
export const TIED_PARAMS: Readonly<Record<string, string>> = { 'lm_head.weight': 'transformer.wte.weight' }

/** Value added to attention scores above the diagonal: exp underflows to exactly 0 in float32. */
export const CAUSAL_MASK_VALUE = -1e9

/**
 * The trainable tensors in nanoGPT's state-dict order (`lm_head.weight` is tied to `wte` and
 * listed in `TIED_PARAMS`). Linear weights are `[out, in]`.
 */
export function gptParamSpecs(cfg: GptConfig): ParamSpec[] {
  const C = cfg.n_embd
  const std = 0.02
  const projStd = 0.02 / Math.sqrt(2 * cfg.n_layer) // nanoGPT: c_proj.weight gets a scaled init
  const specs: ParamSpec[] = []
  const weight = (key: string, shape: number[], s = std) =>
    specs.push({ key, shape, init: { kind: 'normal', std: s }, decay: shape.length >= 2 })
  const vector = (key: string, n: number, kind: 'zeros' | 'ones') =>
    specs.push({ key, shape: [n], init: { kind }, decay: false })
  const norm = (prefix: string) => {
    vector(`${prefix}.weight`, C, 'ones')
    if (cfg.bias) vector(`${prefix}.bias`, C, 'zeros')
  }
  const lin = (prefix: string, out: number, inp: number, s = std) => {
    weight(`${prefix}.weight`, [out, inp], s)
    if (cfg.bias) vector(`${prefix}.bias`, out, 'zeros')
  }
  weight('transformer.wte.weight', [cfg.vocab_size, C])
  weight('transformer.wpe.weight', [cfg.block_size, C])
  for (let i = 0; i < cfg.n_layer; i++) {
    const h = `transformer.h.${i}`
    norm(`${h}.ln_1`)
    lin(`${h}.attn.c_attn`, 3 * C, C)
    lin(`${h}.attn.c_proj`, C, C, projStd)
    norm(`${h}.ln_2`)
    lin(`${h}.mlp.c_fc`, 4 * C, C)
    lin(`${h}.mlp.c_proj`, C, 4 * C, projStd)
  }
  norm('transformer.ln_f')
  return specs
}

/** Fresh parameters as nanoGPT initialises them, drawn in state-dict order from `rng`. */
export function initGptParams(cfg: GptConfig, rng: Prng): Record<string, TensorData> {
  return initParams(gptParamSpecs(cfg), rng)
}

/** Fresh tensors for `specs`, drawn in their order from `rng` (zeros and ones draw nothing). */
export function initParams(specs: readonly ParamSpec[], rng: Prng): Record<string, TensorData> {
  const out: Record<string, TensorData> = {}
  for (const spec of specs) {
    const data = new Float32Array(sizeOf(spec.shape))
    const init = spec.init
    if (init.kind === 'ones') data.fill(1)
    else if (init.kind === 'normal') for (let i = 0; i < data.length; i++) data[i] = rng.nextNormal() * init.std
    else if (init.kind === 'uniform')
      for (let i = 0; i < data.length; i++) data[i] = (2 * rng.nextFloat() - 1) * init.bound
    out[spec.key] = { shape: [...spec.shape], data }
  }
  return out
}

/** Parameter count as nanoGPT's get_num_params reports it (tied lm_head counted once). */
export function countParams(cfg: GptConfig, nonEmbedding = true): number {
  let n = 0
  for (const spec of gptParamSpecs(cfg)) n += sizeOf(spec.shape)
  return nonEmbedding ? n - cfg.block_size * cfg.n_embd : n
}

/** A dropout mask a training forward takes: where, its shape, and the probability p of a zero. */
export interface DropoutSite {
  site: string
  shape: number[]
  p: number
}

/** Dropout masks a training forward needs: site name → mask shape (none when dropout is 0). */
export function dropoutSites(cfg: GptConfig, batch: number, seq: number): DropoutSite[] {
  if (cfg.dropout === 0) return []
  const C = cfg.n_embd
  const p = cfg.dropout
  const sites = [{ site: 'transformer.drop', shape: [batch, seq, C], p }]
  for (let i = 0; i < cfg.n_layer; i++) {
    sites.push(
      { site: `transformer.h.${i}.attn.attn_dropout`, shape: [batch, cfg.n_head, seq, seq], p },
      { site: `transformer.h.${i}.attn.resid_dropout`, shape: [batch, seq, C], p },
      { site: `transformer.h.${i}.mlp.dropout`, shape: [batch, seq, C], p },
    )
  }
  return sites
}

/** The four projections of block `i`, by module prefix, with their (in, out) widths. */
export function blockLinears(cfg: GptConfig, i: number): { prefix: string; inDim: number; outDim: number }[] {
  const C = cfg.n_embd
  const h = `transformer.h.${i}`
  return [
    { prefix: `${h}.attn.c_attn`, inDim: C, outDim: 3 * C },
    { prefix: `${h}.attn.c_proj`, inDim: C, outDim: C },
    { prefix: `${h}.mlp.c_fc`, inDim: C, outDim: 4 * C },
    { prefix: `${h}.mlp.c_proj`, inDim: 4 * C, outDim: C },
  ]
}

export interface GptForwardOptions {
  /** Mask for a dropout site (0 or 1/(1−p) per element), or undefined for no dropout there. */
  dropout?: (site: string) => Value | undefined
  /**
   * What an adapter adds to the projection `prefix` (e.g. `transformer.h.0.attn.c_attn`) given
   * its input x: (…, in) → (…, out), or undefined where it adds nothing (LoRA, see lora.ts).
   */
  adapter?: (prefix: string, x: Value) => Value | undefined
}

/**
 * nanoGPT's GPT.forward as IR: token + position embeddings, pre-LayerNorm blocks with fused
 * `c_attn`, causal softmax attention, 4× GELU MLP, final LayerNorm, lm_head tied to wte.
 * `idx` is int32 (B, T); returns logits (B, T, V).
 */
export function gptForward(
  b: GraphBuilder,
  cfg: GptConfig,
  params: Readonly<Record<string, Value>>,
  idx: Value,
  options: GptForwardOptions = {},
): Value {
  const [B, T] = idx.shape as [number, number]
  const C = cfg.n_embd
  const nh = cfg.n_head
  const hs = C / nh
  if (T > cfg.block_size) throw new Error(`gptForward: sequence length ${T} exceeds block_size ${cfg.block_size}`)
  const p = (key: string): Value => {
    const v = params[key]
    if (!v) throw new Error(`gptForward: missing parameter ${key}`)
    return v
  }
  const opt = (key: string): Value | undefined => (cfg.bias ? p(key) : undefined)
  const drop = (x: Value, site: string): Value => {
    const mask = options.dropout?.(site)
    return mask ? b.mul(x, mask) : x
  }
  // A projection: x·Wᵀ + b, plus the adapter's delta where one is attached. (…, in) → (…, out)
  const proj = (prefix: string, x: Value): Value => {
    const y = linear(b, x, p(`${prefix}.weight`), opt(`${prefix}.bias`))
    const delta = options.adapter?.(prefix, x)
    return delta ? b.add(y, delta) : y
  }
  const positions = b.constant(
    Array.from({ length: T }, (_, i) => i),
    [T],
    'int32',
  )
  const mask = b.constant(
    Array.from({ length: T * T }, (_, k) => (k % T <= Math.floor(k / T) ? 0 : CAUSAL_MASK_VALUE)),
    [T, T],
  )
  const tok = b.gather(p('transformer.wte.weight'), idx) // (B, T, C)
  const pos = b.gather(p('transformer.wpe.weight'), positions) // (T, C)
  let x = drop(b.add(tok, pos), 'transformer.drop')
  for (let i = 0; i < cfg.n_layer; i++) {
    const h = `transformer.h.${i}`
    x = b.scope(h, () => {
      // attention
      const a = layerNorm(b, x, p(`${h}.ln_1.weight`), opt(`${h}.ln_1.bias`))
      const qkv = proj(`${h}.attn.c_attn`, a) // (B, T, 3C)
      const heads = b.split(qkv, 2, [C, C, C]).map((t) => b.transpose(b.reshape(t, [B, T, nh, hs]), [0, 2, 1, 3])) // (B, T, C) -> (B, nh, T, hs)
      const [q, k, v] = heads as [Value, Value, Value]
      let att = b.mul(b.matmul(q, b.transposeLast(k)), 1 / Math.sqrt(hs)) // (B, nh, T, T)
      att = b.softmax(b.add(att, mask), -1)
      att = drop(att, `${h}.attn.attn_dropout`)
      let y = b.matmul(att, v) // (B, nh, T, hs)
      y = b.reshape(b.transpose(y, [0, 2, 1, 3]), [B, T, C]) // (B, nh, T, hs) -> (B, T, C)
      y = drop(proj(`${h}.attn.c_proj`, y), `${h}.attn.resid_dropout`) // (B, T, C)
      const x1 = b.add(x, y)
      // MLP
      const m = layerNorm(b, x1, p(`${h}.ln_2.weight`), opt(`${h}.ln_2.bias`))
      let f = gelu(b, proj(`${h}.mlp.c_fc`, m)) // (B, T, 4C)
      f = drop(proj(`${h}.mlp.c_proj`, f), `${h}.mlp.dropout`) // (B, T, C)
      return b.add(x1, f)
    })
  }
  x = layerNorm(b, x, p('transformer.ln_f.weight'), opt('transformer.ln_f.bias'))
  return linear(b, x, p('transformer.wte.weight')) // lm_head tied to wte: (B, T, V)
}

/** Mean cross-entropy of the GPT over (B, T) targets, plus per-token NLL and the logits. */
export function gptLoss(
  b: GraphBuilder,
  cfg: GptConfig,
  params: Readonly<Record<string, Value>>,
  idx: Value,
  targets: Value,
  options: GptForwardOptions = {},
): { logits: Value; nll: Value; loss: Value } {
  const logits = gptForward(b, cfg, params, idx, options)
  const [B, T, V] = logits.shape as [number, number, number]
  const flat = b.reshape(logits, [B * T, V])
  const { nll, loss } = crossEntropy(b, flat, b.reshape(targets, [B * T]))
  return { logits: flat, nll, loss }
}
