import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { SyntheticText } from '../../../../src/domain/data/synthetic-corpus.ts'
import { BpeTokenizer } from '../../../../src/domain/data/tokenizers/bpe-tokenizer.ts'
import { loadTokenizer } from '../../../../src/domain/data/tokenizers/load-tokenizer.ts'

const corpus = (() => {
  const gen = new SyntheticText(5)
  return Array.from({ length: 300 }, () => gen.sentence())
})()

describe('BpeTokenizer.train()', () => {
  test('learns merges in the order worked out by hand', () => {
    // Pieces of 'aaab aaab aaab': "aaab" ×1, " aaab" ×2 (bytes a=97 b=98 space=32).
    // Pair counts: (a,a) 2·1 + 2·2 = 6, (a,b) 1 + 2 = 3, (sp,a) 2 → merge 256 = (97,97).
    // Words → [256,a,b] ×1, [sp,256,a,b] ×2: (256,a) 3, (a,b) 3, (sp,256) 2 → tie at 3, the
    // smaller pair (97,98) wins → 257. Words → [256,257], [sp,256,257]: (256,257) 3 → 258.
    // Then (sp,258) 2 → 259. vocab = 256 + 4 merges + 3 specials = 263.
    const tok = BpeTokenizer.train(['aaab aaab aaab'], { vocabSize: 263 })
    expect(tok.toJSON().merges).toEqual([97, 97, 97, 98, 256, 257, 32, 258])
    expect(tok.vocabSize).toBe(263)
    expect(tok.specialTokens).toEqual({ bos: 260, eos: 261, pad: 262 })
    expect(tok.encode('aaab aaab')).toEqual([258, 259])
    expect(tok.encode('aab')).toEqual([256, 98]) // ranks: (97,97) before (97,98)
  })

  test('stops at minFrequency and at the target size', () => {
    expect(BpeTokenizer.train(['aaab aaab aaab'], { vocabSize: 263, minFrequency: 3 }).mergeCount).toBe(3)
    expect(BpeTokenizer.train(['aaab aaab aaab'], { vocabSize: 261 }).mergeCount).toBe(2)
  })

  test('is deterministic: same corpus → same merges and id', () => {
    const a = BpeTokenizer.train(corpus, { vocabSize: 400 })
    const b = BpeTokenizer.train(corpus, { vocabSize: 400 })
    expect(a.id).toBe(b.id)
    expect(a.id).toMatch(/^bpe:[0-9a-f]{8}$/)
    expect(a.vocabSize).toBe(400)
  })

  test('refuses a vocabulary too small for bytes and specials', () => {
    expect(() => BpeTokenizer.train(corpus, { vocabSize: 258 })).toThrow(/vocabSize must be an integer in 259\.\./)
  })
})

describe('BpeTokenizer encode/decode', () => {
  const tok = BpeTokenizer.train(corpus, { vocabSize: 512 })

  test('decode(encode(s)) === s over arbitrary Unicode, lone surrogates included (WTF-8 rule)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect(tok.decode(tok.encode(s))).toBe(s)
      }),
      { numRuns: 150 },
    )
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer({ min: 0, max: 0xffff }), fc.constantFrom(0xd800, 0xdc00, 0x20, 0x61))),
        (units) => {
          const s = String.fromCharCode(...units)
          expect(tok.decode(tok.encode(s))).toBe(s)
        },
      ),
      { numRuns: 150 },
    )
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...corpus.slice(0, 20), ' ', '\n', '\uD83D', '\uDE00', 'é')), (parts) => {
        const s = parts.join('')
        expect(tok.decode(tok.encode(s))).toBe(s)
      }),
    )
  })

  test('compresses text like its corpus', () => {
    const text = corpus.slice(0, 50).join(' ')
    expect(tok.encode(text).length).toBeLessThan(Buffer.byteLength(text) / 2)
  })

  test('special tokens: added on request, written or skipped by decode, never made from text', () => {
    const ids = tok.encode('hi', { addBos: true, addEos: true })
    expect(ids[0]).toBe(tok.specialTokens.bos)
    expect(ids[ids.length - 1]).toBe(tok.specialTokens.eos)
    expect(tok.decode(ids)).toBe('<|bos|>hi<|eos|>')
    expect(tok.decode(ids, { skipSpecialTokens: true })).toBe('hi')
    expect(tok.encode('<|eos|>')).not.toContain(tok.specialTokens.eos)
  })

  test('custom special tokens and a tokenizer without eos', () => {
    const t = BpeTokenizer.train(corpus, { vocabSize: 300, specialTokens: { pad: '[PAD]' } })
    expect(t.specialTokens).toEqual({ pad: 299 })
    expect(() => t.encode('x', { addEos: true })).toThrow(/no eos token/)
  })

  test('decode names an id outside the vocabulary', () => {
    expect(() => tok.decode([tok.vocabSize])).toThrow(/id 512 is outside 0\.\.511/)
  })

  test('tokenBytes gives the bytes each merge stands for', () => {
    const merged = tok.tokenBytes(256) as Uint8Array
    const [a, b] = tok.toJSON().merges as [number, number]
    expect([...merged]).toEqual([...(tok.tokenBytes(a) as Uint8Array), ...(tok.tokenBytes(b) as Uint8Array)])
    expect(tok.tokenBytes(tok.specialTokens.pad as number)).toBeUndefined()
  })
})

describe('BpeTokenizer JSON', () => {
  test('toJSON → loadTokenizer gives an equal tokenizer', () => {
    const tok = BpeTokenizer.train(corpus, { vocabSize: 400 })
    const back = loadTokenizer(JSON.parse(JSON.stringify(tok.toJSON())))
    expect(back).toBeInstanceOf(BpeTokenizer)
    expect(back.id).toBe(tok.id)
    const text = corpus.slice(0, 10).join(' ')
    expect(back.encode(text)).toEqual(tok.encode(text))
  })

  test('refuses corrupt merges, naming the merge', () => {
    expect(() => new BpeTokenizer([97, 300])).toThrow(/merge 0 joins ids 97 and 300/)
    expect(() => new BpeTokenizer([97, 97, 97, 97])).toThrow(/merge 1 repeats pair \(97, 97\)/)
    expect(() => new BpeTokenizer([97])).toThrow(/odd length/)
  })
})
