import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { appendNdjson, toCsv, toNdjson, writeCsv, writeNdjson } from '../../../src/domain/eval/writers.ts'
import { tempDir } from '../../support/temp-dir.ts'

describe('toNdjson() / toCsv()', () => {
  test('NDJSON: one object per line', () => {
    expect(toNdjson([{ a: 1 }, { b: 'x' }])).toBe('{"a":1}\n{"b":"x"}\n')
    expect(toNdjson([])).toBe('')
  })

  test('CSV: header of all keys, RFC 4180 quoting, JSON for structures', () => {
    const csv = toCsv([
      { id: 1, text: 'plain', refs: ['a', 'b'] },
      { id: 2, text: 'has, comma and "quote"\nnewline', score: 0.5 },
      { id: 3, text: ' padded ', score: null },
    ])
    expect(csv).toBe(
      'id,text,refs,score\r\n' +
        '1,plain,"[""a"",""b""]",\r\n' +
        '2,"has, comma and ""quote""\nnewline",,0.5\r\n' +
        '3," padded ",,\r\n',
    )
    expect(toCsv([{ a: 1, b: 2 }], ['b'])).toBe('b\r\n2\r\n')
  })
})

describe('file writers', () => {
  test('write atomically into new folders; append streams rows', () => {
    const dir = tempDir()
    writeNdjson(join(dir, 'a', 'rows.ndjson'), [{ x: 1 }])
    writeCsv(join(dir, 'b', 'rows.csv'), [{ x: 1 }])
    appendNdjson(join(dir, 'c', 'rows.ndjson'), { y: 1 })
    appendNdjson(join(dir, 'c', 'rows.ndjson'), { y: 2 })
    expect(readFileSync(join(dir, 'a', 'rows.ndjson'), 'utf8')).toBe('{"x":1}\n')
    expect(readFileSync(join(dir, 'b', 'rows.csv'), 'utf8')).toBe('x\r\n1\r\n')
    expect(readFileSync(join(dir, 'c', 'rows.ndjson'), 'utf8')).toBe('{"y":1}\n{"y":2}\n')
  })
})
