import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { UserError } from '../../foundation/errors/user-error.ts'
import { PACKAGE_ROOT } from '../../foundation/fs/package-root.ts'
import { decodeFloat, encodeFloat } from '../../foundation/json/float-json.ts'
import type { BaseModelRef, DataCursor, TrainState } from '../train/train-state.ts'
import { CHECKPOINT_FORMAT_VERSION } from './checkpoint-layout.ts'

/** What `trainer_state.json` holds besides the TrainState fields: bookkeeping for retention and people. */
export interface TrainerStateExtras {
  runId: string | null
  /** Metrics passed to `save` (the monitored one ranks the checkpoint). */
  metrics: Record<string, number>
  monitor: string | null
  /** Folder name of the best checkpoint by the monitored metric, this one included. */
  bestCheckpoint: string | null
  createdAt: string
}

/** The JSON-held part of a TrainState (tensors live in the safetensors files). */
export type TrainStateScalars = Pick<
  TrainState,
  'step' | 'epoch' | 'rng' | 'dataCursor' | 'schedule' | 'bestMetric' | 'config' | 'configHash' | 'tiedParams' | 'base'
> & {
  /** Parameter names in the trainer's order (the safetensors files sort them). */
  paramNames: string[]
}

export const TRAINER_STATE_FORMAT = 'codex-gates-trainer-state'

/** Serializes to `trainer_state.json` text: fixed key order, 2-space indent, trailing newline. */
export function encodeTrainerState(state: TrainState, extras: TrainerStateExtras): string {
  const metrics: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(extras.metrics)) metrics[k] = encodeFloat(v)
  const body = {
    format: TRAINER_STATE_FORMAT,
    format_version: CHECKPOINT_FORMAT_VERSION,
    run_id: extras.runId,
    created_at: extras.createdAt,
    global_step: state.step,
    epoch: encodeFloat(state.epoch),
    data_cursor: {
      epoch: state.dataCursor.epoch,
      permutation_seed: state.dataCursor.permutation_seed,
      permutation_sha256: state.dataCursor.permutation_sha256,
      position: state.dataCursor.position,
    },
    rng: state.rng,
    schedule: { step: state.schedule.step, lr: encodeFloat(state.schedule.lr) },
    best_metric: state.bestMetric === null ? null : encodeFloat(state.bestMetric),
    best_checkpoint: extras.bestCheckpoint,
    monitor: extras.monitor,
    metrics,
    param_names: Object.keys(state.params),
    tied_params: state.tiedParams ?? null,
    config: state.config,
    config_hash: state.configHash,
    base: state.base
      ? { source: state.base.source, digest: state.base.digest, parameters: state.base.parameters }
      : null,
    library_versions: libraryVersions(),
  }
  return `${JSON.stringify(body, null, 2)}\n`
}

/** Parses and validates `trainer_state.json`; every fault names the file and the field. */
export function decodeTrainerState(
  text: string,
  file: string,
): { state: TrainStateScalars; extras: TrainerStateExtras } {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (error) {
    throw corrupt(file, `is not valid JSON: ${(error as Error).message}`)
  }
  const o = record(raw, file, '(root)')
  if (o.format !== TRAINER_STATE_FORMAT)
    throw corrupt(file, `format is ${JSON.stringify(o.format)}, expected "${TRAINER_STATE_FORMAT}"`)
  if (o.format_version !== CHECKPOINT_FORMAT_VERSION) {
    throw new UserError(
      'CHECKPOINT_VERSION',
      `${file} format_version ${JSON.stringify(o.format_version)} is not supported (this codex-gates reads ${CHECKPOINT_FORMAT_VERSION})`,
      'resume with the codex-gates version that wrote the checkpoint',
    )
  }
  const cursor = record(o.data_cursor, file, 'data_cursor')
  const dataCursor: DataCursor = {
    epoch: int(cursor.epoch, file, 'data_cursor.epoch'),
    permutation_seed: finite(cursor.permutation_seed, file, 'data_cursor.permutation_seed'),
    permutation_sha256: str(cursor.permutation_sha256, file, 'data_cursor.permutation_sha256'),
    position: int(cursor.position, file, 'data_cursor.position'),
  }
  const rng: Record<string, number[]> = {}
  for (const [role, value] of Object.entries(record(o.rng, file, 'rng'))) {
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      throw corrupt(file, `rng.${role} must be a list of numbers`)
    }
    define(rng, role, value as number[])
  }
  const schedule = record(o.schedule, file, 'schedule')
  const metrics: Record<string, number> = {}
  for (const [k, v] of Object.entries(record(o.metrics, file, 'metrics')))
    define(metrics, k, float(v, file, `metrics.${k}`))
  const paramNames = o.param_names
  if (!Array.isArray(paramNames) || !paramNames.every((n) => typeof n === 'string')) {
    throw corrupt(file, 'param_names must be a list of strings')
  }
  let tiedParams: Record<string, string> | undefined
  if (o.tied_params !== null) {
    tiedParams = {}
    for (const [alias, target] of Object.entries(record(o.tied_params, file, 'tied_params'))) {
      define(tiedParams, alias, str(target, file, `tied_params.${alias}`))
    }
  }
  if (!('config' in o)) throw corrupt(file, 'config is missing')
  // `base` came after format_version 1's first files: absent reads as null
  let base: BaseModelRef | undefined
  if (o.base !== undefined && o.base !== null) {
    const b = record(o.base, file, 'base')
    base = {
      source: str(b.source, file, 'base.source'),
      digest: str(b.digest, file, 'base.digest'),
      parameters: int(b.parameters, file, 'base.parameters'),
    }
  }
  return {
    state: {
      step: int(o.global_step, file, 'global_step'),
      epoch: float(o.epoch, file, 'epoch'),
      rng,
      dataCursor,
      schedule: { step: int(schedule.step, file, 'schedule.step'), lr: float(schedule.lr, file, 'schedule.lr') },
      bestMetric: o.best_metric === null ? null : float(o.best_metric, file, 'best_metric'),
      config: o.config,
      configHash: str(o.config_hash, file, 'config_hash'),
      paramNames: paramNames as string[],
      ...(tiedParams ? { tiedParams } : {}),
      ...(base ? { base } : {}),
    },
    extras: {
      runId: nullable(o.run_id, file, 'run_id'),
      metrics,
      monitor: nullable(o.monitor, file, 'monitor'),
      bestCheckpoint: nullable(o.best_checkpoint, file, 'best_checkpoint'),
      createdAt: str(o.created_at, file, 'created_at'),
    },
  }
}

/** The error for a damaged checkpoint file; `loadLatest` skips checkpoints that raise it. */
export function corrupt(file: string, fault: string): UserError {
  return new UserError(
    'CHECKPOINT_CORRUPT',
    `${file} ${fault}`,
    'the checkpoint is damaged: resume from another one (--resume-from latest skips damaged ones)',
  )
}

// --- internal ---

let versions: Record<string, string> | undefined
function libraryVersions(): Record<string, string> {
  if (!versions) {
    let own = 'unknown'
    try {
      const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as {
        version?: string
      }
      own = pkg.version ?? own
    } catch {
      // Bundled or moved: the version is informational only.
    }
    versions = { 'codex-gates': own, node: process.version, weights_format: 'safetensors' }
  }
  return versions
}

function define<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
}

function record(value: unknown, file: string, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw corrupt(file, `${field} must be an object`)
  return value as Record<string, unknown>
}

function int(value: unknown, file: string, field: string): number {
  if (!Number.isSafeInteger(value)) throw corrupt(file, `${field} must be an integer, got ${JSON.stringify(value)}`)
  return value as number
}

function finite(value: unknown, file: string, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw corrupt(file, `${field} must be a number, got ${JSON.stringify(value)}`)
  return value
}

function float(value: unknown, file: string, field: string): number {
  const decoded = decodeFloat(value)
  if (decoded === undefined)
    throw corrupt(
      file,
      `${field} must be a number (or "NaN"/"Infinity"/"-Infinity"/"-0"), got ${JSON.stringify(value)}`,
    )
  return decoded
}

function str(value: unknown, file: string, field: string): string {
  if (typeof value !== 'string') throw corrupt(file, `${field} must be a string, got ${JSON.stringify(value)}`)
  return value
}

function nullable(value: unknown, file: string, field: string): string | null {
  return value === null ? null : str(value, file, field)
}
