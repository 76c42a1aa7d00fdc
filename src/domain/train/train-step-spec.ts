import { evalBatchSize, type TrainConfig } from './config/train-config.ts'
import type { GptConfig } from './model/gpt.ts'
import type { TrainStepSpec } from './train-step-graph.ts'

/** The GPT a config describes, over a vocabulary of `vocabSize`. */
export function modelConfig(config: TrainConfig, vocabSize: number): GptConfig {
  return {
    vocab_size: vocabSize,
    block_size: config.block_size,
    n_layer: config.n_layer,
    n_head: config.n_head,
    n_embd: config.n_embd,
    bias: config.bias,
    dropout: config.dropout,
  }
}

/**
 * What the step graph is built from. The fused optimizer step (`fuseOptimizer`) stays opt-in (the
 * backends bench's `--step fused`, the smoke specs). It passes smoke-gpu on the H100 and halves the
 * WebGPU kernel runs per step (2,435 → 1,213), but is not faster there: 0.91× and 1.05× the
 * per-tensor step's tokens/s in two runs of 2026-12-07, as packing the gradients (Concat) and
 * unpacking the weights (Split) cost what the fewer launches save.
 */
export function trainStepSpec(config: TrainConfig, vocabSize: number): TrainStepSpec {
  return {
    model: modelConfig(config, vocabSize),
    batchSize: config.batch_size,
    accumulation: config.gradient_accumulation_steps,
    evalBatchSize: evalBatchSize(config),
    optim: {
      beta1: config.beta1,
      beta2: config.beta2,
      eps: config.adam_eps,
      weightDecay: config.weight_decay,
      gradClip: config.grad_clip,
    },
    lora: config.lora,
  }
}
