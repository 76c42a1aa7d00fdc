import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterEach, describe, expect, test } from 'vitest'
import { pruneHistory, renderedSession, safeName, writeReports } from '../../../src/domain/report/write-reports.ts'

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

describe('renderedSession()', () => {
  test("reads the session's id and start from summary.json's head as written, else from the whole file", () => {
    dir = mkdtempSync(join(tmpdir(), 'write-reports-'))
    const text = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.stringMatching(/^["\\\n{}:,]{0,8}$/))
    fc.assert(
      fc.property(
        fc.record({
          id: text,
          kind: text,
          status: text,
          command: fc.oneof(text, fc.string({ minLength: 5000, maxLength: 6000 })),
          started_at: text,
        }),
        fc.boolean(),
        (session, asWritten) => {
          const summary = asWritten
            ? { schema: 1, sessions_in_ledger: 7, session: { ...session, ended_at: null } }
            : { session: { started_at: session.started_at, id: session.id }, schema: 1 }
          writeFileSync(join(dir, 'summary.json'), JSON.stringify(summary, null, asWritten ? 2 : 0))
          expect(renderedSession(dir)).toEqual({ id: session.id, started_at: session.started_at })
        },
      ),
      { numRuns: 200 },
    )
    writeFileSync(join(dir, 'summary.json'), '{"schema": 1, "sessions_in_ledger": 3, "session": {"id": "a", "kind"')
    expect(renderedSession(dir)).toBeUndefined() // torn
  })
})

describe('safeName()', () => {
  test('keeps uuids, replaces path characters', () => {
    expect(safeName('1b4e28ba-2fa1-11d2-883f-0016d3cca427')).toBe('1b4e28ba-2fa1-11d2-883f-0016d3cca427')
    expect(safeName('../etc/passwd')).toBe('.._etc_passwd')
    expect(safeName('..')).toBe('_..')
  })
})
