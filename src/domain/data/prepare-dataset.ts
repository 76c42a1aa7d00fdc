import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { hashFile } from '../../foundation/fs/hash-file.ts'
import { fsyncDir, writeFileAtomic } from '../../foundation/fs/write-file-atomic.ts'
import { canonicalJson, sha256Hex } from '../../foundation/json/canonical-json.ts'
import type { ArtifactMeta, EventMeta } from '../../ledger/ledger-meta.ts'
import type { LedgerRecord } from '../../ledger/records.ts'
import { commitPreparedDir, reusableManifest } from './dataset-cache.ts'
import { type DatasetConfig, DEFAULT_TRAIN_BYTES } from './dataset-config.ts'
import { JsonlReader } from './jsonl-reader.ts'
import {
  artifactLedgerRecord,
  type DatasetManifest,
  eventLedgerRecord,
  MANIFEST_ARTIFACT_KIND,
  MANIFEST_FORMAT,
  MANIFEST_VERSION,
  PIPELINE_VERSION,
  readManifest,
  type SplitEntry,
  writeManifest,
} from './manifest.ts'
import { loadSafetyPolicy, type SafetyFilter } from './safety-filter.ts'
import { loadRecordSchema, RECORD_SCHEMAS_DIR } from './schemas.ts'
import { EpochSampler, SHUFFLE_ALGORITHM } from './shuffle.ts'
import { Splitter } from './split.ts'
import { SplitWriter } from './split-files.ts'
import { buildDatasetTokenizer, recordText } from './tokenizers/dataset-tokenizer.ts'
import { loadTokenizerFile, tokenizerSha256 } from './tokenizers/load-tokenizer.ts'
import type { Tokenizer } from './tokenizers/tokenizer.ts'

export interface PrepareOptions {
  /** Rebuild even when a valid prepared copy exists (default false). */
  force?: boolean
  /** Where record schemas are looked up (default configs/schemas/records). */
  schemasDir?: string
  /** Progress and skip lines (default: none). */
  log?: (line: string) => void
  /** Clock for `created_at` (tests). */
  now?: () => Date
}

/** A prepared dataset, and what the ledger should hear about it. */
export interface PreparedDataset {
  dir: string
  manifestPath: string
  manifest: DatasetManifest
  /** True when an earlier identical preparation was reused. */
  cached: boolean
  /** The manifest as an `artifacts` row (for `recordToLedger` or `artifactLedgerRecord`). */
  artifact: ArtifactMeta
  /** Warnings for the ledger's `events` (safety bypass, skipped records). */
  events: EventMeta[]
  tokenizer: Tokenizer | null
  /** The artifact and events as ledger records for `ledger.write(...)`. */
  ledgerRecords(sessionId: string): LedgerRecord[]
}

/**
 * Prepares a dataset: hash the source, reuse a prepared copy with the same cache key, else stream
 * records (schema check → safety filter → hashed split) into split files with byte offsets, build
 * the tokenizer, record each split's epoch-0 order, and write manifest.json. The folder is built
 * under a temp name and renamed into place, so a crash never leaves a half-prepared dataset.
 */
export async function prepareDataset(config: DatasetConfig, options: PrepareOptions = {}): Promise<PreparedDataset> {
  const log = options.log ?? (() => {})
  const now = options.now ?? (() => new Date())
  const source = await hashFile(config.source, 'dataset source')
  const schema = loadRecordSchema(config.record_schema, options.schemasDir ?? RECORD_SCHEMAS_DIR)
  const bypassed = config.safety.bypass
  const filter = config.safety.policy && !bypassed ? loadSafetyPolicy(config.safety.policy) : null
  const policySha = config.safety.policy && !bypassed ? (filter as SafetyFilter).sha256 : null
  const tokenizerFile = config.tokenizer?.kind === 'file' ? await hashFile(config.tokenizer.path, 'tokenizer') : null

  const cacheKey = sha256Hex(
    canonicalJson({
      pipeline: PIPELINE_VERSION,
      source: source.sha256,
      schema: { id: schema.id, sha256: schema.sha256 },
      text_fields: config.text_fields,
      seed: config.seed,
      splits: config.splits,
      skip_invalid: config.skip_invalid,
      safety: { policy: policySha, bypass: bypassed },
      tokenizer: tokenizerFile ? { kind: 'file', sha256: tokenizerFile.sha256 } : (config.tokenizer ?? null),
    }),
  )
  const dir = join(config.artifacts_dir, config.name, cacheKey.slice(0, 16))
  const manifestPath = join(dir, 'manifest.json')

  if (!options.force) {
    const reused = reusableManifest(manifestPath, cacheKey)
    if (reused) {
      log(`dataset ${config.name}: unchanged input, reusing ${dir}`)
      return result(dir, manifestPath, reused, true)
    }
  }

  mkdirSync(join(config.artifacts_dir, config.name), { recursive: true })
  const temp = `${dir}.tmp-${randomBytes(6).toString('hex')}`
  mkdirSync(temp)
  try {
    const manifest = await build(config, temp, {
      cacheKey,
      source,
      schema,
      filter,
      bypassed,
      policySha,
      now,
      log,
    })
    writeManifest(join(temp, 'manifest.json'), manifest)
    commitPreparedDir(temp, dir, manifestPath, cacheKey, options.force ?? false)
    const committed = readManifest(manifestPath)
    log(`dataset ${config.name}: ${committed.records.kept} records prepared in ${dir}`)
    return result(dir, manifestPath, committed, false)
  } finally {
    rmSync(temp, { recursive: true, force: true })
  }
}

// --- internal ---

interface BuildContext {
  cacheKey: string
  source: { sha256: string; bytes: number }
  schema: ReturnType<typeof loadRecordSchema>
  filter: SafetyFilter | null
  bypassed: boolean
  policySha: string | null
  now: () => Date
  log: (line: string) => void
}

async function build(config: DatasetConfig, dir: string, ctx: BuildContext): Promise<DatasetManifest> {
  const splitter = new Splitter(config.splits, config.seed)
  const writers = new Map(splitter.names.map((name) => [name, new SplitWriter(join(dir, `${name}.jsonl`))]))
  const reader = new JsonlReader(config.source, {
    validate: ctx.schema.validate,
    skipInvalid: config.skip_invalid,
    onInvalid: (bad) => ctx.log(`skipped ${bad.file}:${bad.line} ${bad.message}`),
  })
  const tok = config.tokenizer
  const trainSplit = splitter.names.includes('train') ? 'train' : undefined
  const trainBudget = tok?.kind === 'bpe' ? (tok.train_bytes ?? DEFAULT_TRAIN_BYTES) : 0
  const trainTexts: string[] = []
  let trainBytes = 0
  const alphabet = new Set<string>()
  let dropped = 0
  let kept = 0
  try {
    for await (const record of reader) {
      let value = record.value
      let line = record.text
      if (ctx.filter) {
        const outcome = ctx.filter.apply(value)
        if (outcome.action === 'drop') {
          dropped++
          continue
        }
        if (outcome.changed) {
          value = outcome.value
          line = JSON.stringify(value)
        }
      }
      const split = splitter.splitOf(canonicalJson(value))
      ;(writers.get(split) as SplitWriter).write(line)
      kept++
      if (tok && tok.kind !== 'file') {
        const text = recordText(value, config.text_fields, config.source, record.line)
        if (tok.kind === 'char') for (const ch of text) alphabet.add(ch)
        else if (trainBytes < trainBudget && (trainSplit === undefined || split === trainSplit)) {
          trainTexts.push(text)
          trainBytes += Buffer.byteLength(text)
        }
      }
    }
  } catch (error) {
    for (const w of writers.values()) w.abort()
    throw error
  }
  const splits: Record<string, SplitEntry> = {}
  for (const [name, writer] of writers) {
    const { sha256, offsetsSha256 } = writer.finish(join(dir, `${name}.offsets`))
    const order =
      writer.records > 0 ? EpochSampler.create(writer.records, config.seed).cursor().permutation_sha256 : sha256Hex('')
    splits[name] = {
      records: writer.records,
      path: `${name}.jsonl`,
      sha256,
      bytes: writer.bytes,
      offsets: { path: `${name}.offsets`, sha256: offsetsSha256, format: 'u64le' },
      shuffle: { algorithm: SHUFFLE_ALGORITHM, seed: config.seed, epoch: 0, permutation_sha256: order },
    }
  }

  let tokenizer: DatasetManifest['tokenizer'] = null
  if (tok) {
    const built = buildDatasetTokenizer(config, trainTexts, alphabet)
    const json = `${JSON.stringify(built.toJSON())}\n`
    writeFileAtomic(join(dir, 'tokenizer.json'), json)
    tokenizer = {
      id: built.id,
      kind: tok.kind === 'file' ? (built.toJSON() as { type: string }).type : tok.kind,
      vocab_size: built.vocabSize,
      sha256: tokenizerSha256(built),
      path: 'tokenizer.json',
    }
  }
  fsyncDir(dir)

  return {
    format: MANIFEST_FORMAT,
    version: MANIFEST_VERSION,
    name: config.name,
    cache_key: ctx.cacheKey,
    created_at: ctx.now().toISOString(),
    pipeline_version: PIPELINE_VERSION,
    source: { path: config.source, sha256: ctx.source.sha256, bytes: ctx.source.bytes },
    record_schema: { id: ctx.schema.id, sha256: ctx.schema.sha256 },
    seed: config.seed,
    split_ratios: config.splits,
    text_fields: config.text_fields,
    records: {
      lines: reader.stats.lines,
      blank: reader.stats.blank,
      valid: reader.stats.valid,
      invalid_skipped: reader.stats.invalid,
      dropped,
      kept,
    },
    splits,
    tokenizer,
    safety: {
      policy: config.safety.policy ?? null,
      policy_sha256: ctx.policySha,
      bypassed: ctx.bypassed,
      dropped,
      rules: ctx.filter ? structuredClone(ctx.filter.counts) : {},
    },
  }
}

function result(dir: string, manifestPath: string, manifest: DatasetManifest, cached: boolean): PreparedDataset {
  const artifact = writtenArtifact(manifestPath)
  const events = datasetEvents(manifest)
  const tokenizer = manifest.tokenizer ? loadTokenizerFile(join(dir, manifest.tokenizer.path)) : null
  return {
    dir,
    manifestPath,
    manifest,
    cached,
    artifact,
    events,
    tokenizer,
    ledgerRecords: (sessionId) => [
      artifactLedgerRecord(sessionId, artifact),
      ...events.map((e) => eventLedgerRecord(sessionId, e)),
    ],
  }
}

function writtenArtifact(manifestPath: string): ArtifactMeta {
  const bytes = readFileSync(manifestPath)
  return { kind: MANIFEST_ARTIFACT_KIND, path: manifestPath, sha256: sha256Hex(bytes), bytes: bytes.length }
}

/** Warnings the ledger keeps about a prepared dataset; the same whether it was just built or reused. */
function datasetEvents(manifest: DatasetManifest): EventMeta[] {
  const events: EventMeta[] = []
  const data = { dataset: manifest.name, source: manifest.source.path, cache_key: manifest.cache_key }
  if (manifest.safety.bypassed) {
    events.push({
      role: 'system',
      level: 'warn',
      message: `safety filter bypassed for dataset ${manifest.name}`,
      data: { ...data, policy: manifest.safety.policy },
    })
  }
  if (manifest.records.invalid_skipped > 0) {
    events.push({
      role: 'system',
      level: 'warn',
      message: `skipped ${manifest.records.invalid_skipped} invalid records in ${manifest.source.path}`,
      data: { ...data, invalid: manifest.records.invalid_skipped },
    })
  }
  return events
}
