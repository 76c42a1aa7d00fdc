import { UserError } from '../../foundation/errors/user-error.ts'
import { LORA_TARGETS, type LoraSettings, type LoraTarget } from '../train/model/lora.ts'

/** PEFT's LoraConfig fields as `save_pretrained` writes them (the subset older PEFT versions read too). */
export function encodePeftConfig(lora: LoraSettings, baseModel: string | null): Record<string, unknown> {
  return {
    peft_type: 'LORA',
    task_type: lora.task_type,
    base_model_name_or_path: baseModel,
    revision: null,
    inference_mode: true,
    r: lora.r,
    lora_alpha: lora.lora_alpha,
    lora_dropout: lora.lora_dropout,
    target_modules: [...lora.target_modules],
    fan_in_fan_out: true,
    bias: 'none',
    use_rslora: false,
    use_dora: false,
    init_lora_weights: true,
    modules_to_save: null,
    layers_to_transform: null,
    layers_pattern: null,
    rank_pattern: {},
    alpha_pattern: {},
  }
}

/** PEFT settings that would change what the adapter computes, with the value the GPT's LoRA has. */
const UNSUPPORTED: readonly [string, (v: unknown) => boolean][] = [
  ['use_dora', (v) => v === true],
  ['use_rslora', (v) => v === true],
  ['lora_bias', (v) => v === true],
  ['bias', (v) => v !== undefined && v !== 'none'],
  ['modules_to_save', (v) => Array.isArray(v) && v.length > 0],
  ['layers_to_transform', (v) => v !== undefined && v !== null],
  ['rank_pattern', (v) => !!v && typeof v === 'object' && Object.keys(v).length > 0],
  ['alpha_pattern', (v) => !!v && typeof v === 'object' && Object.keys(v).length > 0],
  ['target_parameters', (v) => Array.isArray(v) && v.length > 0],
  ['trainable_token_indices', (v) => v !== undefined && v !== null],
]

/**
 * Reads adapter_config.json: a LORA adapter over GPT-2 projections. PEFT features the GPT's LoRA
 * does not have (DoRA, rsLoRA, per-layer ranks or alphas, bias training, extra saved modules,
 * regex targets) are refused by name.
 */
export function decodePeftConfig(text: string, file: string): LoraSettings {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (error) {
    throw refuse(file, `is not valid JSON: ${(error as Error).message}`)
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw refuse(file, 'must hold a JSON object')
  const c = raw as Record<string, unknown>
  if (c.peft_type !== 'LORA') throw refuse(file, `peft_type is ${JSON.stringify(c.peft_type)}; only LORA adapters load`)
  for (const [key, bad] of UNSUPPORTED) {
    if (bad(c[key])) throw refuse(file, `${key} = ${JSON.stringify(c[key])} is not supported by the GPT's LoRA`)
  }
  if (!Number.isSafeInteger(c.r) || (c.r as number) < 1)
    throw refuse(file, `r must be a positive integer, got ${JSON.stringify(c.r)}`)
  if (typeof c.lora_alpha !== 'number' || !(c.lora_alpha > 0))
    throw refuse(file, `lora_alpha must be a positive number, got ${JSON.stringify(c.lora_alpha)}`)
  const dropout = c.lora_dropout ?? 0
  if (typeof dropout !== 'number' || dropout < 0 || dropout >= 1)
    throw refuse(file, `lora_dropout must be in [0, 1), got ${JSON.stringify(dropout)}`)
  const targets = c.target_modules
  if (!Array.isArray(targets) || targets.length === 0) {
    throw refuse(
      file,
      `target_modules must be a list of module names (a regex string is not supported), got ${JSON.stringify(targets)}`,
    )
  }
  const unknown = targets.filter((t) => !(LORA_TARGETS as readonly unknown[]).includes(t))
  if (unknown.length > 0)
    throw refuse(
      file,
      `target_modules ${JSON.stringify(unknown)} are not GPT-2 projections (${LORA_TARGETS.join(', ')})`,
    )
  return {
    r: c.r as number,
    lora_alpha: c.lora_alpha,
    lora_dropout: dropout,
    target_modules: [...new Set(targets as LoraTarget[])],
    task_type: typeof c.task_type === 'string' ? c.task_type : 'CAUSAL_LM',
  }
}

/** A PEFT adapter file that cannot be loaded: the message names the file and the fault. */
export function refuse(file: string, fault: string): UserError {
  return new UserError(
    'PEFT_ADAPTER',
    `${file}: ${fault}`,
    'save the adapter with PEFT LoRA defaults for GPT-2, or with npm run train (lora section)',
  )
}
