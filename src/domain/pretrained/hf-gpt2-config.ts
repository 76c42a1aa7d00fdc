import { UserError } from '../../foundation/errors/user-error.ts'
import type { GptConfig } from '../train/model/gpt.ts'

/** Activations that are our GELU: the tanh form (`gelu_new` is GPT-2's name for it, `gelu_pytorch_tanh` PyTorch's). */
export const TANH_GELU_NAMES: readonly string[] = ['gelu_new', 'gelu_pytorch_tanh']

/** The only LayerNorm epsilon the GPT uses (nanoGPT's and GPT-2's). */
export const LAYER_NORM_EPS = 1e-5

/**
 * Settings of GPT2Config that change the computation, with the one value the GPT computes.
 * Anything else is refused by name rather than loaded into a model that would compute
 * something different.
 */
const GPT2_FIXED: Readonly<Record<string, { expected: unknown; what: string }>> = {
  scale_attn_weights: { expected: true, what: 'attention scores divided by √head_size' },
  scale_attn_by_inverse_layer_idx: { expected: false, what: 'no extra 1/(layer+1) scaling of attention scores' },
  reorder_and_upcast_attn: { expected: false, what: 'the plain attention order (no reordered, upcast product)' },
  add_cross_attention: { expected: false, what: 'decoder-only blocks without cross-attention' },
  tie_word_embeddings: { expected: true, what: 'lm_head tied to wte' },
}

/** Keys other architectures use for features the GPT does not have (rotary or ALiBi positions, grouped heads, …). */
const FOREIGN_FEATURES: readonly string[] = [
  'rotary_dim',
  'rotary_pct',
  'rotary_emb_base',
  'rope_theta',
  'rope_scaling',
  'rope_parameters',
  'use_rotary_embeddings',
  'alibi',
  'use_alibi',
  'parallel_attn',
  'use_parallel_residual',
  'multi_query',
  'num_key_value_heads',
  'sliding_window',
  'attention_types',
  'window_size',
]

/** What a Hugging Face GPT-2 `config.json` describes, as the GPT's config (`dropout` is the trainer's, 0 here). */
export function parseHfGpt2Config(raw: unknown, file: string): GptConfig {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw refuse(file, 'must hold a JSON object', 'use the config.json transformers writes with save_pretrained')
  }
  const c = raw as Record<string, unknown>
  if (c.model_type !== undefined && c.model_type !== 'gpt2') {
    throw refuse(
      file,
      `model_type is ${JSON.stringify(c.model_type)}; only "gpt2" models can be loaded`,
      'load a GPT-2-architecture model (gpt2, distilgpt2, or one exported by npm run train -- export --format hf)',
    )
  }
  for (const key of FOREIGN_FEATURES) {
    const value = c[key]
    if (value !== undefined && value !== null && value !== false) {
      throw refuse(file, `sets ${key} = ${JSON.stringify(value)}, a feature the GPT does not have`, GPT2_HINT)
    }
  }
  if (c.position_embedding_type !== undefined && c.position_embedding_type !== 'absolute') {
    throw refuse(
      file,
      `position_embedding_type ${JSON.stringify(c.position_embedding_type)} is not absolute`,
      GPT2_HINT,
    )
  }
  const activation = c.activation_function ?? 'gelu_new'
  if (typeof activation !== 'string' || !TANH_GELU_NAMES.includes(activation)) {
    throw refuse(
      file,
      `activation_function ${JSON.stringify(activation)} is not supported: the GPT's GELU is the tanh form (${TANH_GELU_NAMES.join(', ')})`,
      'the erf GELU ("gelu") and other activations compute different values; load a model trained with gelu_new',
    )
  }
  for (const [key, { expected, what }] of Object.entries(GPT2_FIXED)) {
    if (c[key] !== undefined && c[key] !== expected) {
      throw refuse(
        file,
        `${key} = ${JSON.stringify(c[key])} is not supported: the GPT computes ${what} (${key} = ${expected})`,
        GPT2_HINT,
      )
    }
  }
  const eps = c.layer_norm_epsilon ?? LAYER_NORM_EPS
  if (eps !== LAYER_NORM_EPS) {
    throw refuse(
      file,
      `layer_norm_epsilon ${JSON.stringify(eps)} is not supported (the GPT uses ${LAYER_NORM_EPS})`,
      GPT2_HINT,
    )
  }
  const n_embd = positive(c, 'n_embd', file)
  const n_head = positive(c, 'n_head', file)
  const n_positions = positive(c, 'n_positions', file)
  if (n_embd % n_head !== 0) throw refuse(file, `n_embd ${n_embd} is not divisible by n_head ${n_head}`, GPT2_HINT)
  if (c.n_inner !== undefined && c.n_inner !== null && c.n_inner !== 4 * n_embd) {
    throw refuse(
      file,
      `n_inner ${JSON.stringify(c.n_inner)} is not supported: the GPT's MLP is 4·n_embd = ${4 * n_embd} wide`,
      GPT2_HINT,
    )
  }
  if (c.n_ctx !== undefined && c.n_ctx !== n_positions) {
    throw refuse(file, `n_ctx ${JSON.stringify(c.n_ctx)} differs from n_positions ${n_positions}`, GPT2_HINT)
  }
  return {
    vocab_size: positive(c, 'vocab_size', file),
    block_size: n_positions,
    n_layer: positive(c, 'n_layer', file),
    n_head,
    n_embd,
    bias: true,
    dropout: 0,
  }
}

/**
 * The `config.json` for a GPT in Hugging Face's GPT-2 layout: `GPT2LMHeadModel`, `gelu_new`
 * (the same function as our tanh GELU), lm_head tied. A model without biases is written with
 * zero biases (GPT-2 always has them; the logits are the same). `extra` keys (token ids, dropout
 * rates, … of the config the weights came from) are kept where they do not describe the architecture.
 */
export function hfGpt2Config(gpt: GptConfig, extra: Readonly<Record<string, unknown>> = {}): Record<string, unknown> {
  // n_ctx would contradict a cropped n_positions; the weights are written as float32 whatever they were
  const { n_ctx: _ctx, torch_dtype: _torchDtype, dtype: _dtype, ...kept } = extra
  return {
    bos_token_id: null,
    eos_token_id: null,
    attn_pdrop: gpt.dropout,
    embd_pdrop: gpt.dropout,
    resid_pdrop: gpt.dropout,
    initializer_range: 0.02,
    ...kept,
    architectures: ['GPT2LMHeadModel'],
    model_type: 'gpt2',
    activation_function: 'gelu_new',
    vocab_size: gpt.vocab_size,
    n_positions: gpt.block_size,
    n_embd: gpt.n_embd,
    n_layer: gpt.n_layer,
    n_head: gpt.n_head,
    n_inner: null,
    layer_norm_epsilon: LAYER_NORM_EPS,
    scale_attn_weights: true,
    scale_attn_by_inverse_layer_idx: false,
    reorder_and_upcast_attn: false,
    add_cross_attention: false,
    tie_word_embeddings: true,
    dtype: 'float32',
  }
}

// --- internal ---

const GPT2_HINT =
  'only the GPT-2 architecture loads: export such a model with transformers (GPT2LMHeadModel.save_pretrained)'

function refuse(file: string, fault: string, hint: string): UserError {
  return new UserError('PRETRAINED_CONFIG', `${file}: ${fault}`, hint)
}

function positive(c: Record<string, unknown>, key: string, file: string): number {
  const value = c[key]
  if (!Number.isSafeInteger(value) || (value as number) < 1) {
    throw refuse(file, `${key} must be a positive integer, got ${JSON.stringify(value)}`, GPT2_HINT)
  }
  return value as number
}
