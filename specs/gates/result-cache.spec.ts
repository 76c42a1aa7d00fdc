import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { cacheKey, canonicalJson } from '../../src/gates/cache-key.ts'
import { ENTRIES_PER_GATE, gateCachePath, lookupCache, storeCache } from '../../src/gates/result-cache.ts'
import { tempDir, tempRepo } from './_temp-repo.ts'

const entry = (key: string, session = 's1') => ({
  key,
  session_id: session,
  at: '2026-01-01T00:00:00Z',
  duration_ms: 5,
  findings: [],
})

describe('result cache file', () => {
  test('stores and finds entries by gate and key; keeps the newest ENTRIES_PER_GATE', () => {
    const path = join(tempDir('gate-cache-'), 'nested', 'gate-cache.json')
    expect(lookupCache(path, 'lint', 'k0')).toBeUndefined()
    for (let i = 0; i <= ENTRIES_PER_GATE; i++) storeCache(path, 'lint', entry(`k${i}`))
    storeCache(path, 'secrets', entry('k0', 's2'))
    expect(lookupCache(path, 'lint', 'k0')).toBeUndefined()
    expect(lookupCache(path, 'lint', `k${ENTRIES_PER_GATE}`)).toEqual(entry(`k${ENTRIES_PER_GATE}`))
    expect(lookupCache(path, 'secrets', 'k0')?.session_id).toBe('s2')
  })

  test('a corrupt cache file is a miss, and the next store repairs it', () => {
    const path = join(tempDir('gate-cache-'), 'gate-cache.json')
    writeFileSync(path, '{not json')
    expect(lookupCache(path, 'lint', 'k')).toBeUndefined()
    storeCache(path, 'lint', entry('k'))
    expect(lookupCache(path, 'lint', 'k')).toBeDefined()
  })

  test('lives beside the ledger unless CODEX_GATE_CACHE says otherwise', () => {
    expect(gateCachePath({ CODEX_LEDGER: '/x/y/ledger.db' })).toBe('/x/y/gate-cache.json')
    expect(gateCachePath({ CODEX_GATE_CACHE: '/tmp/c.json', CODEX_LEDGER: '/x/l.db' })).toBe('/tmp/c.json')
    expect(gateCachePath({})).toMatch(/\.codex\/gate-cache\.json$/)
  })
})

describe('cacheKey()', () => {
  test('changes with file contents, config, listing and tool versions; not with key order', () => {
    const root = tempRepo({ 'a.txt': 'one', 'b.txt': 'two' })
    const files = ['a.txt', 'b.txt']
    const base = cacheKey('g', { x: 1, y: [2] }, root, files, { contents: files, extra: { tool: '1' } })
    expect(cacheKey('g', { y: [2], x: 1 }, root, files, { contents: files, extra: { tool: '1' } })).toBe(base)
    expect(cacheKey('h', { x: 1, y: [2] }, root, files, { contents: files, extra: { tool: '1' } })).not.toBe(base)
    expect(cacheKey('g', { x: 2, y: [2] }, root, files, { contents: files, extra: { tool: '1' } })).not.toBe(base)
    expect(cacheKey('g', { x: 1, y: [2] }, root, files, { contents: files, extra: { tool: '2' } })).not.toBe(base)
    writeFileSync(join(root, 'b.txt'), 'TWO')
    expect(cacheKey('g', { x: 1, y: [2] }, root, files, { contents: files, extra: { tool: '1' } })).not.toBe(base)
  })

  test('a listing-only key sees renames but not content edits', () => {
    const root = tempRepo({ 'a.txt': 'one' })
    const k = (files: string[]) => cacheKey('g', {}, root, files, { contents: [], listing: true })
    const before = k(['a.txt'])
    writeFileSync(join(root, 'a.txt'), 'uno')
    expect(k(['a.txt'])).toBe(before)
    writeFileSync(join(root, 'c.txt'), 'uno')
    expect(k(['c.txt'])).not.toBe(before)
  })

  test('canonicalJson() sorts keys at every depth', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { f: 1, e: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[1,{"e":2,"f":1}]},"b":1}',
    )
  })
})
