import { existsSync } from 'node:fs'
import { basename, join } from 'node:path'
import { CHECKPOINT_FILES } from '../../checkpoint/checkpoint-layout.ts'
import { CheckpointManager } from '../../checkpoint/checkpoint-manager.ts'
import { loadCheckpoint } from '../../checkpoint/load-checkpoint.ts'
import type { TrainConfig } from '../../config/train-config.ts'
import type { CharTokenizer } from '../../data/char-tokenizer.ts'
import { isUserError, UserError } from '../../errors/user-error.ts'
import type { GptConfig } from '../model/gpt.ts'
import { loadTextData } from '../text-data.ts'
import type { TensorData } from '../train-state.ts'
import { modelConfig } from '../train.ts'

/** A trained GPT as a checkpoint holds it, with what is needed to run it on text. */
export interface TrainedModel {
  /** The checkpoint folder loaded (`…/checkpoints/ckpt-<step>`). */
  path: string
  step: number
  config: TrainConfig
  gpt: GptConfig
  params: Record<string, TensorData>
}

const MODEL_KEYS = ['n_layer', 'n_head', 'n_embd', 'block_size', 'bias', 'dropout', 'dataset', 'val_fraction'] as const

/**
 * Loads the weights of `dir`: a `ckpt-<step>` folder, a run's `checkpoints/` folder or a run
 * folder (the newest checkpoint that verifies). Every file is verified by `loadCheckpoint`.
 */
export async function loadTrainedModel(dir: string, flag = '--checkpoint'): Promise<TrainedModel> {
  const path = dir.replace(/\/+$/, '') || dir
  let loaded: { path: string; state: { step: number; config: unknown; params: Record<string, TensorData> } }
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
      throw new UserError('CHECKPOINT_NONE', `${flag} ${dir}: no usable checkpoint in ${folder}`, 'train first: npm run train -- --config …')
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
  const wte = loaded.state.params['transformer.wte.weight']
  if (!wte || wte.shape.length !== 2) {
    throw new UserError('CHECKPOINT_CONFIG', `${loaded.path}: no transformer.wte.weight [vocab, n_embd]`, 'load a GPT checkpoint')
  }
  return {
    path: loaded.path,
    step: loaded.state.step,
    config,
    gpt: modelConfig(config, wte.shape[0] as number),
    params: loaded.state.params,
  }
}

/**
 * The character tokenizer the model was trained with, rebuilt from the corpus its config names
 * (src/train/text-data.ts builds it from the whole corpus). A corpus that changed since is refused.
 */
export function trainedTokenizer(model: TrainedModel): CharTokenizer {
  const { tokenizer } = loadTextData(model.config.dataset, model.config.val_fraction, model.config.block_size)
  if (tokenizer.vocabSize !== model.gpt.vocab_size) {
    throw new UserError(
      'TOKENIZER_MISMATCH',
      `${model.config.dataset} now yields ${tokenizer.vocabSize} characters but ${model.path} was trained on ${model.gpt.vocab_size}`,
      'restore the corpus the run was trained on (the tokenizer is rebuilt from it)',
    )
  }
  return tokenizer
}

/** The tokenizer, or the reason it cannot be rebuilt (a missing or changed corpus). */
export function tryTrainedTokenizer(model: TrainedModel): CharTokenizer | { reason: string } {
  try {
    return trainedTokenizer(model)
  } catch (error) {
    if (isUserError(error)) return { reason: error.message }
    throw error
  }
}
