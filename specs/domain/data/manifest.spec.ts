import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import {
  artifactLedgerRecord,
  type DatasetManifest,
  eventLedgerRecord,
  readManifest,
  writeManifest,
} from '../../../src/domain/data/manifest.ts'
import { sha256Hex } from '../../../src/foundation/json/canonical-json.ts'
import { tempDir } from '../../support/temp-dir.ts'

const manifest = {
  format: 'codex-dataset-manifest',
  version: 1,
  name: 'm',
  splits: {},
} as unknown as DatasetManifest

describe('writeManifest() / readManifest()', () => {
  test('round-trips and returns the artifact row with the file hash', () => {
    const dir = tempDir()
    const path = join(dir, 'manifest.json')
    const artifact = writeManifest(path, manifest)
    const text = `${JSON.stringify(manifest, null, 2)}\n`
    expect(artifact).toEqual({
      kind: 'dataset-manifest',
      path,
      sha256: sha256Hex(text),
      bytes: Buffer.byteLength(text),
    })
    expect(readManifest(path)).toEqual(manifest)
  })

  test('refuses other files, naming them', () => {
    const dir = tempDir()
    const path = join(dir, 'other.json')
    writeFileSync(path, '{"format": "x", "version": 1}')
    expect(() => readManifest(path)).toThrow(
      /other\.json: not a codex-dataset-manifest v1 file \(format "x", version 1\)/,
    )
    expect(() => readManifest(join(dir, 'none.json'))).toThrow(/cannot read dataset manifest .*none\.json: ENOENT/)
  })
})

describe('ledger records', () => {
  test('artifacts and events rows as the ledger tables take them', () => {
    const at = new Date('2026-03-04T05:06:07Z')
    const artifact = artifactLedgerRecord('s1', { kind: 'dataset-manifest', path: 'p', sha256: 'h', bytes: 3 }, at)
    expect(artifact.rid).toMatch(/^[0-9a-f-]{36}$/)
    expect(artifact).toMatchObject({
      table: 'artifacts',
      row: {
        session_id: 's1',
        kind: 'dataset-manifest',
        path: 'p',
        sha256: 'h',
        bytes: 3,
        created_at: '2026-03-04T05:06:07.000Z',
      },
    })
    const event = eventLedgerRecord('s1', { role: 'system', level: 'warn', message: 'm', data: { a: 1 } }, at)
    expect(event).toMatchObject({
      table: 'events',
      row: {
        session_id: 's1',
        ts: '2026-03-04T05:06:07.000Z',
        role: 'system',
        level: 'warn',
        message: 'm',
        data_json: '{"a":1}',
      },
    })
    expect(eventLedgerRecord('s1', { role: 'tool', message: 'x' }, at).row).toMatchObject({
      level: 'info',
      data_json: null,
    })
  })
})
