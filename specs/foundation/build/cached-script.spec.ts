import { spawnSync } from 'node:child_process'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { codeCacheDir, compileCached, shortHash } from '../../../src/foundation/build/cached-script.cjs'

const DRIVER = join(import.meta.dirname, '..', '..', 'fixtures', 'code-cache', 'driver.mjs')

// A program with functions that only run when called (compiled lazily, so only a cache made
// after the run holds them) and a closure over the wrapper's parameter.
const PROGRAM = [
  'function twice(n) { return n * 2 }',
  'const tag = (s) => s + ":" + [1, 2, 3].map(twice).join(",")',
  'return tag(input)',
].join('\n')

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cached-script-'))
  writeFileSync(join(dir, 'program.js'), PROGRAM)
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

/** One fresh process: compile `program.js` with these cache files, run it, save. */
function run(files: string[], target?: string): { status: string; result: string; saved: string } {
  const child = spawnSync(process.execPath, [DRIVER, join(dir, 'program.js'), ...files], {
    encoding: 'utf8',
    env: { ...process.env, TARGET: target ?? '' },
  })
  expect(child.stderr).toBe('')
  expect(child.status).toBe(0)
  return JSON.parse(child.stdout)
}

describe('compileCached()', () => {
  it('compiles from source and writes the cache, then the next process reads it', () => {
    const cache = join(dir, 'cache', 'program.v8')
    expect(run([cache])).toEqual({ status: 'miss', result: 'in:2,4,6', saved: 'saved' })
    expect(readFileSync(cache).length).toBeGreaterThan(0)
    expect(run([cache])).toEqual({ status: 'hit', result: 'in:2,4,6', saved: 'hit' })
  })

  it('a corrupt cache still runs the program, and is rebuilt', () => {
    const cache = join(dir, 'program.v8')
    run([cache])
    const good = readFileSync(cache)
    writeFileSync(cache, Buffer.from(good.map((b, i) => (i > 16 ? b ^ 0x5a : b))))
    expect(run([cache])).toEqual({ status: 'rejected', result: 'in:2,4,6', saved: 'saved' })
    expect(run([cache])).toEqual({ status: 'hit', result: 'in:2,4,6', saved: 'hit' })
    writeFileSync(cache, 'not a code cache')
    expect(run([cache]).status).toBe('rejected')
    expect(run([cache]).status).toBe('hit')
  })

  it("another source's cache is rejected and rebuilt", () => {
    const cache = join(dir, 'program.v8')
    run([cache])
    writeFileSync(join(dir, 'program.js'), `${PROGRAM}\n// edited`)
    expect(run([cache])).toEqual({ status: 'rejected', result: 'in:2,4,6', saved: 'saved' })
    expect(run([cache]).status).toBe('hit')
  })

  it('a cache folder that cannot be written still runs the program', () => {
    writeFileSync(join(dir, 'a-file'), '')
    const cache = join(dir, 'a-file', 'cache', 'program.v8') // below a regular file: ENOTDIR, even for root
    expect(run([cache])).toEqual({ status: 'miss', result: 'in:2,4,6', saved: 'unwritable' })
    expect(run([cache])).toEqual({ status: 'miss', result: 'in:2,4,6', saved: 'unwritable' })
    expect(readdirSync(dir).sort()).toEqual(['a-file', 'program.js'])
  })

  it('writes the preferred file over a less preferred one, never the other way', () => {
    const [final, provisional] = [join(dir, 'p.v8'), join(dir, 'p.slow.v8')]
    expect(run([final, provisional], provisional)).toMatchObject({ status: 'miss', saved: 'saved' })
    expect(existsSync(final)).toBe(false)
    expect(run([final, provisional], provisional)).toMatchObject({ status: 'hit', saved: 'hit' })
    expect(run([final, provisional], final)).toMatchObject({ status: 'hit', saved: 'saved' })
    expect(existsSync(provisional)).toBe(false)
    expect(run([final, provisional], provisional)).toMatchObject({ status: 'hit', saved: 'hit' })
    expect(existsSync(provisional)).toBe(false)
  })

  it("removes the folder's stale files over a day old when it writes, and no temp file stays", () => {
    mkdirSync(join(dir, 'c'))
    writeFileSync(join(dir, 'c', 'old-build.v8'), 'x')
    const twoDays = new Date(Date.now() - 2 * 24 * 60 * 60 * 1000)
    utimesSync(join(dir, 'c', 'old-build.v8'), twoDays, twoDays)
    // Another checkout's build, sharing this folder and in use: kept, or the two would remove each
    // other's cache on every write and compile from source every run.
    writeFileSync(join(dir, 'c', 'old-other-checkout.v8'), 'x')
    writeFileSync(join(dir, 'c', 'other.txt'), 'x')
    run([join(dir, 'c', 'new.v8')])
    expect(readdirSync(join(dir, 'c')).sort()).toEqual(['new.v8', 'old-other-checkout.v8', 'other.txt'])
  })

  it('without a cache it only compiles', () => {
    expect(run([])).toEqual({ status: 'off', result: 'in:2,4,6', saved: 'off' })
    const script = compileCached({ file: join(dir, 'program.js'), params: ['input'] })
    expect(script.fn('here')).toBe('here:2,4,6')
  })
})

describe('codeCacheDir()', () => {
  it('is beside an installed package, else in its own node_modules', () => {
    expect(codeCacheDir('/p/node_modules/codex-gates')).toBe('/p/node_modules/.cache/codex-gates')
    expect(codeCacheDir('/src/codex-gates')).toBe('/src/codex-gates/node_modules/.cache/codex-gates')
  })
})

describe('shortHash()', () => {
  it('is stable, 8 hex digits, and tells flags apart', () => {
    expect(shortHash('--max-semi-space-size=16')).toMatch(/^[0-9a-f]{8}$/)
    expect(shortHash('a\0b')).toBe(shortHash('a\0b'))
    expect(shortHash('a\0b')).not.toBe(shortHash('ab'))
  })
})
