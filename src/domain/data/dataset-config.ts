import { join } from 'node:path'
import type { ValidateFunction } from 'ajv'
import { assertValid, createAjv, readJsonFile, SCHEMAS_DIR } from './schemas.ts'
import { type SplitRatios, validateRatios } from './split.ts'
import type { SpecialTokenStrings } from './tokenizers/tokenizer.ts'

/** The JSON Schema every dataset config is validated against. */
export const DATASET_SCHEMA_PATH = join(SCHEMAS_DIR, 'dataset.schema.json')

export type TokenizerConfig =
  | {
      kind: 'bpe'
      vocab_size: number
      min_frequency?: number
      train_bytes?: number
      special_tokens?: SpecialTokenStrings
    }
  | { kind: 'char'; special_tokens?: SpecialTokenStrings }
  | { kind: 'file'; path: string }

/** A dataset config with defaults filled in (see configs/schemas/dataset.schema.json). */
export interface DatasetConfig {
  name: string
  source: string
  record_schema: string
  text_fields: string[]
  seed: number
  splits: SplitRatios
  skip_invalid: boolean
  artifacts_dir: string
  safety: { policy?: string; bypass: boolean }
  tokenizer?: TokenizerConfig
}

/** Default tokenizer-training budget: the first 16 MB of train-split text. */
export const DEFAULT_TRAIN_BYTES = 16_000_000

let compiled: ValidateFunction | undefined

/** Validates a parsed config (ajv, then the ratio sum) and fills defaults. `where` names it in errors. */
export function parseDatasetConfig(value: unknown, where = 'dataset config'): DatasetConfig {
  if (!compiled) compiled = createAjv().compile(readJsonFile(DATASET_SCHEMA_PATH, 'schema').value as object)
  assertValid(compiled, value, where, `see ${DATASET_SCHEMA_PATH} for the fields`)
  const raw = value as Omit<DatasetConfig, 'text_fields' | 'skip_invalid' | 'artifacts_dir' | 'safety'> &
    Partial<DatasetConfig>
  const splits = validateRatios(raw.splits, `${where}: splits`)
  const textFields =
    raw.text_fields ?? (raw.record_schema === 'prompt-completion' ? ['prompt', 'completion'] : ['text'])
  return {
    name: raw.name,
    source: raw.source,
    record_schema: raw.record_schema,
    text_fields: [...textFields],
    seed: raw.seed,
    splits: { ...splits },
    skip_invalid: raw.skip_invalid ?? false,
    artifacts_dir: raw.artifacts_dir ?? join('runs', 'datasets'),
    safety: { policy: raw.safety?.policy, bypass: raw.safety?.bypass ?? false },
    tokenizer: raw.tokenizer,
  }
}

/** Reads, validates and completes a dataset config file. */
export function loadDatasetConfig(path: string): DatasetConfig {
  return parseDatasetConfig(readJsonFile(path, 'dataset config').value, path)
}
