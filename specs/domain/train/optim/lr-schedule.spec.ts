import { describe, expect, test } from 'vitest'
import { learningRate } from '../../../../src/domain/train/optim/lr-schedule.ts'

const s = { learning_rate: 1e-3, min_lr: 1e-4, warmup_iters: 10, lr_decay_iters: 110, decay_lr: true }

describe('learningRate() (nanoGPT get_lr)', () => {
  test('linear warmup lr·(it+1)/(warmup+1), cosine to min_lr, then min_lr', () => {
    expect(learningRate(0, s)).toBeCloseTo(1e-3 / 11, 15)
    expect(learningRate(9, s)).toBeCloseTo((1e-3 * 10) / 11, 15)
    expect(learningRate(10, s)).toBeCloseTo(1e-3, 15)
    expect(learningRate(60, s)).toBeCloseTo((1e-3 + 1e-4) / 2, 15)
    expect(learningRate(110, s)).toBeCloseTo(1e-4, 15)
    expect(learningRate(500, s)).toBe(1e-4)
  })

  test('decay_lr false keeps learning_rate; decay over zero steps goes straight to min_lr', () => {
    expect(learningRate(3, { ...s, decay_lr: false })).toBe(1e-3)
    expect(learningRate(10, { ...s, lr_decay_iters: 10 })).toBe(1e-4)
  })
})
