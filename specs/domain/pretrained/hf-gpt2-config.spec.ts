import { describe, expect, test } from 'vitest'
import { hfGpt2Config, parseHfGpt2Config } from '../../../src/domain/pretrained/hf-gpt2-config.ts'
import { TINY_GPT } from './support/model-fixtures.ts'

/** GPT2Config().to_dict() of transformers 5.18, with gpt2-small's shape. */
const GPT2 = {
  activation_function: 'gelu_new',
  add_cross_attention: false,
  attn_pdrop: 0.1,
  bos_token_id: 50256,
  embd_pdrop: 0.1,
  eos_token_id: 50256,
  layer_norm_epsilon: 1e-5,
  model_type: 'gpt2',
  n_ctx: 1024,
  n_embd: 768,
  n_head: 12,
  n_inner: null,
  n_layer: 12,
  n_positions: 1024,
  reorder_and_upcast_attn: false,
  resid_pdrop: 0.1,
  scale_attn_by_inverse_layer_idx: false,
  scale_attn_weights: true,
  tie_word_embeddings: true,
  vocab_size: 50257,
}

describe('parseHfGpt2Config()', () => {
  test("gpt2-small's config: 12 layers, 12 heads, 768 wide, 1024 positions, biases", () => {
    expect(parseHfGpt2Config(GPT2, 'config.json')).toEqual({
      vocab_size: 50257,
      block_size: 1024,
      n_layer: 12,
      n_head: 12,
      n_embd: 768,
      bias: true,
      dropout: 0,
    })
  })

  test('gelu_pytorch_tanh is the same function as gelu_new and loads; defaults may be left out', () => {
    const { n_embd, n_head, n_layer, n_positions, vocab_size } = GPT2
    const minimal = { n_embd, n_head, n_layer, n_positions, vocab_size, activation_function: 'gelu_pytorch_tanh' }
    expect(parseHfGpt2Config(minimal, 'config.json').n_layer).toBe(12)
  })

  test.each([
    ['activation_function', 'gelu', /activation_function "gelu" is not supported: the GPT's GELU is the tanh form/],
    ['activation_function', 'relu', /activation_function "relu"/],
    ['scale_attn_by_inverse_layer_idx', true, /scale_attn_by_inverse_layer_idx = true is not supported/],
    ['reorder_and_upcast_attn', true, /reorder_and_upcast_attn = true is not supported/],
    ['scale_attn_weights', false, /scale_attn_weights = false is not supported/],
    ['add_cross_attention', true, /add_cross_attention = true/],
    [
      'tie_word_embeddings',
      false,
      /tie_word_embeddings = false is not supported: the GPT computes lm_head tied to wte/,
    ],
    ['rotary_dim', 64, /sets rotary_dim = 64, a feature the GPT does not have/],
    ['rope_theta', 10000, /sets rope_theta = 10000/],
    ['position_embedding_type', 'rotary', /position_embedding_type "rotary" is not absolute/],
    ['n_inner', 1024, /n_inner 1024 is not supported: the GPT's MLP is 4·n_embd = 3072 wide/],
    ['layer_norm_epsilon', 1e-6, /layer_norm_epsilon 0.000001 is not supported/],
    ['model_type', 'gpt_neox', /model_type is "gpt_neox"; only "gpt2" models can be loaded/],
    ['n_ctx', 512, /n_ctx 512 differs from n_positions 1024/],
    ['n_head', 7, /n_embd 768 is not divisible by n_head 7/],
    ['vocab_size', 0, /vocab_size must be a positive integer, got 0/],
  ])('refuses %s = %j by name', (key, value, message) => {
    expect(() => parseHfGpt2Config({ ...GPT2, [key]: value }, 'models/x/config.json')).toThrow(message)
    try {
      parseHfGpt2Config({ ...GPT2, [key]: value }, 'models/x/config.json')
    } catch (error) {
      expect(error).toMatchObject({
        code: 'PRETRAINED_CONFIG',
        message: expect.stringMatching(/^models\/x\/config.json: /),
      })
    }
  })
})

describe('hfGpt2Config()', () => {
  test('parses back to the GPT it describes; keeps the source config’s token ids and dropout, not its n_ctx', () => {
    expect(parseHfGpt2Config(hfGpt2Config(TINY_GPT), 'c')).toEqual(TINY_GPT)
    const written = hfGpt2Config({ ...TINY_GPT, block_size: 4 }, { ...GPT2, torch_dtype: 'float16' })
    expect(written).toMatchObject({ bos_token_id: 50256, attn_pdrop: 0.1, n_positions: 4, n_embd: 8, dtype: 'float32' })
    expect(written).not.toHaveProperty('n_ctx')
    expect(written).not.toHaveProperty('torch_dtype')
  })
})
