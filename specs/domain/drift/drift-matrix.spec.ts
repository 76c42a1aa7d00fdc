import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { skipWithout } from '../../../src/adapters/vitest/skip-without.ts'
import { ledgerCli } from '../../../src/app/ledger/ledger-command.ts'
import { driftMatrix } from '../../../src/domain/drift/drift-matrix.ts'
import { openLedger } from '../../../src/ledger/open-ledger.ts'
import { tempDir } from '../../support/temp-dir.ts'
import { textIo } from '../../support/text-io.ts'

const tally = (project: string, passed: number, failed: number, skipped: number, duration_ms = 1234) => ({
  project,
  passed,
  failed,
  skipped,
  todo: 0,
  duration_ms,
})

afterEach(() => {
  vi.unstubAllEnvs()
})

describe('driftMatrix()', () => {
  test('one row per drift cell with the dependency it hid, counts, seconds and verdict', () => {
    expect(
      driftMatrix([
        tally('drift:without-better-sqlite3', 10, 0, 4),
        tally('drift:without-vitest-coverage-v8', 3, 1, 0),
        tally('drift:without-onnxruntime-node', 0, 0, 2),
        tally('unit', 100, 0, 0),
      ]),
    ).toEqual([
      {
        cell: 'drift:without-better-sqlite3',
        without: 'better-sqlite3',
        passed: 10,
        failed: 0,
        skipped: 4,
        secs: 1.2,
        verdict: 'passed',
      },
      {
        cell: 'drift:without-vitest-coverage-v8',
        without: '@vitest/coverage-v8',
        passed: 3,
        failed: 1,
        skipped: 0,
        secs: 1.2,
        verdict: 'FAILED',
      },
      {
        cell: 'drift:without-onnxruntime-node',
        without: 'onnxruntime-node',
        passed: 0,
        failed: 0,
        skipped: 2,
        secs: 1.2,
        verdict: 'all skipped',
      },
    ])
  })

  test('the Python cells are rows too: the baseline hid nothing', () => {
    expect(
      driftMatrix([
        tally('python-drift:with-all', 5, 0, 0, 40),
        tally('python-drift:without-torch', 2, 2, 1, 30),
        tally('python-drift-other', 1, 0, 0),
      ]),
    ).toEqual([
      {
        cell: 'python-drift:with-all',
        without: '(nothing)',
        passed: 5,
        failed: 0,
        skipped: 0,
        secs: 0,
        verdict: 'passed',
      },
      {
        cell: 'python-drift:without-torch',
        without: 'torch',
        passed: 2,
        failed: 2,
        skipped: 1,
        secs: 0,
        verdict: 'FAILED',
      },
    ])
  })

  test('`npm run ledger -- show latest` prints the matrix', async (ctx) => {
    skipWithout(ctx, 'better-sqlite3')
    const ledgerPath = join(tempDir('drift-matrix-'), 'ledger.db')
    const ledger = openLedger(ledgerPath)
    const result = (project: string, state: string) => ({
      rid: randomUUID(),
      table: 'test_results' as const,
      row: { session_id: 's1', project, file: 'specs/x.spec.ts', name: randomUUID(), state, duration_ms: 500 },
    })
    ledger.write([
      {
        rid: randomUUID(),
        table: 'sessions',
        row: { id: 's1', kind: 'vitest', status: 'passed', started_at: '2026-01-01T00:00:00Z' },
      },
      result('drift:without-better-sqlite3', 'passed'),
      result('drift:without-better-sqlite3', 'skipped'),
      result('unit', 'passed'),
    ])
    ledger.close()
    vi.stubEnv('CODEX_LEDGER', ledgerPath)
    let out = ''
    expect(
      await ledgerCli(
        ['show', 'latest'],
        textIo((t) => {
          out += t
        }),
      ),
    ).toBe(0)
    const section = out.slice(out.indexOf('drift matrix'))
    expect(section.split('\n').slice(1, 4)).toEqual([
      'cell                          without         passed  failed  skipped  secs  verdict',
      '----------------------------  --------------  ------  ------  -------  ----  -------',
      'drift:without-better-sqlite3  better-sqlite3  1       0       1        1     passed',
    ])
  })
})
