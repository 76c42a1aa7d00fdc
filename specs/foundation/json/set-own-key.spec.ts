import { describe, expect, test } from 'vitest'
import { setOwnKey } from '../../../src/foundation/json/set-own-key.ts'

describe('setOwnKey()', () => {
  test('"__proto__" becomes an own, enumerable key and the prototype stays Object.prototype', () => {
    const out: Record<string, unknown> = {}
    setOwnKey(out, '__proto__', { polluted: true })
    setOwnKey(out, 'a', 1)
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype)
    expect(Object.keys(out)).toEqual(['__proto__', 'a'])
    expect(JSON.stringify(out)).toBe('{"__proto__":{"polluted":true},"a":1}')
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })
})
