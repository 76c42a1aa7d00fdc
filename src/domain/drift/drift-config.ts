import { join } from 'node:path'
import { nearest } from '../../foundation/cli/nearest.ts'
import { readJsonConfig } from '../../foundation/config/read-json-config.ts'
import { UserError } from '../../foundation/errors/user-error.ts'
import { PACKAGE_ROOT } from '../../foundation/fs/package-root.ts'
import {
  isOptionalDependency,
  OPTIONAL_DEPENDENCIES,
  type OptionalDependency,
} from '../../foundation/optional/optional-dependencies.ts'

export interface DriftCell {
  without: OptionalDependency
  /** Spec globs this cell runs: the config's `always` plus the cell's `dependents`. */
  specs: string[]
  /** Commands (npm script name + arguments) that need the dependency: each must exit 2 with the fix. */
  cli: string[][]
  note: string | null
}

interface DriftFile {
  always?: string[]
  cells: { without: string; dependents?: string[]; cli?: string[][]; note?: string }[]
}

/** configs/drift.json under `root`, validated: the one list the drift:without-<dep> projects come from. */
export function loadDriftConfig(root: string, path = join(root, 'configs', 'drift.json')): DriftCell[] {
  const file = readJsonConfig<DriftFile>(path, SCHEMA, 'DRIFT_CONFIG')
  const seen = new Set<string>()
  return file.cells.map((cell, i) => {
    if (!isOptionalDependency(cell.without)) {
      const known = Object.keys(OPTIONAL_DEPENDENCIES)
      const close = nearest(cell.without, known)
      throw new UserError(
        'DRIFT_CONFIG',
        `${path}: /cells/${i}/without names "${cell.without}", which is not an optional dependency`,
        `${close ? `did you mean "${close}"? ` : ''}known: ${known.join(', ')} (add new ones to src/foundation/optional/optional-dependencies.ts first)`,
      )
    }
    if (seen.has(cell.without))
      throw new UserError(
        'DRIFT_CONFIG',
        `${path}: /cells/${i}/without repeats "${cell.without}"`,
        'keep one cell per dependency and merge their dependents',
      )
    seen.add(cell.without)
    return {
      without: cell.without,
      specs: [...new Set([...(file.always ?? []), ...(cell.dependents ?? [])])],
      cli: cell.cli ?? [],
      note: cell.note ?? null,
    }
  })
}

// --- internal ---

const SCHEMA = join(PACKAGE_ROOT, 'configs', 'schemas', 'drift.schema.json')
