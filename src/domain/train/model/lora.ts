import type { GraphBuilder } from '../ir/graph-builder.ts'
import type { Value } from '../ir/op-types.ts'
import { blockLinears, type DropoutSite, type GptConfig, type ParamSpec } from './gpt.ts'

/** Module names a LoRA `target_modules` list may hold (PEFT matches them as name suffixes). */
export const LORA_TARGETS = ['c_attn', 'c_proj', 'c_fc', 'attn.c_proj', 'mlp.c_proj'] as const
export type LoraTarget = (typeof LORA_TARGETS)[number]

/** PEFT's `TaskType` values; only written to `adapter_config.json` (the model is a causal LM either way). */
export const PEFT_TASK_TYPES = [
  'CAUSAL_LM',
  'SEQ_CLS',
  'SEQ_2_SEQ_LM',
  'TOKEN_CLS',
  'QUESTION_ANS',
  'FEATURE_EXTRACTION',
] as const

/** A LoRA run's settings, named as PEFT's `LoraConfig` names them. */
export interface LoraSettings {
  /** Rank of the update B·A. */
  r: number
  /** The update is scaled by lora_alpha / r. */
  lora_alpha: number
  /** Dropout on the adapter's input, probability in [0, 1). */
  lora_dropout: number
  /** Projections that get an adapter (suffix match: `c_proj` is both attn.c_proj and mlp.c_proj). */
  target_modules: LoraTarget[]
  /** PEFT task type recorded in adapter_config.json. */
  task_type: string
}

/** PEFT's LoraConfig defaults, with PEFT's own default targets for GPT-2 (`c_attn`). */
export const LORA_DEFAULTS: LoraSettings = {
  r: 8, // rank, ≥ 1
  lora_alpha: 8, // scale numerator: the update is multiplied by lora_alpha / r
  lora_dropout: 0, // probability, [0, 1)
  target_modules: ['c_attn'], // PEFT's TRANSFORMERS_MODELS_TO_LORA_TARGET_MODULES_MAPPING["gpt2"]
  task_type: 'CAUSAL_LM', // PEFT TaskType
}

/** PEFT's scaling of the update (`lora_alpha / r`; rsLoRA is not supported). */
export function loraScaling(lora: Pick<LoraSettings, 'r' | 'lora_alpha'>): number {
  return lora.lora_alpha / lora.r
}

/** Keys of the two adapter matrices of projection `prefix`: A is [r, in], B is [out, r] (PEFT's shapes). */
export function loraKeys(prefix: string): { A: string; B: string } {
  return { A: `${prefix}.lora_A.weight`, B: `${prefix}.lora_B.weight` }
}

/** True when `module` (e.g. `transformer.h.0.mlp.c_proj`) is selected by `target` (PEFT's suffix rule). */
export function matchesTarget(module: string, target: string): boolean {
  return module === target || module.endsWith(`.${target}`)
}

/** The projections `targets` select, block by block in forward order, with their widths. */
export function loraLayers(
  cfg: GptConfig,
  targets: readonly string[],
): { prefix: string; inDim: number; outDim: number }[] {
  const layers: { prefix: string; inDim: number; outDim: number }[] = []
  for (let i = 0; i < cfg.n_layer; i++) {
    for (const layer of blockLinears(cfg, i)) {
      if (targets.some((t) => matchesTarget(layer.prefix, t))) layers.push(layer)
    }
  }
  return layers
}

/**
 * The adapter tensors, as PEFT initialises them (`init_lora_weights=True`): A from
 * kaiming_uniform_(a=√5), i.e. uniform(±1/√in), B zeros, so the adapted model starts equal to
 * the base. Both are 2-D and so in the weight-decay group, as nanoGPT groups parameters.
 */
export function loraParamSpecs(cfg: GptConfig, lora: LoraSettings): ParamSpec[] {
  return loraLayers(cfg, lora.target_modules).flatMap(({ prefix, inDim, outDim }) => {
    const keys = loraKeys(prefix)
    return [
      { key: keys.A, shape: [lora.r, inDim], init: { kind: 'uniform', bound: 1 / Math.sqrt(inDim) }, decay: true },
      { key: keys.B, shape: [outDim, lora.r], init: { kind: 'zeros' }, decay: true },
    ] satisfies ParamSpec[]
  })
}

/** Dropout masks on each adapter's input (B, T, in) when lora_dropout > 0, after the model's own. */
export function loraDropoutSites(cfg: GptConfig, lora: LoraSettings, batch: number, seq: number): DropoutSite[] {
  if (lora.lora_dropout === 0) return []
  return loraLayers(cfg, lora.target_modules).map(({ prefix, inDim }) => ({
    site: `${prefix}.lora_dropout`,
    shape: [batch, seq, inDim],
    p: lora.lora_dropout,
  }))
}

/**
 * The `adapter` hook of `gptForward`: for a targeted projection, PEFT's
 * `lora_B(lora_A(dropout(x))) · scaling`, built from MatMul, Mul and the masks' Mul, so autodiff
 * needs no rule of its own. (…, in) → (…, r) → (…, out)
 */
export function loraAdapter(
  b: GraphBuilder,
  lora: LoraSettings,
  params: Readonly<Record<string, Value>>,
  dropout?: (site: string) => Value | undefined,
): (prefix: string, x: Value) => Value | undefined {
  const scaling = loraScaling(lora)
  return (prefix, x) => {
    const keys = loraKeys(prefix)
    const A = params[keys.A]
    const B = params[keys.B]
    if (!A || !B) return undefined
    const mask = dropout?.(`${prefix}.lora_dropout`)
    const input = mask ? b.mul(x, mask) : x // (…, in)
    const down = b.matmul(input, b.transposeLast(A)) // (…, in) · (in, r) -> (…, r)
    const up = b.matmul(down, b.transposeLast(B)) // (…, r) · (r, out) -> (…, out)
    return b.mul(up, scaling)
  }
}
