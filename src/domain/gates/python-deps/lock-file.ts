/** A lock file, whatever wrote it: the exact versions an install will get, by PEP 503 name. */
export interface LockFile {
  path: string
  format: 'uv' | 'poetry' | 'pip-compile'
  /** Locked entries by canonical name; uv may lock several versions of one name (per platform or extra). */
  packages: Map<string, LockedPackage[]>
  /**
   * The manifests it was resolved from: uv's workspace members (`source = { editable | virtual }`)
   * as folders relative to the lock, with their recorded requirements; pip-compile's input files.
   */
  inputs: LockInput[]
  problems: { line: number; message: string }[]
}

export interface LockedPackage {
  name: string
  /** Undefined for a locked URL/path source without a version. */
  version?: string
  line: number
}

export interface LockInput {
  /** A folder relative to the lock's folder (uv, `.` for the project next to it) or a file (pip-compile, e.g. `requirements.in`). */
  path: string
  /** uv: `[package.metadata] requires-dist` and `requires-dev`, as `name specifier ; marker` strings per group ('main', extras, groups). */
  recorded?: { group: string; name: string; specifier: string; marker?: string }[]
}

/** Adds an entry to a lock's package map. */
export function addLocked(packages: Map<string, LockedPackage[]>, entry: LockedPackage): void {
  const list = packages.get(entry.name)
  if (list) list.push(entry)
  else packages.set(entry.name, [entry])
}
