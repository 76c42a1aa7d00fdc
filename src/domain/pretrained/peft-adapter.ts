import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { UserError } from '../../foundation/errors/user-error.ts'
import { fsyncDir, writeFileAtomic } from '../../foundation/fs/write-file-atomic.ts'
import { readSafetensors } from '../checkpoint/read-safetensors.ts'
import { type SafetensorsTensor, writeSafetensors } from '../checkpoint/write-safetensors.ts'
import type { GptConfig } from '../train/model/gpt.ts'
import { type LoraSettings, loraParamSpecs } from '../train/model/lora.ts'
import type { TensorData } from '../train/train-state.ts'
import { checkOutFolder } from './hf-folder.ts'
import { decodePeftConfig, encodePeftConfig, refuse } from './peft-config.ts'
import { widenToFloat32 } from './widen-float.ts'

/** The files of a PEFT adapter folder (`PeftModel.save_pretrained`). */
export const PEFT_FILES = { config: 'adapter_config.json', weights: 'adapter_model.safetensors' } as const

/** PEFT's key prefix for a `PeftModelForCausalLM` over a GPT2LMHeadModel: `base_model.model.` + the module path. */
export const PEFT_PREFIX = 'base_model.model.'

const ADAPTER_KEY = /^(transformer\.h\.\d+\.(?:attn\.c_attn|attn\.c_proj|mlp\.c_fc|mlp\.c_proj))\.lora_([AB])\.weight$/

/** An adapter as read from (or written to) a PEFT folder: settings, and tensors under our keys. */
export interface PeftAdapter {
  lora: LoraSettings
  /** `transformer.h.{i}.attn.c_attn.lora_A.weight` → [r, in], `…lora_B.weight` → [out, r]. */
  params: Record<string, TensorData>
  /** `base_model_name_or_path` as recorded. */
  baseModel: string | null
}

/**
 * Writes a LoRA adapter as `PeftModel.from_pretrained` reads it: `adapter_config.json` (PEFT's
 * LoraConfig fields; `fan_in_fan_out: true` because GPT-2's projections are Conv1D, which PEFT
 * sets itself for them) and `adapter_model.safetensors` with PEFT's keys
 * (`base_model.model.transformer.h.0.attn.c_attn.lora_A.weight`, A [r, in], B [out, r]: the
 * same shapes whatever the base layer's storage). Into a temp folder, then renamed to `dir`,
 * which must not hold files unless `replace` (then the old folder goes once the new one is in).
 */
export async function writePeftAdapter(
  dir: string,
  adapter: PeftAdapter,
  options: { replace?: boolean } = {},
): Promise<void> {
  if (!options.replace) checkOutFolder(dir)
  const temp = join(dirname(dir), `.${basename(dir)}.tmp-${randomBytes(6).toString('hex')}`)
  mkdirSync(temp)
  try {
    writeFileAtomic(
      join(temp, PEFT_FILES.config),
      `${JSON.stringify(encodePeftConfig(adapter.lora, adapter.baseModel), null, 2)}\n`,
    )
    const tensors: [string, SafetensorsTensor][] = Object.entries(adapter.params).map(([key, t]) => [
      PEFT_PREFIX + key,
      { dtype: 'F32', shape: t.shape, data: t.data },
    ])
    await writeSafetensors(join(temp, PEFT_FILES.weights), tensors, { format: 'pt' })
    fsyncDir(temp)
    const old = existsSync(dir) ? `${temp}-replaced` : undefined
    if (old) renameSync(dir, old)
    renameSync(temp, dir)
    fsyncDir(dirname(dir))
    if (old) rmSync(old, { recursive: true, force: true })
  } catch (error) {
    rmSync(temp, { recursive: true, force: true })
    throw error
  }
}

/**
 * Reads a PEFT LoRA adapter folder for a GPT-2 model. PEFT features the GPT's LoRA does not
 * have (DoRA, rsLoRA, per-layer ranks, bias training, extra saved modules, regex targets) are
 * refused by name.
 */
export async function readPeftAdapter(dir: string): Promise<PeftAdapter> {
  const configPath = join(dir, PEFT_FILES.config)
  const weightsPath = join(dir, PEFT_FILES.weights)
  if (!existsSync(configPath)) {
    throw new UserError(
      'PEFT_NOT_FOUND',
      `${dir} has no ${PEFT_FILES.config}`,
      'pass a folder written by PeftModel.save_pretrained or npm run train (its adapter/ folder)',
    )
  }
  if (!existsSync(weightsPath)) {
    const bin = existsSync(join(dir, 'adapter_model.bin'))
    throw new UserError(
      'PEFT_NOT_FOUND',
      `${dir} has no ${PEFT_FILES.weights}${bin ? ' (only adapter_model.bin, a pickle, which is never loaded)' : ''}`,
      bin ? 'save it again with safe_serialization=True' : 'pass a folder written by PeftModel.save_pretrained',
    )
  }
  const lora = decodePeftConfig(readFileSync(configPath, 'utf8'), configPath)
  const file = await readSafetensors(weightsPath)
  const params: Record<string, TensorData> = {}
  for (const [key, tensor] of file.tensors) {
    const ours = key.startsWith(PEFT_PREFIX) ? key.slice(PEFT_PREFIX.length) : ''
    const match = ADAPTER_KEY.exec(ours)
    if (!match)
      throw refuse(
        weightsPath,
        `holds ${key}, not a LoRA weight of a GPT-2 projection (${PEFT_PREFIX}transformer.h.<i>.<module>.lora_A.weight)`,
      )
    const data = widenToFloat32(tensor)
    if (!data || tensor.shape.length !== 2)
      throw refuse(weightsPath, `${key} is ${tensor.dtype}[${tensor.shape}], expected a float matrix`)
    const rank = match[2] === 'A' ? tensor.shape[0] : tensor.shape[1]
    if (rank !== lora.r) throw refuse(weightsPath, `${key} is [${tensor.shape}], of rank ${rank}, but r is ${lora.r}`)
    params[ours] = { shape: [...tensor.shape], data }
  }
  for (const key of Object.keys(params)) {
    const twin = key.replace(/lora_([AB])\.weight$/, (_, ab) => `lora_${ab === 'A' ? 'B' : 'A'}.weight`)
    if (!params[twin]) throw refuse(weightsPath, `has ${PEFT_PREFIX}${key} without ${PEFT_PREFIX}${twin}`)
  }
  if (Object.keys(params).length === 0) throw refuse(weightsPath, 'holds no LoRA weights')
  const raw = JSON.parse(readFileSync(configPath, 'utf8')) as { base_model_name_or_path?: unknown }
  return {
    lora,
    params,
    baseModel: typeof raw.base_model_name_or_path === 'string' ? raw.base_model_name_or_path : null,
  }
}

/**
 * Refuses an adapter that does not fit `gpt`: its tensors must be exactly those its
 * target_modules give this model (PEFT's suffix match), with this model's widths.
 */
export function checkAdapterFits(adapter: PeftAdapter, gpt: GptConfig, where: string): void {
  const specs = loraParamSpecs(gpt, adapter.lora)
  const expected = new Set(specs.map((s) => s.key))
  const extra = Object.keys(adapter.params).filter((k) => !expected.has(k))
  if (extra.length > 0)
    throw refuse(
      where,
      `holds ${extra.slice(0, 3).join(', ')}, which target_modules ${JSON.stringify(adapter.lora.target_modules)} do not select on this ${gpt.n_layer}-layer model`,
    )
  for (const spec of specs) {
    const t = adapter.params[spec.key]
    if (!t)
      throw refuse(
        where,
        `has no ${spec.key}, which target_modules ${JSON.stringify(adapter.lora.target_modules)} select`,
      )
    if (t.shape.join(',') !== spec.shape.join(',')) {
      throw refuse(
        where,
        `${spec.key} is [${t.shape.join(', ')}] but this base needs [${spec.shape.join(', ')}]: the adapter was trained on another model`,
      )
    }
  }
}
