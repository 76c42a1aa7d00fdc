import { availableParallelism } from 'node:os'
import { canonicalJson, sha256Hex } from '../../../foundation/json/canonical-json.ts'
import type { LoraSettings } from '../model/lora.ts'

/**
 * Every training setting with its default, in one block. Names are nanoGPT's (train.py) where
 * it has one; the defaults are nanoGPT's character-level "baby GPT"
 * (config/train_shakespeare_char.py) over train.py's defaults. configs/train/*.json override
 * them key by key; configs/schemas/train.schema.json holds the types and ranges.
 */
export const TRAIN_DEFAULTS = {
  model: 'gpt' as 'gpt', // architecture: nanoGPT's GPT
  dataset: 'configs/corpus/fables.txt', // UTF-8 text corpus, char-level tokens
  val_fraction: 0.1, // tail share of the corpus held out for eval, (0, 0.5]
  n_layer: 6, // transformer blocks
  n_head: 6, // attention heads; must divide n_embd
  n_embd: 384, // model width
  block_size: 256, // tokens of context
  bias: false, // biases in Linears and LayerNorms
  dropout: 0.2, // probability, [0, 1); 0 in smoke runs
  batch_size: 64, // sequences per micro-batch
  eval_batch_size: 0, // sequences per eval batch; 0 = batch_size
  gradient_accumulation_steps: 1, // micro-batches per optimizer step
  max_iters: 5000, // optimizer steps in the schedule
  learning_rate: 1e-3, // peak LR
  min_lr: 1e-4, // LR floor after cosine decay
  warmup_iters: 100, // steps of linear warmup
  lr_decay_iters: 5000, // step where the cosine reaches min_lr
  decay_lr: true, // warmup + cosine; false = constant learning_rate
  weight_decay: 0.1, // AdamW decoupled decay (decay group only)
  beta1: 0.9, // AdamW β1
  beta2: 0.99, // AdamW β2
  adam_eps: 1e-8, // AdamW eps
  grad_clip: 1.0, // global-norm clip; 0 = off
  eval_interval: 250, // steps between evals
  eval_iters: 200, // eval batches per eval
  log_interval: 10, // steps between console log lines (metrics.ndjson gets every step)
  checkpoint_every: 250, // steps between checkpoints; 0 = only at the end
  keep_last: 3, // checkpoints kept by recency
  keep_best: 1, // checkpoints kept by lowest val/loss measured at their own step (others are not ranked)
  keep_every: 0, // also keep every n-th step's checkpoint; 0 = off
  seed: 1337, // uint32: init, batch order and dropout derive from it
  backend: 'ts' as 'ts' | 'ort-cpu' | 'ort-webgpu', // executor
  threads: 0, // CPU threads for the executor; 0 = every available core (ts: same bits for any count)
  system_metrics: 'cpu' as 'off' | 'cpu' | 'gpu', // sampler in the run folder
  system_metrics_interval_ms: 1000, // ms between samples
  init_from: '', // '' = fresh init; else a Hugging Face GPT-2 folder, `registry:<name>` or a registry name
  lora: null as LoraSettings | null, // null = train every weight; else LoRA adapters on a frozen base
}

export type TrainConfig = typeof TRAIN_DEFAULTS & {
  /** Run folder; absent = `runs/<config>-<timestamp>/`. */
  out_dir?: string
}

/** Keys that do not change the numbers a run produces: left out of the config hash, free to change on resume. */
export const HASH_EXCLUDED_KEYS: readonly string[] = [
  'out_dir',
  'backend',
  'threads',
  'system_metrics',
  'system_metrics_interval_ms',
  'log_interval',
  'checkpoint_every',
  'keep_last',
  'keep_best',
  'keep_every',
]

/**
 * Keys added after the first checkpoints were written: hashed only when they differ from these
 * values, so a config that leaves them unset keeps the hash its checkpoints were saved with.
 */
export const HASHED_WHEN_SET: Readonly<Record<string, unknown>> = { init_from: '', lora: null }

/** sha256 of the canonical JSON of the settings that determine the numbers. */
export function configHash(config: TrainConfig): string {
  const hashed: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(config)) {
    if (HASH_EXCLUDED_KEYS.includes(key)) continue
    if (Object.hasOwn(HASHED_WHEN_SET, key) && value === HASHED_WHEN_SET[key]) continue
    hashed[key] = value
  }
  return sha256Hex(canonicalJson(hashed))
}

/** Executor threads with its `0 = every available core` default applied. */
export function executorThreads(config: TrainConfig): number {
  return config.threads > 0 ? config.threads : availableParallelism()
}

/** Eval batch size with its `0 = batch_size` default applied. */
export function evalBatchSize(config: TrainConfig): number {
  return config.eval_batch_size > 0 ? config.eval_batch_size : config.batch_size
}
