import { createHash } from 'node:crypto'
import { readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterEach, describe, expect, test, vi } from 'vitest'
import {
  LEDGER_REPORTER_SOURCE,
  ledgerReporter,
  ledgerReporterBundle,
} from '../../../src/adapters/reporter/ledger-reporter-entry.ts'
import { prebuiltBundle } from '../../../src/foundation/build/prebuilt-bundle.mjs'
import { REPO_ROOT, tempDir } from '../../support/temp-dir.ts'

afterEach(() => {
  vi.unstubAllEnvs()
})

describe('ledgerReporter() (what vitest.config.ts registers)', () => {
  test('is a ready reporter instance from the fresh prebuilt bundle, with the options given', async () => {
    const reporter = (await ledgerReporter({ kind: 'spec-kind' })) as unknown as {
      onInit: unknown
      onTestRunEnd: unknown
      options: unknown
    }
    expect(typeof reporter.onInit).toBe('function')
    expect(typeof reporter.onTestRunEnd).toBe('function')
    expect(reporter.options).toEqual({ kind: 'spec-kind' })
    expect(ledgerReporterBundle.state()).toEqual({ fresh: true, reason: 'fresh' })
    const stamp = JSON.parse(readFileSync(join(ledgerReporterBundle.dir, 'stamp.json'), 'utf8')) as {
      inputs: Record<string, string>
    }
    expect(Object.keys(stamp.inputs)).toContain('src/adapters/reporter/ledger-reporter.ts')
    expect(Object.keys(stamp.inputs)).toContain('src/ledger/ledger.ts')
  })

  test('CODEX_REPORTER=source hands Vitest the TypeScript source path instead', async () => {
    vi.stubEnv('CODEX_REPORTER', 'source')
    expect(await ledgerReporter({ db: '/tmp/x.db' })).toEqual([LEDGER_REPORTER_SOURCE, { db: '/tmp/x.db' }])
    expect(LEDGER_REPORTER_SOURCE).toBe(join(REPO_ROOT, 'src', 'adapters', 'reporter', 'ledger-reporter.ts'))
  })
})

describe('prebuiltBundle()', () => {
  const entries = { where: 'specs/fixtures/prebuilt/where.ts' }
  const source = join(REPO_ROOT, entries.where)

  test('with sourceUrls, import.meta inside the bundle still names each source file', async () => {
    const bundle = prebuiltBundle({ dir: tempDir('bundle-'), entries, sourceUrls: true })
    expect(bundle.state()).toEqual({ fresh: false, reason: 'no bundle yet' })
    expect(await bundle.build()).toMatchObject({ inputs: 1 })
    expect(bundle.state().fresh).toBe(true)
    const where = await import(pathToFileURL(bundle.output('where')).href)
    expect(where.url).toBe(pathToFileURL(source).href)
    expect(where.dirname).toBe(join(REPO_ROOT, 'specs', 'fixtures', 'prebuilt'))
    expect(where.packageJson).toBe(join(REPO_ROOT, 'package.json'))
  })

  test('without it, import.meta is the bundle file; a changed or vanished source makes it stale', async () => {
    const dir = tempDir('bundle-')
    const bundle = prebuiltBundle({ dir, entries })
    await bundle.build()
    const where = await import(pathToFileURL(bundle.output('where')).href)
    expect(where.url).toBe(pathToFileURL(bundle.output('where')).href)
    const stampPath = join(dir, 'stamp.json')
    const stamp = JSON.parse(readFileSync(stampPath, 'utf8'))
    writeFileSync(stampPath, JSON.stringify({ ...stamp, inputs: { [entries.where]: '0'.repeat(40) } }))
    expect(bundle.state()).toEqual({ fresh: false, reason: `${entries.where} changed` })
    writeFileSync(stampPath, JSON.stringify({ ...stamp, inputs: { 'specs/fixtures/prebuilt/gone.ts': 'x' } }))
    expect(bundle.state()).toEqual({ fresh: false, reason: 'specs/fixtures/prebuilt/gone.ts is gone' })
    writeFileSync(stampPath, JSON.stringify({ ...stamp, node: '0.0.1' }))
    expect(bundle.state()).toEqual({ fresh: false, reason: 'built by another version' })
  })

  test('a source rewritten with the same bytes stays fresh, and its new stat data is kept (hashed once)', async () => {
    const dir = tempDir('bundle-')
    const bundle = prebuiltBundle({ dir, entries })
    await bundle.build()
    const stampPath = join(dir, 'stamp.json')
    const stamp = JSON.parse(readFileSync(stampPath, 'utf8')) as { stats: Record<string, number[]> }
    // Stat data that is not the file's (as after a checkout that rewrote it): hashed, same bytes.
    const stale = { ...stamp, stats: { [entries.where]: [1, 1, 1, 1, stamp.stats[entries.where]?.[4] ?? ''] } }
    writeFileSync(stampPath, JSON.stringify(stale))
    expect(bundle.state()).toEqual({ fresh: true, reason: 'fresh' })
    const kept = JSON.parse(readFileSync(stampPath, 'utf8')) as { stats: Record<string, number[]> }
    const s = statSync(source)
    expect(kept.stats[entries.where]).toEqual([s.mtimeMs, s.ctimeMs, s.size, s.ino, stale.stats[entries.where]?.[4]])
    // A file changed just now is hashed every time instead (a second write could keep its stat data).
    utimesSync(source, new Date(), new Date())
    writeFileSync(stampPath, JSON.stringify(stale))
    expect(bundle.state()).toEqual({ fresh: true, reason: 'fresh' })
    expect(JSON.parse(readFileSync(stampPath, 'utf8'))).toEqual(stale)
  })

  test('data files are inputs too, and digests name the inputs they cover', async () => {
    const dir = tempDir('bundle-')
    const data = 'specs/fixtures/prebuilt/where.ts'
    const bundle = prebuiltBundle({ dir, entries, data: ['package.json'], digests: { fixtures: '^specs/fixtures/' } })
    await bundle.build()
    const stamp = JSON.parse(readFileSync(join(dir, 'stamp.json'), 'utf8')) as {
      inputs: Record<string, string>
      digests: Record<string, string>
    }
    expect(Object.keys(stamp.inputs).sort()).toEqual(['package.json', data])
    const matched = JSON.stringify([[data, stamp.inputs[data]]])
    expect(stamp.digests).toEqual({ fixtures: createHash('sha256').update(matched).digest('hex') })
  })
})
