import { appendFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import { questionText } from '../../../src/domain/report/question-fingerprint.ts'
import { outstandingQuestions, sessionQuestions } from '../../../src/domain/report/questions.ts'
import { latestSession, type ReportContext, sessionById } from '../../../src/domain/report/report-context.ts'
import { maskedReads } from '../../../src/ledger/masked-reads.ts'
import { at, caseRecs, type Fixture, fixtureLedger, rec, sessionRec } from './fixture-ledgers.ts'

let fixture: Fixture
afterEach(() => fixture?.cleanup())

function ctxAt(sessionId?: string, errorsPath: string | null = null): ReportContext {
  const session = sessionId ? sessionById(fixture.ledger, sessionId) : latestSession(fixture.ledger)
  if (!session) throw new Error(`fixture has no session ${sessionId}`)
  return { ledger: maskedReads(fixture.ledger, []), session, cutoff: session.started_at, errorsPath }
}

describe('outstandingQuestions()', () => {
  test('reads errors.ndjson blocks the ledger lacks, once each, and resolves them through named targets', () => {
    fixture = fixtureLedger()
    const errors = join(fixture.dir, 'errors.ndjson')
    fixture.ledger.write([
      sessionRec('e1', at(0), { status: 'failed' }),
      sessionRec('e2', at(1), { status: 'passed' }),
      ...caseRecs('e2', { project: 'smoke-cpu', file: 'specs/smoke/train.spec.ts', name: 'loss falls' }),
    ])
    const block = {
      ts: at(0),
      session_id: 'e1',
      step: 'training the tiny GPT',
      error: 'loss did not fall: 4.2 → 4.3',
      context: 'smoke-cpu, seed 1',
      project: 'smoke-cpu',
      file: 'specs/smoke/train.spec.ts',
      name: 'loss falls',
    }
    appendFileSync(errors, `${JSON.stringify(block)}\nnot json\n${JSON.stringify(block)}\n`)

    expect(sessionQuestions(ctxAt('e1', errors)).map((q) => q.step)).toEqual(['training the tiny GPT'])
    const open = outstandingQuestions(ctxAt('e1', errors))
    expect(open.map((q) => [q.status, q.target, q.occurrences])).toEqual([
      ['Open', 'test smoke-cpu › specs/smoke/train.spec.ts › loss falls', 1],
    ])
    expect(outstandingQuestions(ctxAt('e2', errors))).toEqual([
      expect.objectContaining({
        status: 'Resolved',
        resolved_by: 'e2',
        resolved_at: at(1),
        first_seen: at(0),
        last_seen: at(0),
      }),
    ])
  })

  test('a question with no matching test or gate stays Open and says why', () => {
    fixture = fixtureLedger()
    fixture.ledger.write([
      sessionRec('n1', at(0), { status: 'failed' }),
      rec('events', {
        session_id: 'n1',
        ts: at(0),
        role: 'assistant',
        level: 'error',
        message: questionText({ step: 'post-commit', error: 'git failed', context: 'hook' }),
        data_json: JSON.stringify({
          ts: at(0),
          session_id: 'n1',
          step: 'post-commit',
          error: 'git failed',
          context: 'hook',
        }),
      }),
      sessionRec('n2', at(1)),
      ...caseRecs('n2', { name: 'anything' }),
    ])
    expect(outstandingQuestions(ctxAt('n2'))).toEqual([
      expect.objectContaining({
        status: 'Open',
        target: null,
        disposition: 'open: no test or gate in the ledger matches this step, so it cannot be re-checked automatically',
      }),
    ])
  })

  test('a test skipped since it failed is reported as deferred, with the skip reason', () => {
    fixture = fixtureLedger()
    fixture.ledger.write([
      sessionRec('d1', at(0), { status: 'failed' }),
      ...caseRecs('d1', { project: 'smoke-gpu', name: 'trains on webgpu', state: 'failed', error: 'no adapter' }),
      sessionRec('d2', at(1)),
      ...caseRecs('d2', {
        project: 'smoke-gpu',
        name: 'trains on webgpu',
        state: 'skipped',
        skipReason: 'no GPU on this host',
      }),
    ])
    expect(outstandingQuestions(ctxAt('d2'))[0]).toMatchObject({
      status: 'Open',
      disposition: 'deferred: skipped since 2025-03-01 (no GPU on this host)',
    })
  })

  test('a test that stopped running while its file still runs is flagged as renamed or removed', () => {
    fixture = fixtureLedger()
    fixture.ledger.write([
      sessionRec('g1', at(0), { status: 'failed' }),
      ...caseRecs('g1', { file: 'specs/y.spec.ts', name: 'old name', state: 'failed', error: 'boom' }),
      sessionRec('g2', at(1)),
      ...caseRecs('g2', { file: 'specs/y.spec.ts', name: 'new name' }),
    ])
    expect(outstandingQuestions(ctxAt('g2'))[0]).toMatchObject({
      status: 'Open',
      disposition: 'open: the test has not run since; its file ran on 2025-03-01 without it (renamed or removed?)',
    })
  })

  test('a module that failed to load resolves when a test of that file passes by its own name', () => {
    fixture = fixtureLedger()
    fixture.ledger.write([
      sessionRec('m1', at(0), { status: 'failed' }),
      ...caseRecs('m1', {
        file: 'specs/x.spec.ts',
        name: '(module failed to load)',
        state: 'failed',
        error: 'SyntaxError: Unexpected token',
        meta: { step: 'loading test file specs/x.spec.ts', context: 'project unit: the file could not be collected' },
      }),
      sessionRec('m2', at(1)),
      ...caseRecs('m2', { file: 'specs/x.spec.ts', name: '(module failed to load)' }),
    ])
    expect(outstandingQuestions(ctxAt('m1'))[0]?.target).toBe('test unit › specs/x.spec.ts › (module failed to load)')
    expect(outstandingQuestions(ctxAt('m2'))[0]?.status).toBe('Resolved')
  })
})
