import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { decodeWtf8, encodeWtf8, wtf8Length } from '../../../../src/domain/data/tokenizers/wtf8.ts'

const bytes = (...b: number[]) => Uint8Array.from(b)

describe('encodeWtf8()', () => {
  test('well-formed text is plain UTF-8', () => {
    expect(encodeWtf8('aé€😀')).toEqual(bytes(0x61, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80))
  })

  test('a lone surrogate becomes its generalized 3-byte form', () => {
    // U+D800 = 1101 1000 0000 0000 → 1110_1101 10_100000 10_000000 = ED A0 80
    expect(encodeWtf8('\uD800')).toEqual(bytes(0xed, 0xa0, 0x80))
    // U+DFFF → ED BF BF
    expect(encodeWtf8('x\uDFFF')).toEqual(bytes(0x78, 0xed, 0xbf, 0xbf))
  })

  test('wtf8Length counts the same bytes', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect(wtf8Length(s)).toBe(encodeWtf8(s).length)
      }),
    )
  })
})

describe('decodeWtf8()', () => {
  test('decode(encode(s)) === s for every JS string, lone surrogates included', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect(decodeWtf8(encodeWtf8(s))).toBe(s)
      }),
    )
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 0xffff })), (units) => {
        const s = String.fromCharCode(...units) // arbitrary code units: surrogates alone or paired
        expect(decodeWtf8(encodeWtf8(s))).toBe(s)
      }),
    )
  })

  test('invalid bytes become U+FFFD per maximal subpart, like TextDecoder', () => {
    const reference = new TextDecoder('utf-8')
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (raw) => {
        // Only surrogate sequences (ED A0..BF) may differ from the WHATWG decoder.
        fc.pre(!/\xed[\xa0-\xbf]/.test(String.fromCharCode(...raw)))
        expect(decodeWtf8(raw)).toBe(reference.decode(raw))
        // The same bytes after a lone surrogate go through the WTF-8 path: same result.
        expect(decodeWtf8(Uint8Array.of(0xed, 0xa0, 0x80, ...raw))).toBe(`\uD800${reference.decode(raw)}`)
      }),
    )
    expect(decodeWtf8(bytes(0xed, 0xa0, 0x80, 0xff, 0xe2, 0x82))).toBe('\uD800\uFFFD\uFFFD')
  })
})
