// The Tokenizer contract (src/domain/data/tokenizers/tokenizer.ts), checked on every implementation.
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { SyntheticText } from '../../../../src/domain/data/synthetic-corpus.ts'
import { BpeTokenizer } from '../../../../src/domain/data/tokenizers/bpe-tokenizer.ts'
import { CharTokenizer } from '../../../../src/domain/data/tokenizers/char-tokenizer.ts'
import { loadTokenizer, tokenizerSha256 } from '../../../../src/domain/data/tokenizers/load-tokenizer.ts'
import { DEFAULT_SPECIAL_TOKENS, type Tokenizer } from '../../../../src/domain/data/tokenizers/tokenizer.ts'

const gen = new SyntheticText(8)
const corpus = Array.from({ length: 200 }, () => gen.sentence())
const implementations: [string, Tokenizer][] = [
  ['CharTokenizer', CharTokenizer.fromCorpus(corpus)],
  ['BpeTokenizer', BpeTokenizer.train(corpus, { vocabSize: 320 })],
]

describe.each(implementations)('%s honours the Tokenizer contract', (name, tok) => {
  test('id is <type>:<first 8 hex of the JSON hash>', () => {
    const type = name === 'CharTokenizer' ? 'char' : 'bpe'
    expect(tok.id).toBe(`${type}:${tokenizerSha256(tok).slice(0, 8)}`)
  })

  test('every id it produces is below vocabSize; special tokens are the last ids', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...corpus)), (sentences) => {
        for (const id of tok.encode(sentences.join(' '), { addBos: true, addEos: true })) {
          expect(id >= 0 && id < tok.vocabSize).toBe(true)
        }
      }),
      { numRuns: 30 },
    )
    const specials = Object.values(tok.specialTokens ?? {}).sort((a, b) => a - b)
    expect(specials).toEqual([tok.vocabSize - 3, tok.vocabSize - 2, tok.vocabSize - 1])
    expect(Object.keys(tok.specialTokens ?? {}).sort()).toEqual(Object.keys(DEFAULT_SPECIAL_TOKENS).sort())
  })

  test('round-trips its corpus and reloads equal from toJSON()', () => {
    const text = corpus.join(' ')
    expect(tok.decode(tok.encode(text))).toBe(text)
    const back = loadTokenizer(JSON.parse(JSON.stringify(tok.toJSON())))
    expect(back.id).toBe(tok.id)
    expect(back.vocabSize).toBe(tok.vocabSize)
    expect(back.encode(text)).toEqual(tok.encode(text))
  })
})
