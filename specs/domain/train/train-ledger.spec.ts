import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { metricRecords, metricRow, sessionStatusOf, TrainLedger } from '../../../src/domain/train/train-ledger.ts'
import { openLedger } from '../../../src/ledger/open-ledger.ts'
import { tempDir } from '../../support/temp-dir.ts'

describe('train ledger rows', () => {
  test('NaN → value NULL with is_nan = 1; ±Infinity stays a REAL', () => {
    const ledger = openLedger(join(tempDir('train-ledger-'), 'l.db'))
    try {
      const records = [
        { step: 1, name: 'train/loss', value: Number.NaN, ts: 1 },
        { step: 1, name: 'train/grad_norm', value: Number.POSITIVE_INFINITY, ts: 1 },
        { step: 1, name: 'train/lr', value: Number.NEGATIVE_INFINITY, ts: 1 },
        { step: 1, name: 'val/loss', value: 2.25, ts: 1 },
      ]
      new TrainLedger(ledger, () => undefined).write(metricRecords('run-1', records))
      const rows = ledger.all<{ name: string; value: number | null; is_nan: number }>(
        'SELECT name, value, is_nan FROM metrics ORDER BY rowid',
      )
      expect(rows).toEqual([
        { name: 'train/loss', value: null, is_nan: 1 },
        { name: 'train/grad_norm', value: Number.POSITIVE_INFINITY, is_nan: 0 },
        { name: 'train/lr', value: Number.NEGATIVE_INFINITY, is_nan: 0 },
        { name: 'val/loss', value: 2.25, is_nan: 0 },
      ])
    } finally {
      ledger.close()
    }
    expect(metricRow('r', { step: 0, name: 'x', value: 1, ts: 2 })).toEqual({
      run_id: 'r',
      step: 0,
      name: 'x',
      value: 1,
      is_nan: 0,
      ts: 2,
    })
  })

  test('a failing ledger warns once and lets the run go on', () => {
    const warnings: string[] = []
    const broken = {
      write: () => {
        throw new Error('database is locked')
      },
      close: () => undefined,
    }
    const tl = new TrainLedger(broken as never, (m) => warnings.push(m))
    tl.row('events', { session_id: 's', ts: 't', role: 'system', message: 'm' })
    tl.row('events', { session_id: 's', ts: 't', role: 'system', message: 'm' })
    expect(warnings).toEqual([
      'ledger write failed, continuing without it (metrics.ndjson has everything): database is locked',
    ])
  })

  test('run statuses map to session statuses', () => {
    expect(['completed', 'stopped', 'interrupted', 'failed'].map((s) => sessionStatusOf(s as never))).toEqual([
      'passed',
      'passed',
      'interrupted',
      'failed',
    ])
  })
})
