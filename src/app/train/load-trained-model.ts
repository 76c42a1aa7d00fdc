import { existsSync, readFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { CHECKPOINT_FILES } from '../../domain/checkpoint/checkpoint-layout.ts'
import { CheckpointManager } from '../../domain/checkpoint/checkpoint-manager.ts'
import { loadCheckpoint } from '../../domain/checkpoint/load-checkpoint.ts'
import { loadTokenizer } from '../../domain/data/tokenizers/load-tokenizer.ts'
import type { Tokenizer } from '../../domain/data/tokenizers/tokenizer.ts'
import type { TrainConfig } from '../../domain/train/config/train-config.ts'
import type { GptConfig } from '../../domain/train/model/gpt.ts'
import type { LoraSettings } from '../../domain/train/model/lora.ts'
import { mergeLora } from '../../domain/train/model/lora-merge.ts'
import { loadTextData } from '../../domain/train/text-data.ts'
import type { BaseModelRef, TensorData } from '../../domain/train/train-state.ts'
import { modelConfig } from '../../domain/train/train-step-spec.ts'
import { isUserError, UserError } from '../../foundation/errors/user-error.ts'
import { adapterBase } from './adapter-base.ts'

/** A trained GPT as a checkpoint holds it, with what is needed to run it on text. */
export interface TrainedModel {
  /** The checkpoint folder loaded (`…/checkpoints/ckpt-<step>`). */
  path: string
  step: number
  config: TrainConfig
  gpt: GptConfig
  /** Every weight of the model (a LoRA run's adapters merged into its base). */
  params: Record<string, TensorData>
  /** A LoRA run's checkpoint: its adapters and the frozen base, apart. */
  adapter?: { lora: LoraSettings; params: Record<string, TensorData>; base: Record<string, TensorData> }
  /** The weights the run started from, as its checkpoint records them. */
  baseRef?: BaseModelRef
}

const MODEL_KEYS = ['n_layer', 'n_head', 'n_embd', 'block_size', 'bias', 'dropout', 'dataset', 'val_fraction'] as const

/**
 * Loads the weights of `dir`: a `ckpt-<step>` folder, a run's `checkpoints/` folder or a run
 * folder (the newest checkpoint that verifies). Every file is verified by `loadCheckpoint`. A
 * LoRA run's checkpoint holds adapters only: its base is rebuilt from the run's init_from (in
 * the registry `registryFlag` names) or seed, checked by digest, and the adapters merged in.
 */
export async function loadTrainedModel(
  dir: string,
  flag = '--checkpoint',
  registryFlag?: string,
): Promise<TrainedModel> {
  const path = dir.replace(/\/+$/, '') || dir
  let loaded: {
    path: string
    state: { step: number; config: unknown; params: Record<string, TensorData>; base?: BaseModelRef }
  }
  if (existsSync(join(path, CHECKPOINT_FILES.manifest))) {
    loaded = await loadCheckpoint(path)
  } else {
    const folder = basename(path) === 'checkpoints' ? path : join(path, 'checkpoints')
    if (!existsSync(folder)) {
      throw new UserError(
        'CHECKPOINT_NOT_FOUND',
        `${flag} ${dir}: not a checkpoint folder (<run>/checkpoints/ckpt-<step>), a checkpoints folder or a run folder`,
        'e.g. --checkpoint runs/gpt-tiny-<timestamp> (its newest checkpoint) or …/checkpoints/ckpt-120',
      )
    }
    const latest = await new CheckpointManager({ dir: folder }).loadLatest()
    if (!latest) {
      throw new UserError(
        'CHECKPOINT_NONE',
        `${flag} ${dir}: no usable checkpoint in ${folder}`,
        'train first: npm run train -- --config …',
      )
    }
    loaded = latest
  }
  const config = loaded.state.config as TrainConfig
  const missing = MODEL_KEYS.filter((k) => config === null || typeof config !== 'object' || !(k in config))
  if (missing.length > 0) {
    throw new UserError(
      'CHECKPOINT_CONFIG',
      `${loaded.path}: the config saved with the checkpoint lacks ${missing.join(', ')}`,
      'load a checkpoint written by npm run train',
    )
  }
  if (config.lora) {
    const base = await adapterBase(loaded.path, config, loaded.state.base, registryFlag)
    return {
      path: loaded.path,
      step: loaded.state.step,
      config,
      gpt: base.gpt,
      params: mergeLora(base.params, loaded.state.params, config.lora),
      adapter: { lora: config.lora, params: loaded.state.params, base: base.params },
      ...(loaded.state.base ? { baseRef: loaded.state.base } : {}),
    }
  }
  const wte = loaded.state.params['transformer.wte.weight']
  if (wte?.shape.length !== 2) {
    throw new UserError(
      'CHECKPOINT_CONFIG',
      `${loaded.path}: no transformer.wte.weight [vocab, n_embd]`,
      'load a GPT checkpoint',
    )
  }
  return {
    path: loaded.path,
    step: loaded.state.step,
    config,
    gpt: modelConfig(config, wte.shape[0] as number),
    params: loaded.state.params,
    ...(loaded.state.base ? { baseRef: loaded.state.base } : {}),
  }
}

/**
 * The tokenizer the model was trained with: the run folder's `tokenizer.json` (written by the
 * train CLI) when there is one, else rebuilt from the corpus its config names (src/domain/train/text-data.ts
 * builds the character vocabulary from the whole corpus). A vocabulary of another size is refused.
 */
export function trainedTokenizer(model: TrainedModel): Tokenizer {
  const folder = dirname(model.path)
  const saved = basename(folder) === 'checkpoints' ? join(dirname(folder), 'tokenizer.json') : undefined
  let tokenizer: Tokenizer
  let source: string
  if (saved && existsSync(saved)) {
    tokenizer = loadTokenizer(readFileSync(saved, 'utf8'), saved)
    source = saved
  } else {
    tokenizer = loadTextData(model.config.dataset, model.config.val_fraction, model.config.block_size).tokenizer
    source = model.config.dataset
  }
  if (tokenizer.vocabSize !== model.gpt.vocab_size) {
    throw new UserError(
      'TOKENIZER_MISMATCH',
      `${source} gives ${tokenizer.vocabSize} tokens but ${model.path} was trained on ${model.gpt.vocab_size}`,
      'use the run folder the checkpoint came from, or restore the corpus it was trained on',
    )
  }
  return tokenizer
}

/** The tokenizer, or the reason it cannot be had (no tokenizer.json and a missing or changed corpus). */
export function tryTrainedTokenizer(model: TrainedModel): Tokenizer | { reason: string } {
  try {
    return trainedTokenizer(model)
  } catch (error) {
    if (isUserError(error)) return { reason: error.message }
    throw error
  }
}
