import { existsSync, readFileSync, realpathSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import { UserError } from '../../foundation/errors/user-error.ts'
import { decodeFloat } from '../../foundation/json/float-json.ts'
import { CHECKPOINT_FILES, parseCheckpointName } from './checkpoint-layout.ts'

/**
 * Resolves a `--resume-from` path (absolute, relative to the working folder, or relative to
 * `dir`) to its real path, and refuses anything that is not a `ckpt-<step>` folder directly in
 * `dir` once links and `..` are resolved: a checkpoint can never be read from outside the run.
 */
export function resolveCheckpointPath(dir: string, given: string): string {
  const candidates = [resolve(given), resolve(dir, given)]
  const found = candidates.find((p) => existsSync(p))
  if (!found) {
    throw new UserError(
      'CHECKPOINT_PATH',
      `--resume-from ${given}: no such checkpoint (looked at ${[...new Set(candidates)].join(' and ')})`,
      `pass a ckpt-<step> folder under ${dir}, or latest`,
    )
  }
  const real = realpathSync(found)
  const root = existsSync(dir) ? realpathSync(dir) : dir
  if (dirname(real) !== root || parseCheckpointName(basename(real)) === null) {
    throw new UserError(
      'CHECKPOINT_PATH',
      `--resume-from ${given} resolves to ${real}, which is not a ckpt-<step> folder of this run (${root})`,
      `pass a ckpt-<step> folder under ${root}, or latest`,
    )
  }
  return real
}

/**
 * `created_at` and one metric from a checkpoint's trainer_state.json without verifying the
 * checkpoint (retention and ordering only); null when unreadable.
 */
export function peekCheckpoint(
  path: string,
  monitor: string | undefined,
): { createdAt: string; metric: number | undefined } | null {
  try {
    const raw = JSON.parse(readFileSync(join(path, CHECKPOINT_FILES.trainerState), 'utf8')) as {
      created_at?: unknown
      metrics?: Record<string, unknown>
    }
    if (typeof raw.created_at !== 'string') return null
    const value =
      monitor !== undefined && raw.metrics && Object.hasOwn(raw.metrics, monitor) ? raw.metrics[monitor] : undefined
    return { createdAt: raw.created_at, metric: value === undefined ? undefined : decodeFloat(value) }
  } catch {
    return null
  }
}
