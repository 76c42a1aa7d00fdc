/** nanoGPT's learning-rate schedule settings. */
export interface LrSchedule {
  learning_rate: number
  min_lr: number
  warmup_iters: number
  lr_decay_iters: number
  decay_lr: boolean
}

/**
 * nanoGPT's get_lr: linear warmup over `warmup_iters` (lr·(it+1)/(warmup+1)), cosine decay to
 * `min_lr` at `lr_decay_iters`, then `min_lr`; constant `learning_rate` when `decay_lr` is off.
 */
export function learningRate(it: number, s: LrSchedule): number {
  if (!s.decay_lr) return s.learning_rate
  if (it < s.warmup_iters) return (s.learning_rate * (it + 1)) / (s.warmup_iters + 1)
  if (it > s.lr_decay_iters) return s.min_lr
  const span = s.lr_decay_iters - s.warmup_iters
  const ratio = span > 0 ? (it - s.warmup_iters) / span : 1
  const coeff = 0.5 * (1 + Math.cos(Math.PI * ratio))
  return s.min_lr + coeff * (s.learning_rate - s.min_lr)
}
