import { describe, expect, test } from 'vitest'
import { CharTokenizer } from '../../../src/domain/data/tokenizers/char-tokenizer.ts'
import { runEval } from '../../../src/domain/eval/run-eval.ts'
import { resolveExecutor } from '../../../src/domain/train/executor.ts'
import { Generator, generatorEvalModel } from '../../../src/domain/train/generate.ts'
import { type GptConfig, initGptParams } from '../../../src/domain/train/model/gpt.ts'
import { argmax } from '../../../src/domain/train/sampling.ts'
import { Prng } from '../../../src/foundation/random/prng.ts'

const CONFIG: GptConfig = { vocab_size: 13, block_size: 6, n_layer: 1, n_head: 2, n_embd: 8, bias: true, dropout: 0 }
const PARAMS = initGptParams(CONFIG, Prng.fromSeed(21))

describe('Generator', () => {
  test('greedy decoding appends the argmax after each prefix; the context is cropped to block_size', async () => {
    const generator = await Generator.create(await resolveExecutor('ts'), CONFIG, PARAMS)
    try {
      const prompt = [3, 1, 4]
      const out = await generator.generate(prompt, { maxNewTokens: 5, temperature: 0 })
      expect(out.slice(0, 3)).toEqual(prompt)
      expect(out).toHaveLength(8)
      // Step by step: each new token is the argmax after exactly the tokens before it.
      for (let i = 3; i < out.length; i++) {
        expect(out[i]).toBe(argmax(await generator.nextLogits(out.slice(0, i))))
      }
      // The context is cropped to the last block_size tokens (nanoGPT's idx_cond).
      const long = [1, 2, 3, 4, 5, 6, 7, 8, 9]
      expect(await generator.nextLogits(long)).toEqual(await generator.nextLogits(long.slice(-CONFIG.block_size)))
    } finally {
      await generator.dispose()
    }
  })

  test('sampling is reproducible from the seed and stops at the stop token', async () => {
    const generator = await Generator.create(await resolveExecutor('ts'), CONFIG, PARAMS)
    try {
      const options = { maxNewTokens: 12, temperature: 1.5, topK: 8, seed: 5 }
      const a = await generator.generate([2], options)
      expect(await generator.generate([2], options)).toEqual(a)
      const stop = a[3] as number
      const stopped = await generator.generate([2], { ...options, stopToken: stop })
      expect(stopped.at(-1)).toBe(stop)
      expect(stopped.length).toBeLessThanOrEqual(4)
    } finally {
      await generator.dispose()
    }
  })

  test('ort-cpu generates the same greedy continuation as ts', async () => {
    const ts = await Generator.create(await resolveExecutor('ts'), CONFIG, PARAMS)
    const ort = await Generator.create(await resolveExecutor('ort-cpu'), CONFIG, PARAMS)
    try {
      const options = { maxNewTokens: 8, temperature: 0 }
      expect(await ort.generate([0, 7], options)).toEqual(await ts.generate([0, 7], options))
    } finally {
      await ts.dispose()
      await ort.dispose()
    }
  })

  test('rejects an empty context, out-of-vocabulary ids and missing weights', async () => {
    const executor = await resolveExecutor('ts')
    const generator = await Generator.create(executor, CONFIG, PARAMS)
    try {
      await expect(generator.nextLogits([])).rejects.toThrow('the context is empty')
      await expect(generator.nextLogits([13])).rejects.toThrow('token 13 is outside the vocabulary [0, 13)')
    } finally {
      await generator.dispose()
    }
    const { 'transformer.wpe.weight': _, ...partial } = PARAMS
    await expect(Generator.create(executor, CONFIG, partial)).rejects.toThrow('no weights for transformer.wpe.weight')
  })
})

describe('generatorEvalModel()', () => {
  test('scores greedy continuations of each input with src/domain/eval metrics', async () => {
    const tokenizer = CharTokenizer.fromCorpus(['abcdefghij'], { specialTokens: {} })
    expect(tokenizer.vocabSize).toBe(10)
    const config = { ...CONFIG, vocab_size: 10 }
    const generator = await Generator.create(
      await resolveExecutor('ts'),
      config,
      initGptParams(config, Prng.fromSeed(8)),
    )
    try {
      const model = generatorEvalModel(generator, tokenizer, { maxNewTokens: 3, temperature: 0 })
      const continuation = await model.generate?.('abc', { id: '1', input: 'abc', references: [] })
      const ids = await generator.generate(tokenizer.encode('abc'), { maxNewTokens: 3, temperature: 0 })
      expect(continuation).toBe(tokenizer.decode(ids.slice(3)))
      const examples = [
        { id: '1', input: 'abc', references: [continuation as string] },
        { id: '2', input: 'j', references: ['zzz'] },
      ]
      const report = await runEval({ split: 'test', examples, model, metrics: ['em'] })
      expect(report.examples).toBe(2)
      expect(report.metrics.em?.score).toBe(50)
      // An input longer than block_size (6) is encoded to its last 6 tokens, so the continuation
      // comes after the whole input, as from its tail alone.
      const long = 'abcdefghijabc'
      const tail = await model.generate?.(long.slice(-6), { id: '3', input: long.slice(-6), references: [] })
      expect(await model.generate?.(long, { id: '4', input: long, references: [] })).toBe(tail)
    } finally {
      await generator.dispose()
    }
  })
})
