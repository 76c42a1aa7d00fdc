import { UserError } from '../../../../foundation/errors/user-error.ts'
import { type Diagnostic, severityOf } from './diagnostic.ts'

/**
 * Line formats of common tools, as regexes with named groups (`file`, `line`, `col`, `rule`,
 * `severity`, `message`). `gcc` is the `file:line:col: message` shape most compilers and linters
 * share.
 */
export const LINE_PATTERNS: Record<string, RegExp> = {
  gcc: /^(?<file>[^:\s][^:]*):(?<line>\d+):(?:(?<col>\d+):)?\s*(?:(?<severity>fatal error|error|warning|note|info)\s*:\s*)?(?<message>.*\S.*)$/,
  mypy: /^(?<file>[^:\s][^:]*):(?<line>\d+):(?:(?<col>\d+):)?\s*(?<severity>error|warning|note):\s*(?<message>.*?)(?:\s+\[(?<rule>[\w-]+)\])?$/,
  'eslint-compact':
    /^(?<file>.+?): line (?<line>\d+), col (?<col>\d+), (?<severity>Error|Warning) - (?<message>.*?)(?: \((?<rule>[^()\s]+)\))?$/,
  pylint: /^(?<file>[^:\s][^:]*):(?<line>\d+):(?<col>\d+): (?<rule>[A-Z]\d{4}): (?<message>.*)$/,
  flake8: /^(?<file>[^:\s][^:]*):(?<line>\d+):(?<col>\d+): (?<rule>[A-Z]+\d+) (?<message>.*)$/,
  tsc: /^(?<file>.+?)\((?<line>\d+),(?<col>\d+)\): (?<severity>error|warning) (?<rule>TS\d+): (?<message>.*)$/,
}

/** Names `pattern` accepts besides a regex. */
export const LINE_PATTERN_NAMES = Object.keys(LINE_PATTERNS)

/**
 * The regex for a `pattern` setting: a named pattern, or a regex with named groups (JavaScript's
 * `(?<name>…)` or Python's `(?P<name>…)`), which must have at least `file` and `line` or `message`.
 */
export function linePattern(pattern: string, where: string): RegExp {
  const named = LINE_PATTERNS[pattern]
  if (named) return named
  let re: RegExp
  try {
    re = new RegExp(pattern.replace(/\(\?P</g, '(?<'))
  } catch (error) {
    throw new UserError(
      'GATES_CONFIG',
      `${where}: ${JSON.stringify(pattern)} is neither a named pattern nor a valid regex: ${(error as Error).message}`,
      `use one of ${LINE_PATTERN_NAMES.join(', ')}, or a regex with named groups file, line, col, rule, severity, message`,
    )
  }
  if (!/\(\?<(file|message)>/.test(re.source)) {
    throw new UserError(
      'GATES_CONFIG',
      `${where}: the regex has no named group "file" or "message"`,
      'name the groups: (?<file>[^:]+):(?<line>\\d+): (?<message>.*)',
    )
  }
  return re
}

/**
 * Diagnostics from line-oriented output: each line the pattern matches is one. pylint's message
 * ids carry their severity in the letter (E/F error, W/C/R/I warn).
 */
export function parseLines(output: string, re: RegExp): Diagnostic[] {
  const out: Diagnostic[] = []
  for (const raw of output.split(/\r?\n/)) {
    const m = re.exec(raw)
    const g = m?.groups
    if (!g) continue
    const message = (g.message ?? raw).trim()
    if (message === '') continue
    const line = g.line === undefined ? undefined : Number(g.line)
    const col = g.col === undefined ? undefined : Number(g.col)
    const severity =
      severityOf(g.severity) ?? (g.rule && /^[A-Z]\d{4}$/.test(g.rule) ? severityOf(g.rule[0]) : undefined)
    out.push({
      ...(g.file ? { file: g.file.trim() } : {}),
      ...(line && line > 0 ? { line } : {}),
      ...(col && col > 0 ? { col } : {}),
      ...(g.rule ? { rule: g.rule } : {}),
      ...(severity ? { severity } : {}),
      message,
    })
  }
  return out
}
