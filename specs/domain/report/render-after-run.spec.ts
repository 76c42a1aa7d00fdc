import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import { renderAfterRun } from '../../../src/domain/report/render-after-run.ts'
import { at, caseRecs, type Fixture, fixtureLedger, sessionRec } from './fixture-ledgers.ts'

let fixture: Fixture
afterEach(() => fixture?.cleanup())

describe('renderAfterRun()', () => {
  test('renders the session into <reportsDir>/latest', () => {
    fixture = fixtureLedger()
    fixture.ledger.write([sessionRec('r1', at(0)), ...caseRecs('r1', { name: 'works' })])
    expect(renderAfterRun({ ledgerPath: fixture.ledgerPath, sessionId: 'r1', reportsDir: fixture.reportsDir })).toEqual(
      { ok: true },
    )
    const summary = JSON.parse(readFileSync(join(fixture.reportsDir, 'latest', 'summary.json'), 'utf8'))
    expect(summary.session.id).toBe('r1')
  })

  test("reads through the run's own connection when given one, leaves it open, and renders the same", () => {
    fixture = fixtureLedger()
    fixture.ledger.write([sessionRec('r3', at(0)), ...caseRecs('r3', { name: 'works' })])
    expect(renderAfterRun({ ledgerPath: fixture.ledgerPath, sessionId: 'r3', reportsDir: fixture.reportsDir })).toEqual(
      { ok: true },
    )
    const opened = readFileSync(join(fixture.reportsDir, 'latest', 'summary.json'), 'utf8')
    // A path where no ledger is: only the connection can answer.
    const nowhere = join(fixture.dir, 'nowhere', 'session_logs.db')
    const through = renderAfterRun({
      ledgerPath: nowhere,
      sessionId: 'r3',
      reportsDir: join(fixture.dir, 'through'),
      connection: fixture.ledger,
    })
    expect(through).toEqual({ ok: true })
    expect(fixture.ledger.isOpen).toBe(true)
    expect(existsSync(nowhere)).toBe(false)
    expect(readFileSync(join(fixture.dir, 'through', 'latest', 'summary.json'), 'utf8')).toBe(opened)
  })

  test('never throws: a missing ledger is returned as an error, and no ledger is created', () => {
    fixture = fixtureLedger()
    const missing = join(fixture.dir, 'nope', 'session_logs.db')
    expect(renderAfterRun({ ledgerPath: missing, sessionId: 'x', reportsDir: fixture.reportsDir })).toEqual({
      ok: false,
      error: `no ledger at ${missing}`,
    })
    expect(existsSync(missing)).toBe(false)
  })

  test('an unwritable reports folder fails the render, not the run, and is recorded in the ledger', () => {
    fixture = fixtureLedger()
    fixture.ledger.write([sessionRec('r2', at(0)), ...caseRecs('r2', { name: 'works' })])
    const blocked = join(fixture.dir, 'blocked')
    writeFileSync(blocked, 'a file where the reports folder should be')
    const result = renderAfterRun({
      ledgerPath: fixture.ledgerPath,
      sessionId: 'r2',
      reportsDir: join(blocked, 'reports'),
    })
    expect(result.ok).toBe(false)
    expect(result.error).toMatch(/ENOTDIR|EEXIST/)
    const events = fixture.ledger.all<{ level: string; message: string }>(
      "SELECT level, message FROM events WHERE session_id = 'r2' AND role = 'system'",
    )
    expect(events).toEqual([{ level: 'error', message: `report render failed: ${result.error}` }])
  })

  test('an unknown session is an error, not an exception', () => {
    fixture = fixtureLedger()
    fixture.ledger.write([sessionRec('r3', at(0))])
    const result = renderAfterRun({ ledgerPath: fixture.ledgerPath, sessionId: 'zzz', reportsDir: fixture.reportsDir })
    expect(result.ok).toBe(false)
    expect(result.error).toContain('no session zzz')
  })
})
