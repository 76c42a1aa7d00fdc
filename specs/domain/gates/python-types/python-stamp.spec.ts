import { readFileSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { pythonEnvironmentStamp } from '../../../../src/domain/gates/python-types/python-stamp.ts'
import { tempDir } from '../_temp-repo.ts'

describe('pythonEnvironmentStamp()', () => {
  test('remembers sys.path beside the cache, and asks Python again once a folder on it changes', () => {
    const root = tempDir('py-root-')
    const extra = tempDir('py-path-')
    const cacheDir = tempDir('py-cache-')
    const env = { PATH: process.env.PATH, PYTHONPATH: extra, CODEX_GATE_CACHE: join(cacheDir, 'gate-cache.json') }
    const first = pythonEnvironmentStamp(root, env)
    expect(first).toMatch(/^python3?:[0-9a-f]{16}$/)
    const memoPath = join(cacheDir, 'python-paths.json')
    const memo = JSON.parse(readFileSync(memoPath, 'utf8')) as Record<string, { python: string; paths: string[] }>
    const [key, entry] = Object.entries(memo)[0] ?? []
    expect(entry?.paths).toContain(extra)
    // Planted answer: returned as long as every folder keeps its mtime, so no Python was started.
    writeFileSync(memoPath, JSON.stringify({ [key as string]: { ...entry, python: 'planted' } }))
    expect(pythonEnvironmentStamp(root, env)).toBe(first.replace(/^python3?/, 'planted'))
    // A package installed into a folder on sys.path changes its mtime: Python is asked again.
    const later = new Date(Date.now() + 5_000)
    utimesSync(extra, later, later)
    const again = pythonEnvironmentStamp(root, env)
    expect(again).toMatch(/^python3?:/)
    expect(again).not.toBe(first)
    // Another PYTHONPATH is another key.
    const other = tempDir('py-path-')
    expect(pythonEnvironmentStamp(root, { ...env, PYTHONPATH: other })).not.toBe(again)
  })
})
