import { describe, expect, test } from 'vitest'
import { unrankedCheckpointNote } from '../../../src/app/train/run-training.ts'

describe('unrankedCheckpointNote()', () => {
  test('only when keep_best is on and some checkpoint steps are not eval steps', () => {
    expect(unrankedCheckpointNote({ keep_best: 1, checkpoint_every: 60, eval_interval: 40 })).toBe(
      'note: checkpoint_every 60 is not a multiple of eval_interval 40: checkpoints saved between evals record no val/loss and keep_best does not rank them',
    )
    expect(unrankedCheckpointNote({ keep_best: 1, checkpoint_every: 80, eval_interval: 40 })).toBeUndefined()
    expect(unrankedCheckpointNote({ keep_best: 0, checkpoint_every: 60, eval_interval: 40 })).toBeUndefined()
    expect(unrankedCheckpointNote({ keep_best: 1, checkpoint_every: 0, eval_interval: 40 })).toBeUndefined()
  })
})
