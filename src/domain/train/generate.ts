import { Prng } from '../../foundation/random/prng.ts'
import { padAndTruncate } from '../data/tokenizers/pad-truncate.ts'
import type { Tokenizer } from '../data/tokenizers/tokenizer.ts'
import type { EvalModel } from '../eval/run-eval.ts'
import type { Executor, HostTensor, Session } from './executor.ts'
import { type GptConfig, gptParamSpecs } from './model/gpt.ts'
import { type SamplingOptions, sampleNext } from './sampling.ts'
import type { TensorData } from './train-state.ts'
import { buildForwardGraph, IO } from './train-step-graph.ts'

const FORWARD_GRAPH = 'forward'

export interface GenerateOptions extends SamplingOptions {
  /** Tokens to append after the prompt. */
  maxNewTokens: number
  /** Seed of the sampling PRNG (default 0); greedy decoding ignores it. */
  seed?: number
  /** Stop once this token has been generated (it is kept in the output). */
  stopToken?: number
}

/**
 * Autoregressive decoding with a trained GPT on any executor, as nanoGPT's `generate`: the
 * context is cropped to the last `block_size` tokens, the forward graph runs on a window of
 * `block_size` positions and the logits at the last real position pick the next token.
 * Positions after the prompt are padding: causal attention keeps them from affecting earlier
 * positions, so one statically shaped graph serves every prompt length.
 */
export class Generator {
  private constructor(
    private readonly session: Session,
    readonly config: GptConfig,
  ) {}

  /** Loads the forward graph (batch 1, `block_size` positions) with `params` as its state. */
  static async create(
    executor: Executor,
    config: GptConfig,
    params: Readonly<Record<string, TensorData>>,
  ): Promise<Generator> {
    const specs = gptParamSpecs(config)
    const graph = buildForwardGraph(config, 1, config.block_size)
    const session = await executor.load({
      graphs: { [FORWARD_GRAPH]: graph },
      state: specs.map((s) => ({ name: s.key, shape: s.shape, dtype: 'float32' as const })),
      updates: {},
    })
    const state: Record<string, HostTensor> = {}
    for (const spec of specs) {
      const tensor = params[spec.key]
      if (!tensor) {
        await session.dispose()
        throw new Error(`Generator: no weights for ${spec.key}`)
      }
      state[spec.key] = { shape: tensor.shape, dtype: 'float32', data: tensor.data }
    }
    await session.writeState(state)
    return new Generator(session, config)
  }

  /** The next-token logits (length vocab_size) after `context` (its last block_size tokens). */
  async nextLogits(context: readonly number[]): Promise<Float32Array> {
    const T = this.config.block_size
    const V = this.config.vocab_size
    if (context.length === 0) throw new Error('Generator: the context is empty; give at least one token')
    // The last T tokens, padded after their end (pad id 0: causal attention never reads it).
    const window = padAndTruncate(context, { maxLength: T, padId: 0, truncation: 'left', padding: 'right' })
    for (const id of window.ids) {
      if (!Number.isInteger(id) || id < 0 || id >= V)
        throw new Error(`Generator: token ${id} is outside the vocabulary [0, ${V})`)
    }
    const out = await this.session.run(FORWARD_GRAPH, {
      [IO.evalTokens]: { shape: [1, T], dtype: 'int32', data: Int32Array.from(window.ids) },
    })
    const logits = (out[IO.logits] as HostTensor).data as Float32Array // (1, T, V)
    const at = Math.min(context.length, T) - 1
    return logits.slice(at * V, (at + 1) * V)
  }

  /** `prompt` followed by up to `maxNewTokens` generated ids. */
  async generate(prompt: readonly number[], options: GenerateOptions): Promise<number[]> {
    const rng = Prng.fromSeed(options.seed ?? 0)
    const ids = [...prompt]
    for (let i = 0; i < options.maxNewTokens; i++) {
      const next = sampleNext(await this.nextLogits(ids), options, rng)
      ids.push(next)
      if (next === options.stopToken) break
    }
    return ids
  }

  dispose(): Promise<void> {
    return this.session.dispose()
  }
}

/**
 * The generator as src/domain/eval's `EvalModel`: each example's input is encoded (its last
 * block_size tokens), continued with `options` (greedy when temperature is 0; stops at the
 * tokenizer's eos when it has one) and the continuation decoded without special tokens, for
 * BLEU, ROUGE-L, EM and F1.
 */
export function generatorEvalModel(generator: Generator, tokenizer: Tokenizer, options: GenerateOptions): EvalModel {
  return {
    async generate(input: string): Promise<string> {
      // Only the last block_size tokens of a long input can condition the model (as nanoGPT crops).
      const prompt = tokenizer.encode(input, { maxLength: generator.config.block_size, truncation: 'left' })
      const ids = await generator.generate(prompt, { stopToken: tokenizer.specialTokens?.eos, ...options })
      return tokenizer.decode(ids.slice(prompt.length), { skipSpecialTokens: true })
    },
  }
}
