import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import { DEFAULT_HISTORY_KEEP, resolveHistoryKeep } from '../../../src/domain/report/report-config.ts'

let dir: string
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('resolveHistoryKeep()', () => {
  test('flag, then CODEX_REPORTS_KEEP, then configs/reports.json, then the default', () => {
    dir = mkdtempSync(join(tmpdir(), 'report-config-'))
    const config = join(dir, 'reports.json')
    writeFileSync(config, '{ "historyKeep": 7 }')
    expect(resolveHistoryKeep(3, { CODEX_REPORTS_KEEP: '5' }, config)).toBe(3)
    expect(resolveHistoryKeep(undefined, { CODEX_REPORTS_KEEP: '5' }, config)).toBe(5)
    expect(resolveHistoryKeep(undefined, {}, config)).toBe(7)
    expect(resolveHistoryKeep(undefined, {}, join(dir, 'missing.json'))).toBe(DEFAULT_HISTORY_KEEP)
  })

  test('bad values are user errors naming their source', () => {
    dir = mkdtempSync(join(tmpdir(), 'report-config-'))
    const config = join(dir, 'reports.json')
    expect(() => resolveHistoryKeep(undefined, { CODEX_REPORTS_KEEP: 'lots' }, config)).toThrow(
      'CODEX_REPORTS_KEEP must be a non-negative integer (renders kept in reports/history/), got "lots"',
    )
    writeFileSync(config, '{ "historyKeep": -1 }')
    expect(() => resolveHistoryKeep(undefined, {}, config)).toThrow(
      `${config} historyKeep must be a non-negative integer`,
    )
    writeFileSync(config, '{ nope')
    expect(() => resolveHistoryKeep(undefined, {}, config)).toThrow(`${config} is not valid JSON`)
  })
})
