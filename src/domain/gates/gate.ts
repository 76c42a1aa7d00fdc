import type { ArtifactMeta, EventMeta } from '../../ledger/ledger-meta.ts'
import type { Finding } from './finding.ts'
import type { GateConfig, GateName } from './gates-config.ts'

/** A Markdown + JSON report a gate hands back (e.g. the placeholders gaps list); the runner writes it. */
export interface GateReport {
  /** File stem under `reports/gaps/`, e.g. `placeholders`. */
  name: string
  markdown: string
  json: unknown
}

/** What a scanner returns: findings, plus ledger events/artifacts where the gate has them. */
export interface ScanResult {
  findings: Finding[]
  events?: EventMeta[]
  artifacts?: ArtifactMeta[]
  report?: GateReport
}

/** What makes a gate's result reusable: file contents, optionally the file listing, tool versions. */
export interface CacheInputs {
  /** Repo-relative paths whose contents are hashed (missing files hash as missing). */
  contents: readonly string[]
  /** Hash every file's path and size too (gates that look at names or sizes). */
  listing?: boolean
  /** Tool versions and anything else outside the tree, e.g. `{ tsc: '5.9.3' }`. */
  extra?: Record<string, string>
}

/** One pass over a tree (several gates' keys checked together): what is computed once in it. */
export interface KeyPass {
  /** `compute()`'s answer, once per pass and `key`: gates asking for the same key get the same value. */
  once<T>(key: string, compute: () => T): T
  /** Whether the pass listed `file` (a regular file when it looked): a listing need not lstat it again. */
  listed(file: string): boolean
}

/**
 * A gate: a pure scanner over (root, files, config) plus what the runner needs around it.
 * `files` are repo-relative POSIX paths, already filtered by the config's excludes.
 */
export interface Gate<K extends GateName = GateName> {
  name: K
  description: string
  /** Why the gate does not apply to this repository (e.g. no tsconfig.json), or undefined. */
  skipReason?(root: string, files: readonly string[], config: GateConfig<K>): string | undefined
  /**
   * The inputs of the result cache; a gate without it is never cached. `pass`: the one look at
   * the tree shared by every gate checked together (`codex-gates run`), where gates reading the
   * same inputs (deps and licenses: the lock and the installed packages) compute them once.
   */
  cacheInputs?(root: string, files: readonly string[], config: GateConfig<K>, pass?: KeyPass): CacheInputs
  scan(root: string, files: readonly string[], config: GateConfig<K>): ScanResult | Promise<ScanResult>
}
