import { readFileSync, renameSync, rmSync } from 'node:fs'
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

  test('writes go to the file opened at construction: removing or renaming the folder cannot fail them', () => {
    const parent = tempDir('metrics-log-')
    const log = new MetricsLog(join(parent, 'run', 'metrics.ndjson'))
    log.write(1, { a: 1 }, 1)
    renameSync(join(parent, 'run'), join(parent, 'moved'))
    log.write(2, { a: 2 }, 2)
    expect(readFileSync(join(parent, 'moved', 'metrics.ndjson'), 'utf8')).toBe(
      '{"step":1,"ts":1,"a":1}\n{"step":2,"ts":2,"a":2}\n',
    )
    rmSync(join(parent, 'moved'), { recursive: true })
    expect(() => log.write(3, { a: 3 }, 3)).not.toThrow()
    log.close()
    log.close()
    expect(() => log.write(4, { a: 4 })).toThrow(/BUG: .*metrics\.ndjson written after close\(\)/)
  })

  test('toMetricRecords() yields one record per value', () => {
    expect(toMetricRecords(3, { a: 1, b: 2 }, 5)).toEqual([
      { step: 3, name: 'a', value: 1, ts: 5 },
      { step: 3, name: 'b', value: 2, ts: 5 },
    ])
  })
})
