import { spawn } from 'node:child_process'
import { existsSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { cacheKey, canonicalJson } from '../../../src/domain/gates/cache-key.ts'
import { ENTRIES_PER_GATE, gateCachePath, lookupCache, storeCache } from '../../../src/domain/gates/result-cache.ts'
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

describe('result cache lock', () => {
  test('a stale lock (over 30 s old, its holder gone) is broken and the store goes ahead', () => {
    const path = join(tempDir('gate-cache-'), 'gate-cache.json')
    writeFileSync(`${path}.lock`, '')
    const old = new Date(Date.now() - 60_000)
    utimesSync(`${path}.lock`, old, old)
    storeCache(path, 'lint', entry('k'))
    expect(lookupCache(path, 'lint', 'k')).toEqual(entry('k'))
    expect(existsSync(`${path}.lock`)).toBe(false)
  })

  test('a held lock is waited for; the store goes ahead once it is released', async () => {
    const path = join(tempDir('gate-cache-'), 'gate-cache.json')
    writeFileSync(`${path}.lock`, '')
    // Another process releases the lock shortly (this thread blocks while it waits).
    const releaser = spawn('sh', ['-c', `sleep 0.3; rm -f '${path}.lock'`], { stdio: 'ignore' })
    const exited = new Promise((resolve) => releaser.on('exit', resolve))
    const started = Date.now()
    storeCache(path, 'lint', entry('k'))
    expect(Date.now() - started).toBeGreaterThanOrEqual(200)
    expect(lookupCache(path, 'lint', 'k')).toEqual(entry('k'))
    await exited
  })

  test('a lock held past the 5 s wait: the store gives up without writing (a miss only costs a re-run)', () => {
    const path = join(tempDir('gate-cache-'), 'gate-cache.json')
    writeFileSync(`${path}.lock`, '')
    const started = Date.now()
    storeCache(path, 'lint', entry('k'))
    expect(Date.now() - started).toBeGreaterThanOrEqual(5_000)
    expect(lookupCache(path, 'lint', 'k')).toBeUndefined()
    expect(existsSync(`${path}.lock`)).toBe(true) // someone else's lock is left alone
  }, 15_000)

  test('a lock that cannot be created for another reason is an error, not a wait', () => {
    // 251 + '.lock' = 256 characters: one over the file-name limit.
    const path = join(tempDir('gate-cache-'), 'c'.repeat(251))
    expect(() => storeCache(path, 'lint', entry('k'))).toThrow(expect.objectContaining({ code: 'ENAMETOOLONG' }))
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

  test('a missing input differs from an empty one, in contents and in the listing', () => {
    const root = tempRepo({ 'empty.txt': '' })
    const k = (file: string, listing: boolean) =>
      cacheKey('g', {}, root, [file], listing ? { contents: [], listing } : { contents: [file] })
    expect(k('gone.txt', false)).not.toBe(k('empty.txt', false))
    expect(k('gone.txt', true)).not.toBe(k('empty.txt', true))
  })

  test('canonicalJson() reads back as the same JSON as JSON.stringify (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)))
      }),
    )
    expect(canonicalJson(undefined)).toBe('null')
    expect(canonicalJson([undefined, 1])).toBe('[null,1]')
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}')
  })

  test('canonicalJson() sorts keys at every depth', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { f: 1, e: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[1,{"e":2,"f":1}]},"b":1}',
    )
  })
})
