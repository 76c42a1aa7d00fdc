import { appendFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { type DatasetConfig, parseDatasetConfig } from '../../../src/domain/data/dataset-config.ts'
import { readManifest } from '../../../src/domain/data/manifest.ts'
import { prepareDataset } from '../../../src/domain/data/prepare-dataset.ts'
import { EpochSampler } from '../../../src/domain/data/shuffle.ts'
import { Splitter } from '../../../src/domain/data/split.ts'
import { SplitReader } from '../../../src/domain/data/split-files.ts'
import { BpeTokenizer } from '../../../src/domain/data/tokenizers/bpe-tokenizer.ts'
import { canonicalJson, sha256Hex } from '../../../src/foundation/json/canonical-json.ts'
import { recordToLedger } from '../../../src/ledger/ledger-meta.ts'
import { openLedger } from '../../../src/ledger/open-ledger.ts'
import { tempDir } from '../../support/temp-dir.ts'

const AWS_KEY = ['AKIA', 'QRSTUVWXYZ234567'].join('')

function corpus(dir: string, n = 200): string {
  const path = join(dir, `corpus-${n}.jsonl`)
  const lines = Array.from({ length: n }, (_, i) => JSON.stringify({ text: `Story ${i}: the fox ran ${i % 7} times.` }))
  writeFileSync(path, `${lines.join('\n')}\n`)
  return path
}

function config(dir: string, source: string, extra: Partial<Record<string, unknown>> = {}): DatasetConfig {
  return parseDatasetConfig({
    name: 'spec-data',
    source,
    record_schema: 'text',
    seed: 7,
    splits: { train: 0.8, val: 0.1, test: 0.1 },
    artifacts_dir: join(dir, 'artifacts'),
    ...extra,
  })
}

describe('prepareDataset()', () => {
  test('writes split files, offsets, tokenizer and a manifest that describe each other', async () => {
    const dir = tempDir()
    const source = corpus(dir)
    const prepared = await prepareDataset(config(dir, source, { tokenizer: { kind: 'bpe', vocab_size: 300 } }), {
      now: () => new Date('2026-01-02T03:04:05Z'),
    })
    const m = prepared.manifest
    expect(prepared.cached).toBe(false)
    expect(m.source).toEqual({
      path: source,
      sha256: sha256Hex(readFileSync(source)),
      bytes: readFileSync(source).length,
    })
    expect(m.records).toEqual({ lines: 200, blank: 0, valid: 200, invalid_skipped: 0, dropped: 0, kept: 200 })
    expect(m.created_at).toBe('2026-01-02T03:04:05.000Z')
    expect(m.record_schema.id).toBe('text')
    expect(Object.values(m.splits).reduce((n, s) => n + s.records, 0)).toBe(200)

    // Every record is in the split its content hashes to, found through the offsets.
    const splitter = new Splitter(m.split_ratios, m.seed)
    const seen: string[] = []
    for (const [name, entry] of Object.entries(m.splits)) {
      const file = readFileSync(join(prepared.dir, entry.path))
      expect(sha256Hex(file)).toBe(entry.sha256)
      expect(file.length).toBe(entry.bytes)
      expect(sha256Hex(readFileSync(join(prepared.dir, entry.offsets.path)))).toBe(entry.offsets.sha256)
      expect(entry.shuffle.permutation_sha256).toBe(EpochSampler.create(entry.records, 7).cursor().permutation_sha256)
      const reader = new SplitReader(prepared.manifestPath, name)
      for (let i = 0; i < reader.length; i++) {
        const value = reader.get(i)
        expect(splitter.splitOf(canonicalJson(value))).toBe(name)
        seen.push((value as { text: string }).text)
      }
      reader.close()
    }
    expect(seen.sort()).toEqual(Array.from({ length: 200 }, (_, i) => `Story ${i}: the fox ran ${i % 7} times.`).sort())

    expect(m.tokenizer?.kind).toBe('bpe')
    expect(prepared.tokenizer).toBeInstanceOf(BpeTokenizer)
    expect(prepared.tokenizer?.id).toBe(m.tokenizer?.id)
    expect(prepared.artifact).toEqual({
      kind: 'dataset-manifest',
      path: prepared.manifestPath,
      sha256: sha256Hex(readFileSync(prepared.manifestPath)),
      bytes: readFileSync(prepared.manifestPath).length,
    })
    expect(readManifest(prepared.manifestPath)).toEqual(m)
    expect(readdirSync(join(dir, 'artifacts', 'spec-data')).filter((f) => f.includes('.tmp-'))).toEqual([])
  })

  test('an unchanged input is not prepared twice; a changed one gets its own folder', async () => {
    const dir = tempDir()
    const source = corpus(dir)
    const cfg = config(dir, source)
    const first = await prepareDataset(cfg)
    const second = await prepareDataset(cfg)
    expect(second.cached).toBe(true)
    expect(second.dir).toBe(first.dir)
    expect(second.manifest.created_at).toBe(first.manifest.created_at)
    const forced = await prepareDataset(cfg, { force: true, now: () => new Date('2030-01-01T00:00:00Z') })
    expect(forced.cached).toBe(false)
    expect(forced.manifest.created_at).toBe('2030-01-01T00:00:00.000Z')
    expect(readManifest(forced.manifestPath).created_at).toBe('2030-01-01T00:00:00.000Z')

    appendFileSync(source, '{"text": "one more"}\n')
    const third = await prepareDataset(cfg)
    expect(third.cached).toBe(false)
    expect(third.dir).not.toBe(first.dir)
    expect(third.manifest.records.kept).toBe(201)
    // Appending moves no existing record: each old split is a prefix-subset of the new one.
    for (const [name, entry] of Object.entries(first.manifest.splits)) {
      const before = readFileSync(join(first.dir, entry.path), 'utf8')
      const after = readFileSync(join(third.dir, (third.manifest.splits[name] as typeof entry).path), 'utf8')
      expect(after.startsWith(before)).toBe(true)
    }
    expect((await prepareDataset({ ...cfg, seed: 8 })).dir).not.toBe(first.dir)
  })

  test('a damaged prepared folder is rebuilt', async () => {
    const dir = tempDir()
    const cfg = config(dir, corpus(dir, 50))
    const first = await prepareDataset(cfg)
    writeFileSync(join(first.dir, 'train.jsonl'), 'truncated')
    const again = await prepareDataset(cfg)
    expect(again.cached).toBe(false)
    expect(readFileSync(join(again.dir, 'train.jsonl')).length).toBe(again.manifest.splits.train?.bytes)
  })

  test('safety filter counts land in the manifest; a bypass is a warn event for the ledger', async () => {
    const dir = tempDir()
    const source = join(dir, 'unsafe.jsonl')
    const pem = ['-----BEGIN RSA PRIVATE', 'KEY-----\\nMIIE\\n-----END RSA PRIVATE', 'KEY-----'].join(' ')
    writeFileSync(
      source,
      [
        '{"text": "mail jane@example.com"}',
        `{"text": "key ${AWS_KEY}"}`,
        `{"text": "${pem}"}`,
        '{"text": "clean"}',
      ].join('\n'),
    )
    const policy = join('specs', 'fixtures', 'data', 'policy.json')
    const filtered = await prepareDataset(config(dir, source, { safety: { policy }, splits: { train: 1 } }))
    expect(filtered.manifest.safety).toMatchObject({
      policy,
      bypassed: false,
      dropped: 1,
      rules: {
        'private-key': { action: 'drop', matches: 1, records: 1 },
        secrets: { action: 'redact', matches: 1, records: 1 },
        email: { action: 'redact', matches: 1, records: 1 },
      },
    })
    const train = readFileSync(join(filtered.dir, 'train.jsonl'), 'utf8')
    expect(train).not.toContain(AWS_KEY)
    expect(train).toContain('[EMAIL]')
    expect(filtered.events).toEqual([])

    const bypassed = await prepareDataset(
      config(dir, source, { safety: { policy, bypass: true }, splits: { train: 1 } }),
    )
    expect(bypassed.manifest.safety).toMatchObject({ bypassed: true, dropped: 0, policy_sha256: null, rules: {} })
    expect(bypassed.manifest.records.kept).toBe(4)
    expect(bypassed.events).toEqual([
      expect.objectContaining({
        role: 'system',
        level: 'warn',
        message: 'safety filter bypassed for dataset spec-data',
      }),
    ])
    expect(bypassed.dir).not.toBe(filtered.dir)
  })

  test('ledger rows: the manifest artifact and the events, through ledger.write and through test meta', async ({
    task,
  }) => {
    const dir = tempDir()
    const source = corpus(dir, 20)
    const prepared = await prepareDataset(config(dir, source, { safety: { bypass: true } }))
    const ledger = openLedger(join(dir, 'ledger.db'))
    try {
      ledger.write(prepared.ledgerRecords('session-1'))
      expect(ledger.all('SELECT session_id, kind, path, sha256, bytes FROM artifacts')).toEqual([
        { session_id: 'session-1', ...prepared.artifact },
      ])
      expect(ledger.all('SELECT session_id, role, level, message FROM events')).toEqual([
        {
          session_id: 'session-1',
          role: 'system',
          level: 'warn',
          message: 'safety filter bypassed for dataset spec-data',
        },
      ])
    } finally {
      ledger.close()
    }
    recordToLedger(task, { artifacts: [prepared.artifact], events: prepared.events })
    expect(task.meta.codexLedger?.artifacts).toEqual([prepared.artifact])
  })

  test('bad records stop preparation with file:line, or are skipped and counted', async () => {
    const dir = tempDir()
    const source = join('specs', 'fixtures', 'data', 'invalid-text.jsonl')
    await expect(prepareDataset(config(dir, source))).rejects.toThrow(`${source}:2 /text: is required`)
    const skipped = await prepareDataset(config(dir, source, { skip_invalid: true }))
    expect(skipped.manifest.records).toEqual({ lines: 7, blank: 1, valid: 2, invalid_skipped: 4, dropped: 0, kept: 2 })
    expect(skipped.events).toEqual([
      expect.objectContaining({ level: 'warn', message: `skipped 4 invalid records in ${source}` }),
    ])
    expect(existsSync(join(dir, 'artifacts', 'spec-data'))).toBe(true)
  })

  test('char tokenizer covers every split; prompt-completion records; missing text field named', async () => {
    const dir = tempDir()
    const qa = join('specs', 'fixtures', 'data', 'qa.jsonl')
    const prepared = await prepareDataset(
      config(dir, qa, {
        record_schema: 'prompt-completion',
        tokenizer: { kind: 'char' },
        splits: { train: 0.5, val: 0.5 },
      }),
    )
    const tok = prepared.tokenizer
    for (const line of readFileSync(qa, 'utf8').trim().split('\n')) {
      const { prompt, completion } = JSON.parse(line) as { prompt: string; completion: string }
      expect(tok?.decode(tok.encode(`${prompt}\n${completion}`))).toBe(`${prompt}\n${completion}`)
    }
    await expect(
      prepareDataset(
        config(dir, qa, { record_schema: 'prompt-completion', text_fields: ['answer'], tokenizer: { kind: 'char' } }),
      ),
    ).rejects.toThrow(/qa\.jsonl:1 \/answer: text_fields names "answer" but the record has no such field/)
  })

  test('a tokenizer file is loaded and hashed into the cache key', async () => {
    const dir = tempDir()
    const source = corpus(dir, 30)
    const tokPath = join(dir, 'tok.json')
    writeFileSync(tokPath, JSON.stringify(BpeTokenizer.train(['the fox ran'], { vocabSize: 262 }).toJSON()))
    const a = await prepareDataset(config(dir, source, { tokenizer: { kind: 'file', path: tokPath } }))
    expect(a.manifest.tokenizer?.kind).toBe('bpe')
    writeFileSync(tokPath, JSON.stringify(BpeTokenizer.train(['the fox ran ran'], { vocabSize: 263 }).toJSON()))
    const b = await prepareDataset(config(dir, source, { tokenizer: { kind: 'file', path: tokPath } }))
    expect(b.dir).not.toBe(a.dir)
    await expect(prepareDataset(config(dir, join(dir, 'missing.jsonl')))).rejects.toThrow(
      /cannot read dataset source .*missing\.jsonl: ENOENT/,
    )
  })
})
