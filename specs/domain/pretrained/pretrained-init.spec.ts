import { describe, expect, test } from 'vitest'
import type { PretrainedModel } from '../../../src/domain/pretrained/load-pretrained.ts'
import { pretrainedInit } from '../../../src/domain/pretrained/pretrained-init.ts'
import { TRAIN_DEFAULTS } from '../../../src/domain/train/config/train-config.ts'
import { weightsDigest } from '../../../src/domain/train/init-weights.ts'
import { perturbedParams, TINY_GPT } from './support/model-fixtures.ts'

const model: PretrainedModel = {
  spec: 'registry:tiny',
  registryName: 'tiny',
  dir: '/models/tiny',
  gpt: TINY_GPT,
  params: perturbedParams(TINY_GPT, 3),
  configJson: {},
  files: {},
}
const config = {
  ...TRAIN_DEFAULTS,
  n_layer: 6,
  n_head: 6,
  n_embd: 384,
  block_size: 8,
  bias: false,
  init_from: 'registry:tiny',
}

describe('pretrainedInit()', () => {
  test("takes n_layer, n_head, n_embd and bias from the model (nanoGPT's from_pretrained), one note each", () => {
    const fitted = pretrainedInit(config, model, 11)
    expect(fitted.config).toMatchObject({ n_layer: 2, n_head: 2, n_embd: 8, bias: true, block_size: 8 })
    expect(fitted.notes).toEqual([
      'n_layer 6 → 2 (from registry:tiny)',
      'n_head 6 → 2 (from registry:tiny)',
      'n_embd 384 → 8 (from registry:tiny)',
      'bias false → true (from registry:tiny)',
    ])
    expect(fitted.init).toEqual({ params: model.params, source: 'registry:tiny', digest: weightsDigest(model.params) })
  })

  test('a smaller block_size crops the position embeddings (crop_block_size); a larger one is refused', () => {
    const fitted = pretrainedInit({ ...config, block_size: 3 }, model, 11)
    const wpe = fitted.init.params['transformer.wpe.weight']
    expect(wpe?.shape).toEqual([3, 8])
    expect(wpe?.data).toEqual(model.params['transformer.wpe.weight']?.data.slice(0, 24))
    expect(fitted.notes.at(-1)).toBe('position embeddings cropped from 8 to block_size 3')
    expect(() => pretrainedInit({ ...config, block_size: 9 }, model, 11)).toThrow(
      expect.objectContaining({ code: 'INIT_BLOCK_SIZE', hint: 'set block_size ≤ 8 (--set block_size=8)' }),
    )
  })

  test("a vocabulary other than the dataset's is refused with both sizes", () => {
    expect(() => pretrainedInit(config, model, 65)).toThrow(
      /--init-from registry:tiny: the model has a vocabulary of 11 tokens, but the dataset configs\/corpus\/fables.txt gives 65/,
    )
  })
})
