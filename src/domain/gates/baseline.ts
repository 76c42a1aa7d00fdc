import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { userCommand } from '../../foundation/cli/user-command.ts'
import { errorMessage, UserError } from '../../foundation/errors/user-error.ts'
import type { Finding } from './finding.ts'

/** Where baselines live in the gated repository unless codex-gates.json's `baselines` says otherwise. */
export const DEFAULT_BASELINES_DIR = '.codex-gates/baselines'

/** One accepted finding identity: its fingerprint (line-free, hash-based) and how many may stand. */
export interface BaselineEntry {
  fingerprint: string
  rule: string
  file: string | null
  count: number
}

/**
 * `<baselines>/<gate>.json`: the findings accepted when the baseline was taken ("hold the line":
 * they stay visible as warnings, only new ones block). Fingerprints, rules and paths only, never a
 * message: a secret's fingerprint is a hash of its sha256, so no part of it is stored.
 */
export interface GateBaseline {
  version: 1
  gate: string
  entries: BaselineEntry[]
}

/** The suffix a baselined finding's message gets. */
export const BASELINED = ' (baselined)'

/** Repo-relative path of a gate's baseline file under the configured folder. */
export function baselineFile(dir: string, gate: string): string {
  return `${dir.replace(/\/+$/, '')}/${gate}.json`
}

/** The baseline of `findings`: every blocking one, grouped by fingerprint, in a stable order. */
export function buildBaseline(gate: string, findings: readonly Finding[]): GateBaseline {
  const byPrint = new Map<string, BaselineEntry>()
  for (const f of findings) {
    if (f.severity !== 'error') continue
    const entry = byPrint.get(f.fingerprint)
    if (entry) entry.count++
    else byPrint.set(f.fingerprint, { fingerprint: f.fingerprint, rule: f.rule, file: f.file, count: 1 })
  }
  const entries = [...byPrint.values()].sort(
    (a, b) =>
      (a.file ?? '').localeCompare(b.file ?? '') ||
      a.rule.localeCompare(b.rule) ||
      a.fingerprint.localeCompare(b.fingerprint),
  )
  return { version: 1, gate, entries }
}

/** The file text of a baseline: two-space JSON, one entry a line, so diffs show what was accepted. */
export function formatBaseline(baseline: GateBaseline): string {
  const lines = baseline.entries.map((e) => `    ${JSON.stringify(e)}`)
  const body = lines.length > 0 ? `[\n${lines.join(',\n')}\n  ]` : '[]'
  return `{\n  "version": 1,\n  "gate": ${JSON.stringify(baseline.gate)},\n  "entries": ${body}\n}\n`
}

/**
 * Findings with the baselined ones turned into warnings: each blocking finding whose fingerprint
 * the baseline holds, up to the entry's count, becomes `warn` with ` (baselined)` after its
 * message. A second copy of an accepted problem (count exceeded) still blocks.
 */
export function applyBaseline(findings: readonly Finding[], baseline: GateBaseline | undefined): Finding[] {
  if (!baseline || baseline.entries.length === 0) return [...findings]
  const left = new Map(baseline.entries.map((e) => [e.fingerprint, e.count]))
  return findings.map((f) => {
    if (f.severity !== 'error') return f
    const n = left.get(f.fingerprint) ?? 0
    if (n <= 0) return f
    left.set(f.fingerprint, n - 1)
    return { ...f, severity: 'warn' as const, message: `${f.message}${BASELINED}` }
  })
}

/** Reads `<root>/<relPath>`; undefined when absent, a UserError naming the file when malformed. */
export function readBaseline(root: string, relPath: string, gate: string): GateBaseline | undefined {
  const path = join(root, relPath)
  if (!existsSync(path)) return undefined
  const fix = `rewrite it with \`${userCommand(`baseline ${gate}`)}\`, or delete it to accept nothing`
  let parsed: unknown
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'))
  } catch (error) {
    throw new UserError('GATE_BASELINE', `${relPath} is not valid JSON: ${errorMessage(error)}`, fix)
  }
  const problem = baselineProblem(parsed, gate)
  if (problem) throw new UserError('GATE_BASELINE', `${relPath}: ${problem}`, fix)
  return parsed as GateBaseline
}

// --- internal ---

function baselineProblem(value: unknown, gate: string): string | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return 'must be a JSON object'
  const b = value as Partial<GateBaseline>
  if (b.version !== 1) return '/version must be 1'
  if (b.gate !== gate) return `/gate is ${JSON.stringify(b.gate)}, but this is the ${gate} gate's baseline`
  if (!Array.isArray(b.entries)) return '/entries must be an array'
  for (const [i, e] of b.entries.entries()) {
    const entry = e as Partial<BaselineEntry> | null
    if (typeof entry?.fingerprint !== 'string' || !/^[0-9a-f]{16}$/.test(entry.fingerprint))
      return `/entries/${i}/fingerprint must be 16 lowercase hex characters`
    if (!Number.isInteger(entry.count) || (entry.count as number) < 1)
      return `/entries/${i}/count must be a whole number ≥ 1`
  }
  return undefined
}
