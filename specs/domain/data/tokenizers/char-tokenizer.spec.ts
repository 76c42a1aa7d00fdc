import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { CharTokenizer } from '../../../../src/domain/data/tokenizers/char-tokenizer.ts'
import { loadTokenizer } from '../../../../src/domain/data/tokenizers/load-tokenizer.ts'

describe('CharTokenizer', () => {
  test('vocabulary = sorted unique code points of the corpus, then bos/eos/pad', () => {
    const tok = CharTokenizer.fromCorpus(['hello', 'héllo 😀'])
    // code points: ' ' 32, e 101, h 104, l 108, o 111, é 233, 😀 128512
    expect(tok.chars).toEqual([' ', 'e', 'h', 'l', 'o', 'é', '😀'])
    expect(tok.specialTokens).toEqual({ bos: 7, eos: 8, pad: 9 })
    expect(tok.vocabSize).toBe(10)
    expect(tok.encode('hé😀')).toEqual([2, 5, 6])
    expect(tok.id).toMatch(/^char:[0-9a-f]{8}$/)
  })

  test('a lone surrogate is its own vocabulary entry and round-trips', () => {
    const tok = CharTokenizer.fromCorpus(['a\uD800b\uDFFF'])
    expect(tok.chars).toEqual(['a', 'b', '\uD800', '\uDFFF'])
    expect(tok.decode(tok.encode('\uDFFFa\uD800'))).toBe('\uDFFFa\uD800')
  })

  test('decode(encode(s)) === s for any string over the corpus alphabet', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary', minLength: 1 }), { minLength: 1, maxLength: 5 }), (texts) => {
        const tok = CharTokenizer.fromCorpus(texts)
        const s = texts.join('')
        expect(tok.decode(tok.encode(s))).toBe(s)
      }),
      { numRuns: 50 },
    )
  })

  test('an unknown character is an error naming it, unless there is an unk token', () => {
    const tok = CharTokenizer.fromCorpus(['abc'])
    expect(() => tok.encode('abz')).toThrow(/U\+007A at index 2 is not in its 3-character vocabulary/)
    const withUnk = CharTokenizer.fromCorpus(['abc'], { specialTokens: { unk: '<unk>', eos: '</s>' } })
    expect(withUnk.specialTokens).toEqual({ eos: 3, unk: 4 })
    expect(withUnk.encode('az', { addEos: true })).toEqual([0, 4, 3])
    expect(withUnk.decode([0, 4, 3], { skipSpecialTokens: true })).toBe('a')
    expect(withUnk.decode([0, 4, 3])).toBe('a<unk></s>')
  })

  test('JSON round trip keeps id and encoding', () => {
    const tok = CharTokenizer.fromCorpus(['the quick brown fox'])
    const back = loadTokenizer(JSON.stringify(tok.toJSON()))
    expect(back).toBeInstanceOf(CharTokenizer)
    expect(back.id).toBe(tok.id)
    expect(back.encode('fox')).toEqual(tok.encode('fox'))
  })

  test('rejects bad vocabularies and special tokens', () => {
    expect(() => new CharTokenizer(['a', 'a'])).toThrow(/must be one code point, unique/)
    expect(() => new CharTokenizer(['ab'])).toThrow(/must be one code point/)
    expect(() => new CharTokenizer(['a'], { bos: 'x', eos: 'x' })).toThrow(/distinct/)
    expect(() => new CharTokenizer(['a'], { cls: 'x' } as never)).toThrow(/unknown special token role "cls"/)
    expect(() => CharTokenizer.fromCorpus(['a']).decode([99])).toThrow(/id 99 is outside/)
  })
})
