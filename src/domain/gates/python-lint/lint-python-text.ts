import { type Finding, makeFinding } from '../finding.ts'
import type { RuffFileSettings } from './ruff-settings-resolver.ts'
import { type RuffDiagnostic, workspaceFor } from './ruff-wasm.ts'

export interface LintTextOptions {
  /** Also check formatting (`ruff format --check`): one finding when the text would change. Default true. */
  format?: boolean
  /** The gate name on the findings (default `python-lint`). */
  gate?: string
}

/**
 * Ruff's lint (and, unless `format: false` or `[format] exclude`, format check) of one file's
 * text: no temp files, so the commit hook can hand in staged content. Each diagnostic is a
 * finding `code file:line` with ruff's message and column; the remediation is ruff's fix when
 * it offers one, else its rule page. A syntax error is a finding like any other.
 */
export function lintPythonText(
  path: string,
  text: string,
  settings: RuffFileSettings,
  options: LintTextOptions = {},
): Finding[] {
  const gate = options.gate ?? 'python-lint'
  const workspace = workspaceFor(settings.options)
  // ruff-wasm's formatter drops a leading UTF-8 byte order mark: that is no style difference to
  // report, and ruff's line index does not count it as a column either.
  const source = text.startsWith('\ufeff') ? text.slice(1) : text
  const findings = workspace.check(source).map((d) => diagnosticFinding(gate, path, d))
  if ((options.format ?? true) && settings.format) {
    const formatted = formatOrUndefined(workspace, source)
    if (formatted !== undefined && formatted !== source) findings.push(formatFinding(gate, path, source, formatted))
  }
  return findings
}

/**
 * The first line where `formatted` differs from `text` (1-based), with both versions of it;
 * a side that has no such line (the formatter added or removed lines at the end) is undefined.
 */
export function firstDifference(
  text: string,
  formatted: string,
): { line: number; actual: string | undefined; expected: string | undefined } {
  const a = text.split('\n')
  const b = formatted.split('\n')
  let i = 0
  while (i < a.length && i < b.length && a[i] === b[i]) i++
  return { line: i + 1, actual: a[i], expected: b[i] }
}

// --- internal ---

function diagnosticFinding(gate: string, file: string, d: RuffDiagnostic): Finding {
  const rule = d.code ?? 'invalid-syntax'
  const { row, column } = d.start_location
  const syntax = rule === 'invalid-syntax'
  const help = d.fix?.message ?? d.subDiagnostics?.find((s) => s.severity === 'help')?.message ?? undefined
  const page = `https://docs.astral.sh/ruff/rules/${rule}/`
  return makeFinding({
    gate,
    rule,
    severity: 'error',
    file,
    line: row,
    message: `${d.message} (col ${column})`,
    remediation: syntax
      ? 'fix the syntax error: ruff and Python cannot parse this statement'
      : help
        ? `${help}${d.fix ? ` (ruff can apply it: \`ruff check --fix ${file}\`, unsafe fixes need --unsafe-fixes)` : ''}; rule: ${page}`
        : `see ${page}`,
    identity: `${row}:${column}:${d.message}`,
  })
}

function formatFinding(gate: string, file: string, text: string, formatted: string): Finding {
  const diff = firstDifference(text, formatted)
  const shown = (s: string | undefined) =>
    s === undefined ? '(end of file)' : JSON.stringify(s.length > 120 ? `${s.slice(0, 120)}…` : s)
  return makeFinding({
    gate,
    rule: 'format',
    severity: 'error',
    file,
    line: diff.line,
    message: `ruff format would reformat this file; first difference at line ${diff.line}: ${shown(diff.actual)} → ${shown(diff.expected)}`,
    remediation: `run \`ruff format ${file}\` (ruff 0.17.x), or set the gate's \`format: false\` to lint only`,
    identity: 'format',
  })
}

/** ruff's formatter refuses text it cannot parse; the lint pass already reports that as invalid-syntax. */
function formatOrUndefined(workspace: { format(text: string): string }, text: string): string | undefined {
  try {
    return workspace.format(text)
  } catch {
    return undefined
  }
}
