import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { UserError } from '../../foundation/errors/user-error.ts'
import { writeFileAtomic } from '../../foundation/fs/write-file-atomic.ts'
import { sha256Hex } from '../../foundation/json/canonical-json.ts'
import type { ArtifactMeta, EventMeta } from '../../ledger/ledger-meta.ts'
import type { LedgerRecord } from '../../ledger/records.ts'
import type { RuleCounts } from './safety-filter.ts'
import type { SplitRatios } from './split.ts'

export const MANIFEST_FORMAT = 'codex-dataset-manifest'
export const MANIFEST_VERSION = 1
/** Bumped when preparation output changes for the same inputs: part of every cache key. */
export const PIPELINE_VERSION = 1
/** The `kind` of the manifest's row in the ledger's `artifacts` table. */
export const MANIFEST_ARTIFACT_KIND = 'dataset-manifest'

/** One prepared split: a JSONL file, its record offsets and its epoch-0 order. */
export interface SplitEntry {
  records: number
  /** File name inside the manifest's folder. */
  path: string
  sha256: string
  bytes: number
  /** records + 1 little-endian uint64 byte offsets into `path`; the last is the file size. */
  offsets: { path: string; sha256: string; format: 'u64le' }
  /** The epoch-0 order `EpochSampler.create(records, seed)` walks. */
  shuffle: { algorithm: string; seed: number; epoch: 0; permutation_sha256: string }
}

/** Everything a prepared dataset is, and what it was made from. */
export interface DatasetManifest {
  format: typeof MANIFEST_FORMAT
  version: typeof MANIFEST_VERSION
  name: string
  /** sha256 over the canonical inputs (source hash, schema, policy, seed, ratios, tokenizer config, pipeline version). */
  cache_key: string
  created_at: string
  pipeline_version: number
  source: { path: string; sha256: string; bytes: number }
  record_schema: { id: string; sha256: string }
  seed: number
  split_ratios: SplitRatios
  text_fields: string[]
  records: { lines: number; blank: number; valid: number; invalid_skipped: number; dropped: number; kept: number }
  splits: Record<string, SplitEntry>
  tokenizer: { id: string; kind: string; vocab_size: number; sha256: string; path: string } | null
  safety: {
    policy: string | null
    policy_sha256: string | null
    bypassed: boolean
    dropped: number
    rules: Record<string, RuleCounts>
  }
}

/** Writes `manifest.json` atomically; returns the artifact the ledger records for it. */
export function writeManifest(path: string, manifest: DatasetManifest): ArtifactMeta {
  const text = `${JSON.stringify(manifest, null, 2)}\n`
  writeFileAtomic(path, text)
  return { kind: MANIFEST_ARTIFACT_KIND, path, sha256: sha256Hex(text), bytes: Buffer.byteLength(text) }
}

/** Reads a manifest, refusing files of another format or version. */
export function readManifest(path: string): DatasetManifest {
  let value: unknown
  try {
    value = JSON.parse(readFileSync(path, 'utf8'))
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new UserError(
      'DATA_MANIFEST',
      `cannot read dataset manifest ${path}: ${code ?? (error as Error).message}`,
      'prepare the dataset first (prepareDataset) or check the path',
    )
  }
  const m = value as Partial<DatasetManifest>
  if (m.format !== MANIFEST_FORMAT || m.version !== MANIFEST_VERSION) {
    throw new UserError(
      'DATA_MANIFEST',
      `${path}: not a ${MANIFEST_FORMAT} v${MANIFEST_VERSION} file (format ${JSON.stringify(m.format)}, version ${JSON.stringify(m.version)})`,
      'prepare the dataset again with this version',
    )
  }
  return m as DatasetManifest
}

/** One split's entry of a manifest read from `manifestPath`, or a UserError listing the splits it has. */
export function manifestSplit(manifest: DatasetManifest, manifestPath: string, split: string): SplitEntry {
  const entry = manifest.splits[split]
  if (!entry) {
    throw new UserError(
      'DATA_SPLIT_UNKNOWN',
      `${manifestPath}: no split "${split}"`,
      `available: ${Object.keys(manifest.splits).join(', ')}`,
    )
  }
  return entry
}

/** The manifest's row for the ledger's `artifacts` table, ready for `ledger.write([...])`. */
export function artifactLedgerRecord(sessionId: string, artifact: ArtifactMeta, createdAt = new Date()): LedgerRecord {
  return {
    rid: randomUUID(),
    table: 'artifacts',
    row: {
      session_id: sessionId,
      kind: artifact.kind,
      path: artifact.path,
      sha256: artifact.sha256 ?? null,
      bytes: artifact.bytes ?? null,
      created_at: createdAt.toISOString(),
    },
  }
}

/** An event (e.g. the safety bypass) as a row for the ledger's `events` table. */
export function eventLedgerRecord(sessionId: string, event: EventMeta, at = new Date()): LedgerRecord {
  return {
    rid: randomUUID(),
    table: 'events',
    row: {
      session_id: sessionId,
      ts: at.toISOString(),
      role: event.role,
      level: event.level ?? 'info',
      message: event.message,
      data_json: event.data === undefined ? null : JSON.stringify(event.data),
    },
  }
}
