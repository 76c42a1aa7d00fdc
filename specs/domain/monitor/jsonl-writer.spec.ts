import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { JsonlWriter } from '../../../src/domain/monitor/jsonl-writer.ts'
import { tempDir } from '../../support/temp-dir.ts'

describe('JsonlWriter', () => {
  test('rotates by size: the live file never passes maxBytes, older files shift up, the oldest beyond keep goes', () => {
    const path = join(tempDir('jsonl-'), 'm.jsonl')
    const w = new JsonlWriter(path, { maxBytes: 40, keep: 2 })
    for (let i = 0; i < 10; i++) w.write({ i, pad: 'xxxxxxxxxx' }) // 27 bytes a line: one line per file
    expect(w.files()).toEqual([path, `${path}.1`, `${path}.2`])
    expect(readFileSync(path, 'utf8')).toBe('{"i":9,"pad":"xxxxxxxxxx"}\n')
    expect(readFileSync(`${path}.1`, 'utf8')).toContain('"i":8')
    expect(readFileSync(`${path}.2`, 'utf8')).toContain('"i":7')
  })

  test('appends to an existing file and counts its size', () => {
    const path = join(tempDir('jsonl-'), 'm.jsonl')
    new JsonlWriter(path).write({ a: 1 })
    const again = new JsonlWriter(path, { maxBytes: 12 })
    again.write({ b: 2 }) // 8 + 8 > 12: rotates first
    expect(readFileSync(path, 'utf8')).toBe('{"b":2}\n')
    expect(readFileSync(`${path}.1`, 'utf8')).toBe('{"a":1}\n')
  })
})
