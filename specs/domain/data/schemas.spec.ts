import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { listRecordSchemas, loadRecordSchema, readJsonFile } from '../../../src/domain/data/schemas.ts'
import { tempDir } from '../../support/temp-dir.ts'

describe('loadRecordSchema()', () => {
  test('ships text and prompt-completion schemas', () => {
    expect(listRecordSchemas()).toEqual(expect.arrayContaining(['prompt-completion', 'text']))
    const qa = loadRecordSchema('prompt-completion')
    expect(qa.sha256).toMatch(/^[0-9a-f]{64}$/)
    expect(qa.validate({ prompt: 'p', completion: 'c', id: 3 })).toBe(true)
    expect(qa.validate({ prompt: 'p' })).toBe(false)
  })

  test('an unknown id names the nearest schema', () => {
    expect(() => loadRecordSchema('txt')).toThrow(/no record schema "txt"/)
    try {
      loadRecordSchema('txt')
    } catch (error) {
      expect((error as { hint: string }).hint).toMatch(/did you mean text\?/)
    }
  })

  test('a broken schema file is named', () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'bad.schema.json'), JSON.stringify({ type: 'objekt' }))
    writeFileSync(join(dir, 'notjson.schema.json'), '{')
    expect(() => loadRecordSchema('bad', dir)).toThrow(/bad\.schema\.json: not a valid JSON Schema/)
    expect(() => loadRecordSchema('notjson', dir)).toThrow(/notjson\.schema\.json: not valid JSON/)
    expect(() => readJsonFile(join(dir, 'none.json'), 'config')).toThrow(/cannot read config .*none\.json: ENOENT/)
  })
})
