import { UserError } from '../../foundation/errors/user-error.ts'
import type { TrainConfig } from '../train/config/train-config.ts'
import { type InitWeights, weightsDigest } from '../train/init-weights.ts'
import type { TensorData } from '../train/train-state.ts'
import type { PretrainedModel } from './load-pretrained.ts'

/** The model settings a pretrained model fixes (nanoGPT's from_pretrained overrides the same ones). */
export const PRETRAINED_KEYS = ['n_layer', 'n_head', 'n_embd', 'bias'] as const

/** A run's config with the pretrained model's shape, the weights to start from, and what changed. */
export interface PretrainedInit {
  config: TrainConfig
  init: InitWeights
  /** One line per config value the model replaced, and a note when positions were cropped. */
  notes: string[]
}

/**
 * Fits a training config to `model` as nanoGPT's `init_from='gpt2'` does: n_layer, n_head,
 * n_embd and bias come from the model; a smaller block_size crops the position embeddings
 * (nanoGPT's crop_block_size), a larger one is refused. The dataset's tokenizer must have the
 * model's vocabulary size: the trainer tokenizes characters, so a model trained on other
 * tokens (GPT-2's BPE) is refused rather than fed meaningless ids.
 */
export function pretrainedInit(config: TrainConfig, model: PretrainedModel, vocabSize: number): PretrainedInit {
  const { gpt } = model
  const where = `--init-from ${model.spec}`
  if (gpt.vocab_size !== vocabSize) {
    throw new UserError(
      'INIT_VOCAB',
      `${where}: the model has a vocabulary of ${gpt.vocab_size} tokens, but the dataset ${config.dataset} gives ${vocabSize} (the trainer's character tokenizer)`,
      'start from a model trained on this corpus with the character tokenizer (npm run train -- export --format hf), or train from scratch',
    )
  }
  if (config.block_size > gpt.block_size) {
    throw new UserError(
      'INIT_BLOCK_SIZE',
      `${where}: block_size ${config.block_size} exceeds the model's ${gpt.block_size} positions`,
      `set block_size ≤ ${gpt.block_size} (--set block_size=${gpt.block_size})`,
    )
  }
  const notes: string[] = []
  const fitted = { ...config }
  for (const key of PRETRAINED_KEYS) {
    if (fitted[key] !== gpt[key]) notes.push(`${key} ${fitted[key]} → ${gpt[key]} (from ${model.spec})`)
    ;(fitted as Record<string, unknown>)[key] = gpt[key]
  }
  const params = cropPositions(model.params, config.block_size)
  if (config.block_size < gpt.block_size) {
    notes.push(`position embeddings cropped from ${gpt.block_size} to block_size ${config.block_size}`)
  }
  return { config: fitted, init: { params, source: model.spec, digest: weightsDigest(params) }, notes }
}

// --- internal ---

/** The first `blockSize` rows of wpe (T, C); the other tensors as they are. */
function cropPositions(params: Readonly<Record<string, TensorData>>, blockSize: number): Record<string, TensorData> {
  const wpe = params['transformer.wpe.weight'] as TensorData
  if (wpe.shape[0] === blockSize) return { ...params }
  const C = wpe.shape[1] as number
  return { ...params, 'transformer.wpe.weight': { shape: [blockSize, C], data: wpe.data.slice(0, blockSize * C) } }
}
