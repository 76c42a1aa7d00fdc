import { existsSync, readFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { loadTokenizer } from '../../domain/data/tokenizers/load-tokenizer.ts'
import { loadPretrained } from '../../domain/pretrained/load-pretrained.ts'
import { pretrainedInit } from '../../domain/pretrained/pretrained-init.ts'
import type { TrainConfig } from '../../domain/train/config/train-config.ts'
import { weightsDigest } from '../../domain/train/init-weights.ts'
import { type GptConfig, initGptParams } from '../../domain/train/model/gpt.ts'
import { roleSeed } from '../../domain/train/seeds.ts'
import { loadTextData } from '../../domain/train/text-data.ts'
import type { BaseModelRef, TensorData } from '../../domain/train/train-state.ts'
import { modelConfig } from '../../domain/train/train-step-spec.ts'
import { UserError } from '../../foundation/errors/user-error.ts'
import { Prng } from '../../foundation/random/prng.ts'
import { openModelRegistry } from './model-registry-dir.ts'

/**
 * The frozen base of a LoRA run's checkpoint at `path`, rebuilt as the run built it: what its
 * config's init_from names (read offline, fitted to the config) or the seed's fresh init. It
 * must have the digest the checkpoint recorded; a base that changed is refused by name.
 */
export async function adapterBase(
  path: string,
  config: TrainConfig,
  recorded: BaseModelRef | undefined,
  registryFlag?: string,
): Promise<{ gpt: GptConfig; params: Record<string, TensorData> }> {
  let gpt: GptConfig
  let params: Record<string, TensorData>
  let digest: string
  if (config.init_from) {
    const model = await loadPretrained(config.init_from, openModelRegistry(registryFlag), 'init_from')
    const fitted = pretrainedInit(config, model, model.gpt.vocab_size)
    gpt = modelConfig(fitted.config, model.gpt.vocab_size)
    params = fitted.init.params
    digest = fitted.init.digest
  } else {
    gpt = modelConfig(config, runVocabSize(path, config))
    params = initGptParams(gpt, Prng.fromSeed(roleSeed(config.seed, 'init')))
    digest = weightsDigest(params)
  }
  if (!recorded || recorded.digest !== digest) {
    throw new UserError(
      'ADAPTER_BASE',
      `${path}: the adapters were trained on base ${recorded?.source ?? '(unrecorded)'} (digest ${recorded?.digest.slice(0, 12) ?? '?'}…), but ${config.init_from || 'the seed'} now gives digest ${digest.slice(0, 12)}…`,
      'restore the base the run started from (npm run train -- registry verify names damaged registry models)',
    )
  }
  return { gpt, params }
}

// --- internal ---

/** The run's vocabulary size: its tokenizer.json when the run folder has one, else its corpus. */
function runVocabSize(path: string, config: TrainConfig): number {
  const folder = dirname(path)
  const saved = basename(folder) === 'checkpoints' ? join(dirname(folder), 'tokenizer.json') : undefined
  if (saved && existsSync(saved)) return loadTokenizer(readFileSync(saved, 'utf8'), saved).vocabSize
  return loadTextData(config.dataset, config.val_fraction, config.block_size).tokenizer.vocabSize
}
