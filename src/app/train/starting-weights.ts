import { loadPretrained } from '../../domain/pretrained/load-pretrained.ts'
import { pretrainedInit } from '../../domain/pretrained/pretrained-init.ts'
import type { LoadedTrainConfig } from '../../domain/train/config/load-train-config.ts'
import { configHash } from '../../domain/train/config/train-config.ts'
import type { InitWeights } from '../../domain/train/init-weights.ts'
import type { Io } from '../../foundation/cli/io.ts'
import { openModelRegistry } from './model-registry-dir.ts'

/** A run's config fitted to the weights it starts from. */
export interface StartingWeights {
  /** The config with the pretrained model's shape (and its hash); as loaded when init_from is empty. */
  loaded: LoadedTrainConfig
  init?: InitWeights
  registryName?: string
}

/**
 * What `init_from` names, read offline (a folder or a registry model) and fitted to the config
 * (nanoGPT's from_pretrained overrides), with a note per changed setting. Nothing to do when
 * init_from is empty.
 */
export async function startingWeights(
  loaded: LoadedTrainConfig,
  vocabSize: number,
  registryFlag: string | undefined,
  io: Io,
): Promise<StartingWeights> {
  const { config } = loaded
  if (!config.init_from) {
    if (config.lora) io.stdout(`note: lora without init_from: the adapters train over the seed's fresh (random) init\n`)
    return { loaded }
  }
  const model = await loadPretrained(config.init_from, openModelRegistry(registryFlag, io.env))
  const fitted = pretrainedInit(config, model, vocabSize)
  for (const note of fitted.notes) io.stdout(`note: ${note}\n`)
  return {
    loaded: { ...loaded, config: fitted.config, hash: configHash(fitted.config) },
    init: fitted.init,
    ...(model.registryName ? { registryName: model.registryName } : {}),
  }
}
