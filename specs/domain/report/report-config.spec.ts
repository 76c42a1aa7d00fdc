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
    expect(resolveHistoryKeep(3, { CODEX_REPORTS_KEEP: '5' }, config, dir)).toBe(3)
    expect(resolveHistoryKeep(undefined, { CODEX_REPORTS_KEEP: '5' }, config, dir)).toBe(5)
    expect(resolveHistoryKeep(undefined, {}, config, dir)).toBe(7)
    expect(resolveHistoryKeep(undefined, {}, join(dir, 'missing.json'), dir)).toBe(DEFAULT_HISTORY_KEEP)
  })

  test('bad values are user errors naming their source', () => {
    dir = mkdtempSync(join(tmpdir(), 'report-config-'))
    const config = join(dir, 'reports.json')
    expect(() => resolveHistoryKeep(undefined, { CODEX_REPORTS_KEEP: 'lots' }, config, dir)).toThrow(
      'CODEX_REPORTS_KEEP must be a non-negative integer (renders kept in reports/history/), got "lots"',
    )
    writeFileSync(config, '{ "historyKeep": -1 }')
    expect(() => resolveHistoryKeep(undefined, {}, config, dir)).toThrow(
      `${config} historyKeep must be a non-negative integer`,
    )
    writeFileSync(config, '{ nope')
    expect(() => resolveHistoryKeep(undefined, {}, config, dir)).toThrow(`${config} is not valid JSON`)
  })

  test("codex-gates.json's reports.historyKeep comes after the flag and the variable, before configs/reports.json", () => {
    dir = mkdtempSync(join(tmpdir(), 'report-config-'))
    const legacy = join(dir, 'reports.json')
    writeFileSync(legacy, '{ "historyKeep": 7 }')
    writeFileSync(join(dir, 'codex-gates.json'), '{ "reports": { "historyKeep": 4 } }')
    expect(resolveHistoryKeep(undefined, {}, legacy, dir)).toBe(4)
    expect(resolveHistoryKeep(undefined, { CODEX_REPORTS_KEEP: '5' }, legacy, dir)).toBe(5)
    expect(resolveHistoryKeep(2, {}, legacy, dir)).toBe(2)
    writeFileSync(join(dir, 'codex-gates.json'), '{ "gates": {} }')
    expect(resolveHistoryKeep(undefined, {}, legacy, dir)).toBe(7)
    writeFileSync(join(dir, 'codex-gates.json'), '{ "reports": { "historyKeep": "all" } }')
    expect(() => resolveHistoryKeep(undefined, {}, legacy, dir)).toThrow(
      `${join(dir, 'codex-gates.json')} reports.historyKeep must be a non-negative integer`,
    )
  })
})
