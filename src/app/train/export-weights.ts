import { checkOutFolder, writeHfFolder } from '../../domain/pretrained/hf-folder.ts'
import { loadPretrained } from '../../domain/pretrained/load-pretrained.ts'
import { checkAdapterFits, readPeftAdapter, writePeftAdapter } from '../../domain/pretrained/peft-adapter.ts'
import type { GptConfig } from '../../domain/train/model/gpt.ts'
import { mergeLora } from '../../domain/train/model/lora-merge.ts'
import type { TensorData } from '../../domain/train/train-state.ts'
import type { Io } from '../../foundation/cli/io.ts'
import { UserError } from '../../foundation/errors/user-error.ts'
import { loadTrainedModel } from './load-trained-model.ts'
import { openModelRegistry } from './model-registry-dir.ts'

const COMMAND = 'npm run train -- export'

/** The flags `export --format hf|peft` reads. */
export interface ExportWeightsFlags {
  checkpoint?: string
  model?: string
  adapter?: string
  out?: string
  registry?: string
}

/**
 * `export --format hf`: a checkpoint (a LoRA run's merged into its base) or a pretrained model,
 * with an optional PEFT adapter merged in, as a Hugging Face GPT-2 folder. `export --format
 * peft`: a LoRA run's adapter as a PEFT folder. The output folder is checked before anything
 * is read.
 */
export async function exportWeights(format: 'hf' | 'peft', flags: ExportWeightsFlags, io: Io): Promise<number> {
  if (!flags.out)
    throw new UserError(
      'BAD_FLAG',
      `${COMMAND} --format ${format}: --out DIR is required`,
      `e.g. --out exports/${format}-model`,
    )
  if (format === 'peft') return exportPeft(flags, flags.out, io)
  if ((flags.checkpoint === undefined) === (flags.model === undefined)) {
    throw new UserError(
      'BAD_FLAG',
      `${COMMAND} --format hf: give one of --checkpoint (a training run) or --model (a Hugging Face folder or registry model)`,
      `e.g. ${COMMAND} --format hf --checkpoint runs/gpt-tiny-<timestamp> --out exports/gpt-tiny`,
    )
  }
  checkOutFolder(flags.out)
  let gpt: GptConfig
  let params: Record<string, TensorData>
  let extra: Record<string, unknown> = {}
  let from: string
  if (flags.checkpoint !== undefined) {
    const model = await loadTrainedModel(flags.checkpoint, '--checkpoint', flags.registry)
    ;({ gpt, params } = model)
    from = `${model.path} (step ${model.step}${model.adapter ? ', LoRA adapters merged into the base' : ''})`
  } else {
    const model = await loadPretrained(flags.model as string, openModelRegistry(flags.registry), '--model')
    ;({ gpt, params } = model)
    extra = model.configJson
    from = model.registryName ? `registry model ${model.registryName}` : model.dir
  }
  if (flags.adapter !== undefined) {
    const adapter = await readPeftAdapter(flags.adapter)
    checkAdapterFits(adapter, gpt, flags.adapter)
    params = mergeLora(params, adapter.params, adapter.lora)
    from += `, adapter ${flags.adapter} merged`
  }
  const files = await writeHfFolder(flags.out, gpt, params, extra)
  const bytes = Object.values(files).reduce((n, f) => n + f.bytes, 0)
  io.stdout(`wrote ${flags.out} (Hugging Face GPT-2 layout, ${(bytes / 1e6).toFixed(2)} MB) from ${from}\n`)
  return 0
}

// --- internal ---

async function exportPeft(flags: ExportWeightsFlags, out: string, io: Io): Promise<number> {
  for (const flag of ['model', 'adapter'] as const) {
    if (flags[flag] !== undefined) {
      throw new UserError(
        'BAD_FLAG',
        `--${flag} goes with --format hf`,
        `${COMMAND} --format peft takes --checkpoint of a LoRA run`,
      )
    }
  }
  if (!flags.checkpoint) {
    throw new UserError(
      'BAD_FLAG',
      `${COMMAND} --format peft: --checkpoint is required`,
      `e.g. ${COMMAND} --format peft --checkpoint runs/<lora-run> --out exports/adapter`,
    )
  }
  checkOutFolder(out)
  const model = await loadTrainedModel(flags.checkpoint, '--checkpoint', flags.registry)
  if (!model.adapter) {
    throw new UserError(
      'BAD_FLAG',
      `${model.path} is a full training run's checkpoint, not a LoRA run's: it has no adapter`,
      `export its weights with --format hf, or train with a "lora" section in the config`,
    )
  }
  await writePeftAdapter(out, {
    lora: model.adapter.lora,
    params: model.adapter.params,
    baseModel: model.config.init_from || null,
  })
  io.stdout(
    `wrote ${out} (PEFT LoRA adapter, r ${model.adapter.lora.r}, ${Object.keys(model.adapter.params).length / 2} projections) from ${model.path} (step ${model.step})\n`,
  )
  return 0
}
