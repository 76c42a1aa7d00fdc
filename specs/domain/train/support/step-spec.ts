import type { TrainStepSpec } from '../../../../src/domain/train/train-step-graph.ts'

/** Biases on, two micro-batches, weight decay, clipping active: every part of the step graph is exercised. */
export const FULL_STEP_SPEC: TrainStepSpec = {
  model: { vocab_size: 37, block_size: 16, n_layer: 2, n_head: 2, n_embd: 32, bias: true, dropout: 0 },
  batchSize: 3,
  accumulation: 2,
  evalBatchSize: 3,
  optim: { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1, gradClip: 1 },
}
