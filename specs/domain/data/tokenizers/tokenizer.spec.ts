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

  test('encode() bounds the length: truncation from either end, bos/eos kept, padding with the pad token', () => {
    const { bos, eos, pad } = tok.specialTokens as { bos: number; eos: number; pad: number }
    fc.assert(
      fc.property(fc.constantFrom(...corpus), fc.integer({ min: 2, max: 40 }), (text, n) => {
        const all = tok.encode(text)
        expect(tok.encode(text, { maxLength: n })).toEqual(all.slice(0, n))
        expect(tok.encode(text, { maxLength: n, truncation: 'left' })).toEqual(all.slice(-n))
        // bos and eos survive truncation: the text is cut to n − 2
        expect(tok.encode(text, { maxLength: n, addBos: true, addEos: true })).toEqual([
          bos,
          ...all.slice(0, n - 2),
          eos,
        ])
        const right = tok.encode(text, { maxLength: n, padding: 'right' })
        expect(right).toHaveLength(n)
        expect(right).toEqual([...all.slice(0, n), ...new Array(Math.max(0, n - all.length)).fill(pad)])
        const left = tok.encode(text, { maxLength: n, padding: 'left', truncation: 'left' })
        expect(left).toEqual([...new Array(Math.max(0, n - all.length)).fill(pad), ...all.slice(-n)])
      }),
      { numRuns: 40 },
    )
    expect(() => tok.encode('a', { padding: 'right' })).toThrow(`${name}: padding needs maxLength`)
    expect(() => tok.encode('a', { maxLength: 1, addBos: true, addEos: true })).toThrow(
      `${name}: maxLength must be an integer ≥ 2 (the bos/eos asked for), got 1`,
    )
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

describe('encode() padding', () => {
  test('a tokenizer without a pad token refuses to pad', () => {
    const bare = CharTokenizer.fromCorpus(['abc'], { specialTokens: {} })
    expect(bare.encode('abcabc', { maxLength: 4 })).toEqual(bare.encode('abca'))
    expect(() => bare.encode('ab', { maxLength: 4, padding: 'right' })).toThrow(
      'CharTokenizer: padding asked but this tokenizer has no pad token',
    )
  })
})
