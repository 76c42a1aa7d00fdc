import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { describe, expect, test } from 'vitest'
import {
  DEFAULT_LEDGER_PATH,
  fallbackPaths,
  lastResortFallbackPath,
  resolveLedgerPath,
  sidecarPaths,
} from '../../src/ledger/ledger-path.ts'
import { openLedger } from '../../src/ledger/open-ledger.ts'
import { REPO_ROOT } from '../support/temp-dir.ts'

describe('resolveLedgerPath()', () => {
  test('defaults to .codex/session_logs.db and lets CODEX_LEDGER override', () => {
    expect(resolveLedgerPath(undefined, {})).toBe(resolve(DEFAULT_LEDGER_PATH))
    expect(resolveLedgerPath(undefined, { CODEX_LEDGER: '/tmp/x.db' })).toBe('/tmp/x.db')
    expect(resolveLedgerPath('/tmp/y.db', { CODEX_LEDGER: '/tmp/x.db' })).toBe('/tmp/y.db')
  })

  test('an empty or blank CODEX_LEDGER (or --ledger "") means unset, never the working directory', () => {
    expect(resolveLedgerPath(undefined, { CODEX_LEDGER: '' })).toBe(resolve(DEFAULT_LEDGER_PATH))
    expect(resolveLedgerPath(undefined, { CODEX_LEDGER: '  ' })).toBe(resolve(DEFAULT_LEDGER_PATH))
    expect(resolveLedgerPath('', { CODEX_LEDGER: '/tmp/x.db' })).toBe('/tmp/x.db')
  })

  test('inside specs the real .codex/ ledger cannot be opened at all', () => {
    expect(process.env.CODEX_LEDGER_SPEC_GUARD).toBe('1')
    const env = { ...process.env, CODEX_LEDGER: undefined }
    expect(() => resolveLedgerPath(undefined, env)).toThrow(/specs may not write the real ledger/)
    expect(() => resolveLedgerPath(join(REPO_ROOT, '.codex', 'other.db'))).toThrow(
      /specs may not write the real ledger/,
    )
    expect(() => openLedger(join(REPO_ROOT, '.codex', 'session_logs.db'))).toThrow(
      /specs may not write the real ledger/,
    )
  })

  test('passes :memory: through untouched, explicit or from CODEX_LEDGER', () => {
    expect(resolveLedgerPath(':memory:', {})).toBe(':memory:')
    expect(resolveLedgerPath(undefined, { CODEX_LEDGER: ':memory:', CODEX_LEDGER_SPEC_GUARD: '1' })).toBe(':memory:')
  })

  test('the guard only refuses paths under the real root it was given', () => {
    const guardOnly = { CODEX_LEDGER_SPEC_GUARD: '1' }
    expect(resolveLedgerPath(join(REPO_ROOT, '.codex', 'x.db'), guardOnly)).toBe(join(REPO_ROOT, '.codex', 'x.db'))
    const guarded = { ...guardOnly, CODEX_REAL_ROOT: '/srv/repo' }
    expect(() => resolveLedgerPath('/srv/repo/.codex/x.db', guarded)).toThrow(
      'specs may not write the real ledger (/srv/repo/.codex/x.db)',
    )
    expect(resolveLedgerPath('/srv/repo/other/x.db', guarded)).toBe('/srv/repo/other/x.db')
  })

  test('keeps the fallback and error log beside the ledger', () => {
    expect(sidecarPaths('/data/l.db')).toEqual({
      dir: '/data',
      fallback: '/data/ledger-fallback.ndjson',
      errors: '/data/errors.ndjson',
    })
    // CODEX_LEDGER_FALLBACK moves the fallback; empty means unset.
    expect(sidecarPaths('/data/l.db', { CODEX_LEDGER_FALLBACK: '/x/f.ndjson' }).fallback).toBe('/x/f.ndjson')
    expect(sidecarPaths('/data/l.db', { CODEX_LEDGER_FALLBACK: '' }).fallback).toBe('/data/ledger-fallback.ndjson')
    // An in-memory ledger has no folder: its sidecars go to .codex/ under the working directory.
    expect(sidecarPaths(':memory:').dir).toBe(resolve('.codex'))
  })
})

describe('fallbackPaths()', () => {
  test('the fallback beside the ledger, then the last resort in the temp folder: the order to import them', () => {
    const last = lastResortFallbackPath('/data/l.db')
    expect(fallbackPaths('/data/l.db', {})).toEqual(['/data/ledger-fallback.ndjson', last])
    expect(last).toMatch(new RegExp(`^${tmpdir()}/codex-ledger-fallback-\\d+-[0-9a-f]{12}\\.ndjson$`))
  })

  test('named once where CODEX_LEDGER_FALLBACK is the last resort itself', () => {
    const last = lastResortFallbackPath('/data/l.db')
    expect(fallbackPaths('/data/l.db', { CODEX_LEDGER_FALLBACK: last })).toEqual([last])
  })

  test('relative and absolute spellings of one ledger share a last resort; other ledgers do not', () => {
    expect(lastResortFallbackPath('.codex/x.db')).toBe(lastResortFallbackPath(resolve('.codex/x.db')))
    expect(lastResortFallbackPath('/a/x.db')).not.toBe(lastResortFallbackPath('/b/x.db'))
  })
})
