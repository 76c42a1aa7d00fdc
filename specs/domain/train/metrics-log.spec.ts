import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { MetricsLog, toMetricRecords } from '../../../src/domain/train/metrics-log.ts'
import { tempDir } from '../../support/temp-dir.ts'

describe('MetricsLog', () => {
  test('one JSON line per write, NaN and infinities as strings, appended synchronously', () => {
    const log = new MetricsLog(join(tempDir('metrics-log-'), 'run', 'metrics.ndjson'))
    log.write(1, { 'train/loss': 2.5, 'train/grad_norm': Number.NaN }, 1000)
    expect(readFileSync(log.path, 'utf8')).toBe('{"step":1,"ts":1000,"train/loss":2.5,"train/grad_norm":"NaN"}\n')
    log.write(2, { 'train/loss': Number.POSITIVE_INFINITY, x: Number.NEGATIVE_INFINITY }, 2000)
    expect(readFileSync(log.path, 'utf8').split('\n')[1]).toBe(
      '{"step":2,"ts":2000,"train/loss":"Infinity","x":"-Infinity"}',
    )
  })

  test('toMetricRecords() yields one record per value', () => {
    expect(toMetricRecords(3, { a: 1, b: 2 }, 5)).toEqual([
      { step: 3, name: 'a', value: 1, ts: 5 },
      { step: 3, name: 'b', value: 2, ts: 5 },
    ])
  })
})
