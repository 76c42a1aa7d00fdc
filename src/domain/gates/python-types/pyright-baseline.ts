import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { errorMessage, UserError } from '../../../foundation/errors/user-error.ts'
import { writeFileAtomic } from '../../../foundation/fs/write-file-atomic.ts'
import type { PyrightDiagnostic } from './run-pyright.ts'

/**
 * The accepted type errors: per file, how many diagnostics of each (rule, message hash) there
 * may be. Keyed by content, not by line, so edits elsewhere in a file do not disturb it.
 */
export interface PyrightBaseline {
  version: 1
  /** The pyright that produced it (a new pyright may word messages differently). */
  pyright: string
  files: Record<string, Record<string, number>>
}

/** `rule:hash`, hash = sha256 of the message with line numbers taken out, 16 hex characters. */
export function baselineKey(d: Pick<PyrightDiagnostic, 'rule' | 'message'>): string {
  const message = d.message.replace(/\b(lines?|column)\s+\d+(\s*[-\u2013]\s*\d+)?/gi, '$1 #')
  return `${d.rule}:${createHash('sha256').update(message).digest('hex').slice(0, 16)}`
}

/** The baseline that accepts exactly these diagnostics (errors and warnings; information is never counted). */
export function buildBaseline(diagnostics: readonly PyrightDiagnostic[], pyright: string): PyrightBaseline {
  const files: Record<string, Record<string, number>> = {}
  for (const d of counted(diagnostics)) {
    const perFile = files[d.file] ?? {}
    files[d.file] = perFile
    const key = baselineKey(d)
    perFile[key] = (perFile[key] ?? 0) + 1
  }
  const sorted = Object.fromEntries(
    Object.keys(files)
      .sort()
      .map((f) => [
        f,
        Object.fromEntries(Object.entries(files[f] as Record<string, number>).sort(([a], [b]) => a.localeCompare(b))),
      ]),
  )
  return { version: 1, pyright, files: sorted }
}

/**
 * Holds the line: in each file, the first N diagnostics of a key (by line) are the N the
 * baseline accepts; any beyond are new. Information-level diagnostics are never new.
 */
export function compareToBaseline(
  diagnostics: readonly PyrightDiagnostic[],
  baseline: PyrightBaseline | undefined,
): { fresh: PyrightDiagnostic[]; accepted: PyrightDiagnostic[] } {
  const fresh: PyrightDiagnostic[] = []
  const accepted: PyrightDiagnostic[] = diagnostics.filter((d) => d.severity === 'information')
  const used = new Map<string, number>()
  const ordered = [...counted(diagnostics)].sort(
    (a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column,
  )
  for (const d of ordered) {
    const key = baselineKey(d)
    const slot = `${d.file}\0${key}`
    const allowed = baseline?.files[d.file]?.[key] ?? 0
    const seen = used.get(slot) ?? 0
    used.set(slot, seen + 1)
    ;(seen < allowed ? accepted : fresh).push(d)
  }
  return { fresh, accepted }
}

/** Reads the baseline (repo-relative path); undefined when absent, UserError when malformed. */
export function readPyrightBaseline(root: string, relPath: string): PyrightBaseline | undefined {
  const path = join(root, relPath)
  if (!existsSync(path)) return undefined
  let parsed: PyrightBaseline
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8')) as PyrightBaseline
  } catch (error) {
    throw baselineError(relPath, `is not valid JSON: ${errorMessage(error)}`)
  }
  if (parsed?.version !== 1 || typeof parsed.files !== 'object' || parsed.files === null) {
    throw baselineError(relPath, 'must be {"version": 1, "pyright": "…", "files": {…}}')
  }
  for (const [file, counts] of Object.entries(parsed.files)) {
    for (const [key, n] of Object.entries(counts ?? {})) {
      if (!Number.isInteger(n) || n < 1)
        throw baselineError(relPath, `/files/${file}/${key} must be a positive integer`)
    }
  }
  return parsed
}

/** Writes the baseline atomically (folders created), sorted, one key per line. */
export function writePyrightBaseline(root: string, relPath: string, baseline: PyrightBaseline): void {
  const path = join(root, relPath)
  mkdirSync(dirname(path), { recursive: true })
  writeFileAtomic(path, `${JSON.stringify(baseline, null, 2)}\n`)
}

// --- internal ---

function counted(diagnostics: readonly PyrightDiagnostic[]): PyrightDiagnostic[] {
  return diagnostics.filter((d) => d.severity !== 'information')
}

function baselineError(relPath: string, problem: string): UserError {
  return new UserError(
    'PYTHON_TYPES_BASELINE',
    `${relPath} ${problem}`,
    'rewrite it with `codex-gates baseline python-types`',
  )
}
