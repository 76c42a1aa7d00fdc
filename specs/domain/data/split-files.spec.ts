import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import type { DatasetManifest } from '../../../src/domain/data/manifest.ts'
import { SplitReader, SplitWriter } from '../../../src/domain/data/split-files.ts'
import { sha256Hex } from '../../../src/foundation/json/canonical-json.ts'
import { tempDir } from '../../support/temp-dir.ts'

function manifestFor(records: number, bytes: number): DatasetManifest {
  return {
    splits: {
      train: {
        records,
        path: 'train.jsonl',
        sha256: '',
        bytes,
        offsets: { path: 'train.offsets', sha256: '', format: 'u64le' },
        shuffle: { algorithm: '', seed: 0, epoch: 0, permutation_sha256: '' },
      },
    },
  } as unknown as DatasetManifest
}

describe('SplitWriter + SplitReader', () => {
  test('any lines come back by index through the offsets', async () => {
    const dir = tempDir()
    let run = 0
    fc.assert(
      fc.property(
        fc.array(
          fc.string({ unit: 'binary' }).map((s) => JSON.stringify({ text: s })),
          { maxLength: 50 },
        ),
        (lines) => {
          const sub = join(dir, String(run++))
          mkdirSync(sub)
          const writer = new SplitWriter(join(sub, 'train.jsonl'))
          for (const l of lines) writer.write(l)
          const { sha256, offsetsSha256 } = writer.finish(join(sub, 'train.offsets'))
          const file = readFileSync(join(sub, 'train.jsonl'))
          expect(sha256).toBe(sha256Hex(file))
          expect(offsetsSha256).toBe(sha256Hex(readFileSync(join(sub, 'train.offsets'))))
          expect(writer.bytes).toBe(file.length)
          const reader = new SplitReader(join(sub, 'manifest.json'), 'train', manifestFor(lines.length, file.length))
          expect(reader.length).toBe(lines.length)
          lines.forEach((l, i) => {
            expect(reader.get(i)).toEqual(JSON.parse(Buffer.from(l).toString('utf8')))
          })
          reader.close()
        },
      ),
      { numRuns: 15 },
    )
  })

  test('offsets are u64 little-endian, records + 1 of them', () => {
    const dir = tempDir()
    const writer = new SplitWriter(join(dir, 'train.jsonl'))
    writer.write('{"a":1}')
    writer.write('{"b":"é"}')
    writer.finish(join(dir, 'train.offsets'))
    const raw = readFileSync(join(dir, 'train.offsets'))
    // '{"a":1}\n' = 8 bytes; '{"b":"é"}\n' = 9 ASCII + 2 for é = 11 bytes → 0, 8, 19
    expect([0, 1, 2].map((i) => Number(raw.readBigUInt64LE(i * 8)))).toEqual([0, 8, 19])
  })

  test('index and split errors name what is wrong', () => {
    const dir = tempDir()
    const writer = new SplitWriter(join(dir, 'train.jsonl'))
    writer.write('{}')
    writer.finish(join(dir, 'train.offsets'))
    const reader = new SplitReader(join(dir, 'manifest.json'), 'train', manifestFor(1, 3))
    expect(() => reader.text(1)).toThrow(/index 1 is outside 0\.\.0/)
    expect(() => new SplitReader(join(dir, 'manifest.json'), 'val', manifestFor(1, 3))).toThrow(/no split "val"/)
    expect(() => new SplitReader(join(dir, 'manifest.json'), 'train', manifestFor(2, 3))).toThrow(
      /split train has 1 offsets but the manifest says 2 records/,
    )
  })
})
