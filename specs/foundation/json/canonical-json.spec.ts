import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { canonicalJson, sha256Hex } from '../../../src/foundation/json/canonical-json.ts'

describe('canonicalJson()', () => {
  test('sorts keys at every depth and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: undefined } })).toBe('{"a":{"d":[{"y":2,"z":1}]},"b":1}')
  })

  test('equal values in any key order give equal text', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (obj) => {
        const reversed = Object.fromEntries(Object.entries(obj).reverse())
        expect(canonicalJson(reversed)).toBe(canonicalJson(obj))
        expect(JSON.parse(canonicalJson(obj))).toEqual(JSON.parse(JSON.stringify(obj)))
      }),
    )
  })

  test('a "__proto__" key (as JSON.parse makes it) is kept, so it changes the text and the hash', () => {
    const withKey = JSON.parse('{"a": {"__proto__": false}}')
    expect(canonicalJson(withKey)).toBe('{"a":{"__proto__":false}}')
    expect(canonicalJson(withKey)).not.toBe(canonicalJson({ a: {} }))
  })

  test('sha256Hex of "abc" is the FIPS 180-2 test vector', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
  })
})
