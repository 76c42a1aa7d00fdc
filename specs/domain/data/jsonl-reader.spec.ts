import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { type InvalidLine, JsonlReader, readLines } from '../../../src/domain/data/jsonl-reader.ts'
import { loadRecordSchema } from '../../../src/domain/data/schemas.ts'
import { tempDir } from '../../support/temp-dir.ts'

const FIXTURE = join('specs', 'fixtures', 'data', 'invalid-text.jsonl')
const textSchema = loadRecordSchema('text')

async function collect(reader: JsonlReader) {
  const out = []
  for await (const r of reader) out.push(r)
  return out
}

describe('JsonlReader', () => {
  test('stops at the first bad line with file:line field: message', async () => {
    const reader = new JsonlReader(FIXTURE, { validate: textSchema.validate })
    await expect(collect(reader)).rejects.toThrow(`${FIXTURE}:2 /text: is required; /txt: is not allowed by the schema`)
  })

  test('skipInvalid counts, reports and skips every bad line', async () => {
    const invalid: InvalidLine[] = []
    const reader = new JsonlReader(FIXTURE, {
      validate: textSchema.validate,
      skipInvalid: true,
      onInvalid: (i) => invalid.push(i),
    })
    const records = await collect(reader)
    expect(records.map((r) => [r.line, r.value])).toEqual([
      [1, { text: 'first record' }],
      [7, { text: 'last one', id: 7 }],
    ])
    expect(invalid.map((i) => [i.line, i.field])).toEqual([
      [2, '/text'],
      [3, '(json)'],
      [4, '/text'],
      [6, '/extra'],
    ])
    expect(invalid[2]?.message).toBe('/text: must be string')
    expect(invalid[1]?.message).toMatch(/^\(json\): not valid JSON/)
    expect(reader.stats).toEqual({ lines: 7, blank: 1, valid: 2, invalid: 4, bytes: readFileSync(FIXTURE).length })
  })

  test('a missing file is a user error naming it', async () => {
    await expect(collect(new JsonlReader('specs/fixtures/data/nope.jsonl'))).rejects.toThrow(
      /cannot read specs\/fixtures\/data\/nope\.jsonl: ENOENT/,
    )
  })

  test('handles a BOM, CRLF and a last line without newline', async () => {
    const dir = tempDir()
    const path = join(dir, 'crlf.jsonl')
    writeFileSync(path, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"text":"a"}\r\n{"text":"é"}')]))
    const records = await collect(new JsonlReader(path, { validate: textSchema.validate }))
    expect(records.map((r) => r.value)).toEqual([{ text: 'a' }, { text: 'é' }])
    // line 1: BOM (3) + {"text":"a"} (12) + CR (1) = 16 bytes; line 2 starts after its LF at 17,
    // {"text":"é"} = 11 ASCII + 2 for é = 13 bytes.
    expect(records.map((r) => [r.offset, r.bytes])).toEqual([
      [0, 16],
      [17, 13],
    ])
  })
})

describe('readLines()', () => {
  test('offsets point at each line, whatever the read size', async () => {
    const dir = tempDir()
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.string({ unit: 'binary' }).map((s) => s.replaceAll('\n', ' ')),
          { maxLength: 30 },
        ),
        fc.integer({ min: 1, max: 64 }),
        fc.boolean(),
        async (lines, chunk, finalNewline) => {
          const path = join(dir, 'lines.txt')
          const text = lines.join('\n') + (finalNewline && lines.length > 0 ? '\n' : '')
          writeFileSync(path, text)
          const bytes = readFileSync(path)
          const seen = []
          for await (const l of readLines(path, chunk)) {
            seen.push(l.text)
            expect(
              bytes
                .subarray(l.offset, l.offset + l.bytes)
                .toString('utf8')
                .replace(/\r$/, ''),
            ).toBe(l.text)
          }
          const expected = text === '' ? [] : text.replace(/\n$/, '').split('\n')
          expect(seen).toEqual(
            expected.map((l) =>
              Buffer.from(l)
                .toString('utf8')
                .replace(/\r$/, '')
                .replace(/^\uFEFF/, ''),
            ),
          )
        },
      ),
      { numRuns: 60 },
    )
  })
})
