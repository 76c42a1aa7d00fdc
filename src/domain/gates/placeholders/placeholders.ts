import { existsSync, readFileSync } from 'node:fs'
import { extname, join } from 'node:path'
import { errorMessage, UserError } from '../../../foundation/errors/user-error.ts'
import { isBinary, readRepoFile } from '../../../foundation/fs/text-file.ts'
import { type Finding, makeFinding } from '../finding.ts'
import type { Gate } from '../gate.ts'
import type { GateConfig } from '../gates-config.ts'

/** One placeholder: where, which kind, and the line's text (trimmed, for the gaps report). */
export interface Placeholder {
  file: string
  line: number
  kind: string
  text: string
}

/** `configs/placeholders.baseline.json`: the per-file counts the ratchet allows. */
export interface PlaceholderBaseline {
  version: 1
  files: Record<string, number>
}

// The marker words are spelled with a character class so this file does not count itself.
const MARKER = /\b(T[O]DO|F[I]XME|X[X]X|H[A]CK)\b/
const NOT_IMPLEMENTED_PY = /\braise\s+N[o]tImplementedError\b|\bN[o]tImplementedError\(/
const NOT_IMPLEMENTED_JS = /\bthrow\s+new\s+\w*Error\(\s*(["'`])\s*(?:not\s+implemented|unimplemented|t[o]do|stub)\b/i
const PY_DEF = /^(\s*)(?:async\s+)?def\s+\w+\s*\(.*\)\s*(?:->\s*[^:]+)?:\s*(?:#.*)?$/
const PY_STUB_BODY = /^\s*(?:pass|\.\.\.)\s*(?:#.*)?$/
const JS_EMPTY_FUNCTION = /^\s*(?:export\s+)?(?:async\s+)?function\s*\*?\s*\w+\s*\([^)]*\)\s*(?::\s*[^{]+)?\{\s*\}\s*$/

const SCRIPT_EXTENSIONS = new Set(['.py', '.pyi', '.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'])

/** Placeholder markers, not-implemented throws and stub bodies in one file's text. */
export function findPlaceholders(file: string, text: string): Placeholder[] {
  const out: Placeholder[] = []
  const lines = text.split(/\r?\n/)
  const ext = extname(file).toLowerCase()
  const isPython = ext === '.py' || ext === '.pyi'
  const isScript = SCRIPT_EXTENSIONS.has(ext)
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string
    const push = (kind: string) => out.push({ file, line: i + 1, kind, text: line.trim().slice(0, 160) })
    const marker = MARKER.exec(line)
    if (marker) push(`marker ${marker[1]}`)
    if (!isScript) continue
    if (NOT_IMPLEMENTED_PY.test(line) && isPython) push('not implemented')
    else if (NOT_IMPLEMENTED_JS.test(line)) push('not implemented')
    if (isPython) {
      const def = PY_DEF.exec(line)
      const next = nextCodeLine(lines, i + 1)
      if (def && next !== undefined && PY_STUB_BODY.test(lines[next] as string) && !isAbstract(lines, i)) {
        const after = nextCodeLine(lines, next + 1)
        const indent = (def[1] as string).length
        const bodyEnds = after === undefined || leadingSpaces(lines[after] as string) <= indent
        if (bodyEnds) push('stub body')
      }
    } else if (JS_EMPTY_FUNCTION.test(line)) {
      push('stub body')
    }
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
        remediation: `finish the work (or turn it into an issue) and remove the placeholder; if it must stay, accept it with \`npm run gates -- baseline placeholders\``,
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
    all.push(...findPlaceholders(file, bytes.toString('utf8')))
  }
  return all
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
      'rewrite it with `npm run gates -- baseline placeholders`',
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
      'rewrite it with `npm run gates -- baseline placeholders`',
    )
  }
  return parsed
}

export const placeholdersGate: Gate<'placeholders'> = {
  name: 'placeholders',
  description: 'placeholder markers, not-implemented throws and stub bodies, ratcheted per file',
  cacheInputs: (_root, files, config) => ({ contents: [...files, config.baseline] }),
  scan: scanPlaceholders,
}

// --- internal ---

function countByFile(placeholders: readonly Placeholder[]): Map<string, number> {
  const counts = new Map<string, number>()
  for (const p of placeholders) counts.set(p.file, (counts.get(p.file) ?? 0) + 1)
  return counts
}

function gapsReport(all: readonly Placeholder[], baseline: PlaceholderBaseline | undefined) {
  const rows = all.map((p) => `| ${p.file}:${p.line} | ${p.kind} | ${p.text.replace(/\|/g, '\\|')} |`)
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

function nextCodeLine(lines: readonly string[], from: number): number | undefined {
  for (let i = from; i < lines.length; i++) {
    const l = (lines[i] as string).trim()
    if (l !== '' && !l.startsWith('#')) return i
  }
  return undefined
}

function leadingSpaces(line: string): number {
  return line.length - line.trimStart().length
}

/** Abstract methods, overloads and protocol members have `...`/`pass` bodies by design. */
function isAbstract(lines: readonly string[], defLine: number): boolean {
  for (let i = defLine - 1; i >= 0; i--) {
    const l = (lines[i] as string).trim()
    if (!l.startsWith('@')) return false
    if (/^@(?:abc\.)?(?:abstractmethod|abstractproperty|overload|typing\.overload)\b/.test(l)) return true
  }
  return false
}
