import { TRAIN_DEFAULTS, type TrainConfig } from '../../../../src/domain/train/config/train-config.ts'

/** A very small GPT on the shipped corpus: a few ms per step. */
export function tinyConfig(overrides: Partial<TrainConfig> = {}): TrainConfig {
  return {
    ...TRAIN_DEFAULTS,
    dataset: 'configs/corpus/fables.txt',
    n_layer: 1,
    n_head: 2,
    n_embd: 16,
    block_size: 16,
    bias: true,
    dropout: 0,
    batch_size: 4,
    max_iters: 8,
    learning_rate: 1e-2,
    min_lr: 1e-3,
    warmup_iters: 2,
    lr_decay_iters: 8,
    eval_interval: 4,
    eval_iters: 2,
    log_interval: 1,
    checkpoint_every: 0,
    system_metrics: 'off',
    ...overrides,
  }
}
