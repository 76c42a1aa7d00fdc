import { readFileSync } from 'node:fs'
import { join, posix } from 'node:path'
import { parseTomlFile, tomlPath } from '../../../foundation/config/parse-toml-file.ts'
import { UserError } from '../../../foundation/errors/user-error.ts'
import type { EventMeta } from '../../../ledger/ledger-meta.ts'
import { type Finding, makeFinding, sortFindings } from '../finding.ts'
import type { CacheInputs, ScanResult } from '../gate.ts'
import { applyMissingImports, MISSING_IMPORTS_POLICIES } from './missing-imports.ts'
import { buildBaseline, compareToBaseline, readPyrightBaseline, writePyrightBaseline } from './pyright-baseline.ts'
import { pythonEnvironmentStamp } from './python-stamp.ts'
import { PYTHON_TYPES_DEFAULTS, type PythonTypesConfig } from './python-types-config.ts'
import { type PyrightDiagnostic, pyrightVersion, runPyright } from './run-pyright.ts'

export { PYTHON_TYPES_DEFAULTS, type PythonTypesConfig }

const PYTHON_FILE = /\.pyi?$/

/**
 * pyright (npm, pinned) over the repository's Python files, configured by the root's
 * `pyrightconfig.json` / `[tool.pyright]`. Missing packages follow `missing_imports`; the other
 * diagnostics are held to the baseline: those beyond it are findings (pyright's errors fail),
 * those within it are reported as an info event and in the gaps report.
 */
export async function scanPythonTypes(
  root: string,
  files: readonly string[],
  config: PythonTypesConfig,
): Promise<ScanResult> {
  const checked = await checkTypes(root, files, config)
  const baseline = readPyrightBaseline(root, config.baseline)
  const { fresh, accepted } = compareToBaseline(checked.diagnostics, baseline)
  const findings: Finding[] = [...checked.findings, ...fresh.map((d) => diagnosticFinding(d, config.baseline))]
  const events: EventMeta[] = []
  if (accepted.length) {
    events.push({
      role: 'tool',
      level: 'info',
      message: `python-types: ${accepted.length} pyright diagnostic${accepted.length === 1 ? '' : 's'} accepted by ${config.baseline} (or information-level)`,
      data: accepted.slice(0, 1000),
    })
  }
  if (baseline && baseline.pyright !== checked.version) {
    events.push({
      role: 'tool',
      level: 'warn',
      message: `python-types: ${config.baseline} was written by pyright ${baseline.pyright}, this is ${checked.version}; reworded messages count as new — rewrite it with \`codex-gates baseline python-types\``,
    })
  }
  return { findings: sortFindings(findings), events, report: acceptedReport(accepted, fresh, config.baseline) }
}

/**
 * What `codex-gates baseline python-types` does: run pyright as the gate does and accept every
 * diagnostic it reports now. Returns the counts written.
 */
export async function writeBaseline(
  root: string,
  files: readonly string[],
  config: PythonTypesConfig,
): Promise<{ path: string; files: number; diagnostics: number }> {
  const checked = await checkTypes(root, files, config)
  const baseline = buildBaseline(checked.diagnostics, checked.version)
  writePyrightBaseline(root, config.baseline, baseline)
  const total = Object.values(baseline.files).reduce((n, f) => n + Object.values(f).reduce((a, b) => a + b, 0), 0)
  return { path: config.baseline, files: Object.keys(baseline.files).length, diagnostics: total }
}

/**
 * The result cache's inputs: the Python files, the root's pyright config files (and those they
 * `extends`), the baseline, pyright's version and the Python environment pyright sees (its
 * interpreter's `sys.path` folders and their mtimes: a `pip install` changes the result).
 */
export function pythonTypesInputs(root: string, files: readonly string[], config: PythonTypesConfig): CacheInputs {
  return {
    contents: [...files.filter((f) => PYTHON_FILE.test(f)), ...pyrightConfigFiles(root), config.baseline],
    extra: { pyright: pyrightVersion(), python: pythonEnvironmentStamp(root) },
  }
}

/** The gate, shaped as `Gate<'python-types'>` (a plain object until the name is a GateName). */
export const pythonTypesGate = {
  name: 'python-types' as const,
  description: 'pyright type check held to a per-file baseline',
  skipReason: (_root: string, files: readonly string[]) =>
    files.some((f) => PYTHON_FILE.test(f)) ? undefined : 'no .py or .pyi files',
  cacheInputs: pythonTypesInputs,
  scan: scanPythonTypes,
}

/** The config files pyright reads from the root: pyrightconfig.json, pyproject.toml, and their `extends`. */
export function pyrightConfigFiles(root: string): string[] {
  const files = ['pyrightconfig.json', 'pyproject.toml']
  const first = readText(root, 'pyrightconfig.json') !== undefined ? 'pyrightconfig.json' : 'pyproject.toml'
  let next = extendsOf(first, readText(root, first))
  while (next && !files.includes(next)) {
    files.push(next)
    next = extendsOf(next, readText(root, next))
  }
  return files
}

// --- internal ---

async function checkTypes(root: string, files: readonly string[], config: PythonTypesConfig) {
  if (!MISSING_IMPORTS_POLICIES.includes(config.missing_imports)) {
    throw new UserError(
      'GATES_CONFIG',
      `gates.python-types.missing_imports is ${JSON.stringify(config.missing_imports)}`,
      `set it to one of ${MISSING_IMPORTS_POLICIES.map((p) => `"${p}"`).join(', ')}`,
    )
  }
  const run = await runPyright(
    root,
    files.filter((f) => PYTHON_FILE.test(f)),
    config.timeout_ms,
  )
  const { diagnostics, findings } = applyMissingImports(run.diagnostics, config.missing_imports)
  for (const warning of run.warnings) {
    findings.push(
      makeFinding({
        gate: 'python-types',
        rule: 'pyright-config',
        severity: 'warn',
        file: null,
        line: null,
        message: `pyright: ${warning}`,
        remediation:
          'fix pyrightconfig.json or [tool.pyright] (settings: https://microsoft.github.io/pyright/#/configuration)',
      }),
    )
  }
  return { version: run.version, diagnostics, findings }
}

function diagnosticFinding(d: PyrightDiagnostic, baselinePath: string): Finding {
  const page = d.rule.startsWith('report')
    ? `https://microsoft.github.io/pyright/#/configuration?id=${d.rule}`
    : undefined
  return makeFinding({
    gate: 'python-types',
    rule: d.rule,
    severity: d.severity === 'error' ? 'error' : 'warn',
    file: d.file,
    line: d.line,
    message: `${flattenMessage(d.message)} (col ${d.column})`,
    remediation: `fix the types${page ? ` (rule: ${page})` : ''}, or accept today's errors in ${baselinePath} with \`codex-gates baseline python-types\``,
    identity: `${d.rule}:${d.message}`,
  })
}

/** Pyright's multi-line message on one line: detail lines joined with ` — `. */
export function flattenMessage(message: string): string {
  return message
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .join(' — ')
}

function acceptedReport(
  accepted: readonly PyrightDiagnostic[],
  fresh: readonly PyrightDiagnostic[],
  baselinePath: string,
) {
  const rows = accepted.map(
    (d) => `| ${d.file}:${d.line} | ${d.rule} | ${flattenMessage(d.message).replace(/\|/g, '\\|').slice(0, 200)} |`,
  )
  const markdown = [
    '# python-types: accepted pyright diagnostics',
    '',
    `${accepted.length} accepted by ${baselinePath} (or information-level), ${fresh.length} new.`,
    '',
    '| where | rule | message |',
    '| --- | --- | --- |',
    ...rows,
    '',
  ].join('\n')
  return { name: 'python-types', markdown, json: { accepted, fresh } }
}

function readText(root: string, path: string): string | undefined {
  try {
    return readFileSync(join(root, path), 'utf8')
  } catch {
    return undefined
  }
}

/** The `extends` of a pyright config file (JSON with comments, or a pyproject.toml), repo-relative. */
function extendsOf(path: string, text: string | undefined): string | undefined {
  if (text === undefined) return undefined
  let target: unknown
  if (path.endsWith('.toml')) {
    try {
      target = tomlPath(parseTomlFile(text, path), 'tool', 'pyright', 'extends')
    } catch {
      return undefined // pyright reports a broken pyproject.toml itself
    }
  } else target = /"extends"\s*:\s*"([^"]+)"/.exec(text)?.[1]
  return typeof target === 'string' ? posix.normalize(posix.join(posix.dirname(path), target)) : undefined
}
