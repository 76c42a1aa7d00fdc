import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import { pruneHistory, safeName, writeReports } from '../../../src/domain/report/write-reports.ts'

let dir: string
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const summary = (id: string, startedAt: string) => JSON.stringify({ session: { id, started_at: startedAt } })

describe('writeReports()', () => {
  test('moves the previous render to history/<id>/ and puts the new one in latest/', () => {
    dir = mkdtempSync(join(tmpdir(), 'write-reports-'))
    writeReports(dir, 'one', { 'summary.json': summary('one', '2025-01-01T00:00:00Z'), 'index.html': 'one' }, 5)
    const result = writeReports(
      dir,
      'two',
      { 'summary.json': summary('two', '2025-01-02T00:00:00Z'), 'index.html': 'two' },
      5,
    )
    expect(result).toEqual({ dir: join(dir, 'latest'), rotated: join(dir, 'history', 'one'), pruned: [] })
    expect(readFileSync(join(dir, 'latest', 'index.html'), 'utf8')).toBe('two')
    expect(readFileSync(join(dir, 'history', 'one', 'index.html'), 'utf8')).toBe('one')
  })

  test('an empty-ledger render (no session) is replaced, not filed in history', () => {
    dir = mkdtempSync(join(tmpdir(), 'write-reports-'))
    writeReports(dir, null, { 'summary.json': JSON.stringify({ session: null }) }, 5)
    const result = writeReports(dir, 'one', { 'summary.json': summary('one', '2025-01-01T00:00:00Z') }, 5)
    expect(result.rotated).toBeNull()
    expect(readdirSync(dir).sort()).toEqual(['latest'])
  })
})

describe('pruneHistory()', () => {
  test('keeps the newest N renders by session start, whatever their folder names', () => {
    dir = mkdtempSync(join(tmpdir(), 'write-reports-'))
    const history = join(dir, 'history')
    for (const [name, started] of [
      ['zzz', '2025-01-01T00:00:00Z'],
      ['aaa', '2025-01-03T00:00:00Z'],
      ['mmm', '2025-01-02T00:00:00Z'],
    ]) {
      mkdirSync(join(history, name as string), { recursive: true })
      writeFileSync(join(history, name as string, 'summary.json'), summary(name as string, started as string))
    }
    expect(pruneHistory(history, 2)).toEqual([join(history, 'zzz')])
    expect(readdirSync(history).sort()).toEqual(['aaa', 'mmm'])
    expect(pruneHistory(history, 0).sort()).toEqual([join(history, 'aaa'), join(history, 'mmm')])
    expect(pruneHistory(join(dir, 'missing'), 3)).toEqual([])
  })
})

describe('safeName()', () => {
  test('keeps uuids, replaces path characters', () => {
    expect(safeName('1b4e28ba-2fa1-11d2-883f-0016d3cca427')).toBe('1b4e28ba-2fa1-11d2-883f-0016d3cca427')
    expect(safeName('../etc/passwd')).toBe('.._etc_passwd')
    expect(safeName('..')).toBe('_..')
  })
})
