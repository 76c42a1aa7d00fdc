import { isAbsolute, relative, sep } from 'node:path'
import { globMatcher } from '../../foundation/fs/glob.ts'
import type { LedgerRow } from '../../ledger/records.ts'
import { type CoverageConfig, GLOBAL_SCOPE, METRICS, type Metric } from './coverage-config.ts'

/** One metric as istanbul's json-summary writes it. */
export interface Counts {
  total: number
  covered: number
  skipped: number
  pct: number
}

export type Summary = Record<Metric, Counts>

export interface FileSummary {
  /** Repo-relative, `/`-separated. */
  file: string
  summary: Summary
}

export interface ScopeSummary {
  scope: string
  files: number
  summary: Summary
}

/** What `onCoverage` hands over (an istanbul CoverageMap), reduced to what is read here. */
export interface CoverageMapLike {
  files(): string[]
  fileCoverageFor(file: string): { toSummary(): { toJSON(): unknown } }
}

/** istanbul's json-summary: `total` plus one entry per file. */
export type JsonSummary = Record<string, Summary>

/** Per-file summaries from a coverage map, paths relative to `root`, sorted. */
export function fileSummaries(map: CoverageMapLike, root: string): FileSummary[] {
  return map
    .files()
    .map((file) => ({ file: repoPath(file, root), summary: toSummary(map.fileCoverageFor(file).toSummary().toJSON()) }))
    .sort((a, b) => a.file.localeCompare(b.file))
}

/** Sums per metric; pct as istanbul computes it (floored to 0.01; 100 when there is nothing to cover). */
export function mergeSummaries(summaries: readonly Summary[]): Summary {
  const out = {} as Summary
  for (const metric of METRICS) {
    let total = 0
    let covered = 0
    let skipped = 0
    for (const s of summaries) {
      total += s[metric].total
      covered += s[metric].covered
      skipped += s[metric].skipped
    }
    out[metric] = { total, covered, skipped, pct: percent(covered, total) }
  }
  return out
}

/** `global` over every file, then each configured area that has files (areas match repo-relative paths). */
export function scopeSummaries(files: readonly FileSummary[], config: CoverageConfig): ScopeSummary[] {
  const scopes: ScopeSummary[] = [
    { scope: GLOBAL_SCOPE, files: files.length, summary: mergeSummaries(files.map((f) => f.summary)) },
  ]
  for (const area of Object.keys(config.areas)) {
    const inArea = files.filter((f) => inScope(area)(f.file))
    if (inArea.length > 0)
      scopes.push({ scope: area, files: inArea.length, summary: mergeSummaries(inArea.map((f) => f.summary)) })
  }
  return scopes
}

/** A predicate for the files of `scope` (`global` takes every file). */
export function inScope(scope: string): (file: string) => boolean {
  return scope === GLOBAL_SCOPE ? () => true : globMatcher([scope])
}

/** The `coverage` table rows of one session. */
export function coverageRows(
  sessionId: string,
  gitBranch: string | null,
  scopes: readonly ScopeSummary[],
  reportPath: string | null,
): LedgerRow[] {
  return scopes.map((s) => ({
    session_id: sessionId,
    scope: s.scope,
    lines_pct: s.summary.lines.pct,
    branches_pct: s.summary.branches.pct,
    functions_pct: s.summary.functions.pct,
    statements_pct: s.summary.statements.pct,
    report_path: reportPath,
    git_branch: gitBranch,
  }))
}

/** The json-summary archived per session (repo-relative keys, so archives compare across checkouts). */
export function toJsonSummary(files: readonly FileSummary[]): JsonSummary {
  const out: JsonSummary = { total: mergeSummaries(files.map((f) => f.summary)) }
  for (const f of files) out[f.file] = f.summary
  return out
}

/** Reads a json-summary back into file summaries (absolute keys made relative to `root`). */
export function fromJsonSummary(json: JsonSummary, root: string): FileSummary[] {
  return Object.entries(json)
    .filter(([file]) => file !== 'total')
    .map(([file, summary]) => ({ file: repoPath(file, root), summary: toSummary(summary) }))
}

/** `87.50%`. */
export function formatPct(pct: number): string {
  return `${pct.toFixed(2)}%`
}

// --- internal ---

function percent(covered: number, total: number): number {
  return total > 0 ? Math.floor((1000 * 100 * covered) / total / 10) / 100 : 100
}

function toSummary(value: unknown): Summary {
  const v = (value ?? {}) as Partial<Record<Metric, Partial<Counts>>>
  const out = {} as Summary
  for (const metric of METRICS) {
    const m = v[metric] ?? {}
    const total = Number(m.total ?? 0)
    const covered = Number(m.covered ?? 0)
    out[metric] = { total, covered, skipped: Number(m.skipped ?? 0), pct: Number(m.pct ?? percent(covered, total)) }
  }
  return out
}

function repoPath(file: string, root: string): string {
  const rel = isAbsolute(file) ? relative(root, file) : file
  return rel.split(sep).join('/')
}
