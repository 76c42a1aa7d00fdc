import { existsSync, readFileSync } from 'node:fs'
import { extname, join } from 'node:path'
import { userCommand } from '../../../foundation/cli/user-command.ts'
import { errorMessage, UserError } from '../../../foundation/errors/user-error.ts'
import { isBinary, readRepoFile } from '../../../foundation/fs/text-file.ts'
import { type Finding, makeFinding } from '../finding.ts'
import type { Gate } from '../gate.ts'
import type { GateConfig } from '../gates-config.ts'
import { isNotebookPath, notebookChunks } from '../notebooks/notebook-chunks.ts'
import { placeholdersKey } from './placeholders-key.ts'
import { ALLOW_PLACEHOLDER, findPythonStubs } from './python-stubs.ts'

/** One placeholder: where, which kind, and the line's text (trimmed, for the gaps report). */
export interface Placeholder {
  file: string
  line: number
  kind: string
  text: string
  /** In a notebook, where `line` (a line of the .ipynb JSON) is in cell terms: `cell 3:line 2`. */
  locator?: string
}

/** `configs/placeholders.baseline.json`: the per-file counts the ratchet allows. */
export interface PlaceholderBaseline {
  version: 1
  files: Record<string, number>
}

// The marker words are spelled with a character class so this file does not count itself.
const MARKER = /\b(T[O]DO|F[I]XME|X[X]X|H[A]CK)\b/g
const NOT_IMPLEMENTED_JS = /\bthrow\s+new\s+\w*Error\(\s*(["'`])\s*(?:not\s+implemented|unimplemented|t[o]do|stub)\b/i
const JS_EMPTY_FUNCTION = /^\s*(?:export\s+)?(?:async\s+)?function\s*\*?\s*\w+\s*\([^)]*\)\s*(?::\s*[^{]+)?\{\s*\}\s*$/

const SCRIPT_EXTENSIONS = new Set(['.py', '.pyi', '.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'])

/**
 * Placeholder markers, not-implemented throws and stub bodies in one file's text. Python is read
 * with a block reader (see `findPythonStubs`): abstract members, protocols, guards with a message
 * and strings are not stubs. A line (or, for Python, its def line) carrying the comment
 * `codex-gates: allow-placeholder` is accepted.
 */
export function findPlaceholders(file: string, text: string): Placeholder[] {
  const out: Placeholder[] = []
  const lines = text.split(/\r?\n/)
  const ext = extname(file).toLowerCase()
  const isPython = ext === '.py' || ext === '.pyi'
  const isScript = SCRIPT_EXTENSIONS.has(ext)
  const pythonStubs = isPython ? findPythonStubs(text, { stubFile: ext === '.pyi' }) : []
  let stubAt = 0
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string
    const push = (kind: string) => out.push({ file, line: i + 1, kind, text: line.trim().slice(0, 160) })
    const allowed = line.includes(ALLOW_PLACEHOLDER)
    const marker = allowed ? undefined : markerIn(line)
    if (marker) push(`marker ${marker}`)
    if (!isScript) continue
    if (isPython) {
      // The reader reports in line order; take this line's stubs (its allow comments are applied there).
      while (stubAt < pythonStubs.length && (pythonStubs[stubAt] as { line: number }).line === i + 1) {
        push((pythonStubs[stubAt] as { kind: string }).kind)
        stubAt++
      }
      continue
    }
    if (allowed) continue
    if (NOT_IMPLEMENTED_JS.test(line)) push('not implemented')
    if (JS_EMPTY_FUNCTION.test(line)) push('stub body')
  }
  return out
}

/** The ratchet: files over their baseline count are errors; the full list goes to the gaps report. */
export function scanPlaceholders(root: string, files: readonly string[], config: GateConfig<'placeholders'>) {
  const all = collectPlaceholders(root, files)
  const baseline = readPlaceholderBaseline(root, config.baseline)
  const counts = countByFile(all)
  const findings: Finding[] = []
  for (const [file, count] of counts) {
    const allowed = baseline?.files[file] ?? 0
    if (count <= allowed) continue
    const items = all.filter((p) => p.file === file)
    const first = items[0] as Placeholder
    findings.push(
      makeFinding({
        gate: 'placeholders',
        rule: 'ratchet',
        severity: 'error',
        file,
        line: first.line,
        message: `${count} placeholder${count === 1 ? '' : 's'}, the baseline allows ${allowed}: ${items
          .slice(0, 8)
          .map((p) => `line ${p.line} ${p.kind}`)
          .join(', ')}${items.length > 8 ? ', …' : ''}`,
        remediation: `finish the work (or turn it into an issue) and remove the placeholder; mark an intended no-op with the comment \`${ALLOW_PLACEHOLDER}\` on its line or def line; if it must stay, accept it with \`${userCommand('baseline placeholders')}\``,
        identity: `${file}:${count}>${allowed}`,
      }),
    )
  }
  return { findings, report: gapsReport(all, baseline) }
}

/** Every placeholder in the files. */
export function collectPlaceholders(root: string, files: readonly string[]): Placeholder[] {
  const all: Placeholder[] = []
  for (const file of files) {
    const bytes = readRepoFile(root, file)
    if (!bytes || isBinary(bytes) || bytes.length > 5 * 1024 * 1024) continue
    const text = bytes.toString('utf8')
    all.push(...(isNotebookPath(file) ? findNotebookPlaceholders(file, text) : findPlaceholders(file, text)))
  }
  return all
}

/**
 * Placeholders in a notebook's cell sources (outputs are what the code printed, not code to
 * finish), each at its .ipynb line with a `cell N:line M` locator. A file that is not an nbformat
 * 4 notebook is read as plain text.
 */
export function findNotebookPlaceholders(file: string, text: string): Placeholder[] {
  const chunks = notebookChunks(text)
  if (!chunks) return findPlaceholders(file, text)
  const out: Placeholder[] = []
  for (const chunk of chunks) {
    if (chunk.kind !== 'source') continue
    for (const p of findPlaceholders(chunk.name, chunk.text)) {
      const at = chunk.locate(p.line)
      out.push({ ...p, file, line: at.line, locator: at.locator })
    }
  }
  return out
}

/** Per-file counts, sorted by path: what `baseline placeholders` writes. */
export function buildPlaceholderBaseline(placeholders: readonly Placeholder[]): PlaceholderBaseline {
  return {
    version: 1,
    files: Object.fromEntries([...countByFile(placeholders)].sort(([a], [b]) => a.localeCompare(b))),
  }
}

/** Reads the baseline; undefined when absent, UserError when malformed. */
export function readPlaceholderBaseline(root: string, relPath: string): PlaceholderBaseline | undefined {
  const path = join(root, relPath)
  if (!existsSync(path)) return undefined
  let parsed: PlaceholderBaseline
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8')) as PlaceholderBaseline
  } catch (error) {
    throw new UserError(
      'PLACEHOLDER_BASELINE',
      `${relPath} is not valid JSON: ${errorMessage(error)}`,
      `rewrite it with \`${userCommand('baseline placeholders')}\``,
    )
  }
  const files = parsed?.files
  const bad =
    typeof files !== 'object' || files === null
      ? '/files must be an object'
      : Object.entries(files)
          .filter(([, n]) => !Number.isInteger(n) || (n as number) < 0)
          .map(([f]) => `/files/${f} must be a non-negative integer`)[0]
  if (bad) {
    throw new UserError(
      'PLACEHOLDER_BASELINE',
      `${relPath}: ${bad}`,
      `rewrite it with \`${userCommand('baseline placeholders')}\``,
    )
  }
  return parsed
}

export const placeholdersGate: Gate<'placeholders'> = {
  name: 'placeholders',
  description: 'placeholder markers, not-implemented throws and stub bodies, ratcheted per file',
  ...placeholdersKey,
  scan: scanPlaceholders,
}

// --- internal ---

function countByFile(placeholders: readonly Placeholder[]): Map<string, number> {
  const counts = new Map<string, number>()
  for (const p of placeholders) counts.set(p.file, (counts.get(p.file) ?? 0) + 1)
  return counts
}

function gapsReport(all: readonly Placeholder[], baseline: PlaceholderBaseline | undefined) {
  const rows = all.map((p) => `| ${p.file}:${p.locator ?? p.line} | ${p.kind} | ${p.text.replace(/\|/g, '\\|')} |`)
  const markdown = [
    '# Gaps: placeholders',
    '',
    `${all.length} placeholder${all.length === 1 ? '' : 's'} in ${new Set(all.map((p) => p.file)).size} file(s); baseline total ${Object.values(baseline?.files ?? {}).reduce((a, b) => a + b, 0)}.`,
    '',
    '| where | kind | line |',
    '| --- | --- | --- |',
    ...rows,
    '',
  ].join('\n')
  return { name: 'placeholders', markdown, json: { placeholders: all, baseline: baseline?.files ?? {} } }
}

/**
 * The first marker word on a line that is a marker: not the triple X inside a label (`B-…`,
 * `…_NAME`), not a run of letters inside base64 (an image or a key in a notebook or HTML file).
 */
function markerIn(line: string): string | undefined {
  MARKER.lastIndex = 0
  for (let m = MARKER.exec(line); m; m = MARKER.exec(line)) {
    const word = m[1] as string
    const before = line[m.index - 1] ?? ''
    const after = line[m.index + word.length] ?? ''
    if (word.startsWith('X') && (/[-_]/.test(before) || /[-_]/.test(after))) continue
    if (base64RunAround(line, m.index, word.length) >= 40) continue
    return word
  }
  return undefined
}

/** Length of the run of base64 characters holding [start, start + length). */
function base64RunAround(line: string, start: number, length: number): number {
  let from = start
  while (from > 0 && /[A-Za-z0-9+/]/.test(line[from - 1] as string)) from--
  let to = start + length
  while (to < line.length && /[A-Za-z0-9+/=]/.test(line[to] as string)) to++
  return to - from
}
