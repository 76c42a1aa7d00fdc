import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { resolve, sep } from 'node:path'
import { makeFinding, sortFindings } from '../finding.ts'
import type { CacheInputs, ScanResult } from '../gate.ts'
import { checkConflictingPins } from './check-conflicting-pins.ts'
import { checkHashes } from './check-hashes.ts'
import { checkInstalled, installScope } from './check-installed.ts'
import { checkLicenses } from './check-licenses.ts'
import { checkLocks } from './check-locks.ts'
import { checkPinning } from './check-pinning.ts'
import { pythonDepsSkipReason } from './dependency-file.ts'
import type { Issue } from './issue.ts'
import { projectKind } from './project-kind.ts'
import { PYTHON_DEPS_DEFAULTS, type PythonDepsConfig } from './python-deps-config.ts'
import {
  environmentFingerprint,
  findPythonEnvironment,
  installedDistributions,
  type PythonRunner,
} from './python-environment.ts'
import { isPythonDependencyFile, loadPythonProject, requirementsRoots } from './python-project.ts'
import { readRequirementsTree } from './requirements-includes.ts'

export { PYTHON_DEPS_DEFAULTS, type PythonDepsConfig }

/** Where the gate gets what is outside the tree; the gate passes the process's, specs pass their own. */
export interface PythonDepsContext {
  env: Readonly<Record<string, string | undefined>>
  runPython?: PythonRunner
}

/**
 * Python dependency pins and drift: reads requirements files (following -r/-c), pyproject.toml
 * (PEP 621, PEP 735, Poetry), uv.lock, poetry.lock and pip-compile output; reports unpinned and
 * open-ended declarations by the application/library policy, manifest ↔ lock disagreement,
 * conflicting pins, hash-mode gaps, and, where a Python environment exists, installed drift and
 * licences. Info notes (the ledger's findings are error|warn) come back as events and in the
 * gaps report.
 */
export function scanPythonDeps(
  root: string,
  files: readonly string[],
  config: PythonDepsConfig,
  context: PythonDepsContext,
): ScanResult {
  const read = repoReader(root)
  const project = loadPythonProject(files, read, context.env)
  const { kind, reason } = projectKind(project, config.kind)
  const wantsEnvironment = config.check_installed || config.check_licenses
  const environment = wantsEnvironment ? findPythonEnvironment(root, context.env, context.runPython) : undefined
  const markers = environment?.markers ?? {}
  const issues: Issue[] = [
    ...project.problems.map(problemIssue),
    ...checkPinning(project, kind, config.allow_unpinned),
    ...checkLocks(project, markers),
    ...checkConflictingPins(project),
    ...checkHashes(project.requirements),
  ]
  if (environment) {
    const installed = installedDistributions(environment)
    const scope = installScope(kind)
    if (config.check_installed) issues.push(...checkInstalled(project, environment, installed, scope))
    if (config.check_licenses) {
      issues.push(...checkLicenses(project, installed, markers, config.license_allow, config.license_exceptions, scope))
    }
  }
  const findings = sortFindings(
    issues
      .filter((i) => i.severity !== 'info')
      .map((i) =>
        makeFinding({
          gate: 'python-deps',
          rule: i.rule,
          severity: i.severity as 'error' | 'warn',
          file: i.file,
          line: i.line,
          message: i.message,
          remediation: i.remediation,
          identity: i.identity,
        }),
      ),
  )
  const notes = issues.filter((i) => i.severity === 'info')
  const summary =
    `python-deps: ${kind} (${reason}); ${project.declared.length} declarations in ${project.filesRead.length} files; ` +
    `${project.locks.length} lock file(s); environment: ${environment ? `${environment.origin} ${environment.prefix}` : 'none found'}`
  return {
    findings,
    events: [
      { role: 'tool', level: 'info', message: summary },
      ...notes.map((n) => ({
        role: 'tool' as const,
        level: 'info' as const,
        message: `${n.file ?? '(repository)'}${n.line ? `:${n.line}` : ''} ${n.rule}: ${n.message}`,
        data: n,
      })),
    ],
    report: issues.length > 0 ? gapsReport(summary, issues) : undefined,
  }
}

/** The dependency files the scan would read (includes followed), and what outside the tree decides the result. */
export function pythonDepsCacheInputs(
  root: string,
  files: readonly string[],
  config: PythonDepsConfig,
  context: PythonDepsContext,
): CacheInputs {
  const read = repoReader(root)
  const candidates = files.filter(isPythonDependencyFile)
  const tree = readRequirementsTree(requirementsRoots(candidates), read, context.env)
  const texts = [...tree.files.keys()].map((p) => read(p) ?? '')
  // Requirements may expand ${VAR}: their values are inputs (hashed: they may be index tokens).
  const vars = [...new Set(texts.flatMap((t) => [...t.matchAll(/\$\{([A-Z0-9_]+)\}/g)].map((m) => m[1]!)))].sort()
  const varHash = createHash('sha256')
  for (const v of vars) varHash.update(`${v}=${context.env[v] ?? ''}\0`)
  const environment =
    config.check_installed || config.check_licenses
      ? findPythonEnvironment(root, context.env, context.runPython)
      : undefined
  return {
    contents: [...new Set([...candidates, ...tree.files.keys()])].sort(),
    extra: {
      env_vars: varHash.digest('hex').slice(0, 16),
      python_environment: createHash('sha256').update(environmentFingerprint(environment)).digest('hex').slice(0, 16),
    },
  }
}

/**
 * The gate, shaped as `Gate<'python-deps'>` of src/gates/gate.ts (a plain object until the name
 * joins GateName in gates-config.ts; then `satisfies Gate<'python-deps'>` holds as is).
 */
export const pythonDepsGate = {
  name: 'python-deps' as const,
  description:
    'Python dependency pins and drift: requirements, pyproject.toml, uv/poetry/pip-compile locks, installed versions, licences',
  skipReason: pythonDepsSkipReason,
  cacheInputs: (root: string, files: readonly string[], config: PythonDepsConfig): CacheInputs =>
    pythonDepsCacheInputs(root, files, config, { env: process.env }),
  scan: (root: string, files: readonly string[], config: PythonDepsConfig): ScanResult =>
    scanPythonDeps(root, files, config, { env: process.env }),
}

// --- internal ---

const PROBLEM_SEVERITY: Record<string, Issue['severity']> = {
  'manifest-syntax': 'error',
  'requirements-syntax': 'error',
  'include-missing': 'error',
  'include-cycle': 'error',
  'lock-syntax': 'warn',
}

function problemIssue(p: { rule: string; file: string; line: number | null; message: string }): Issue {
  const fix: Record<string, string> = {
    'manifest-syntax': 'fix the declaration (PEP 508 for [project], Poetry syntax for [tool.poetry])',
    'requirements-syntax': 'fix the line as pip reads it (pip install -r would stop here)',
    'include-missing': 'point -r/-c at a file in the repository, relative to the including file',
    'include-cycle': 'remove one of the includes that form the cycle',
    'lock-syntax': 'regenerate the lock file with its tool',
  }
  return {
    rule: p.rule,
    severity: PROBLEM_SEVERITY[p.rule] ?? 'warn',
    file: p.file,
    line: p.line,
    message: p.message,
    remediation: fix[p.rule] ?? 'fix the file',
    identity: p.message,
  }
}

/** Reads a repo-relative path; undefined when missing, unreadable or outside the root. */
function repoReader(root: string): (path: string) => string | undefined {
  const base = resolve(root)
  return (path) => {
    const full = resolve(base, path)
    if (full !== base && !full.startsWith(base + sep)) return undefined
    if (!existsSync(full)) return undefined
    try {
      return readFileSync(full, 'utf8')
    } catch {
      return undefined
    }
  }
}

function gapsReport(summary: string, issues: readonly Issue[]): NonNullable<ScanResult['report']> {
  const rows = [...issues]
    .sort((a, b) => (a.file ?? '').localeCompare(b.file ?? '') || (a.line ?? 0) - (b.line ?? 0))
    .map(
      (i) =>
        `| ${i.severity} | ${i.rule} | ${i.file ?? ''}${i.line ? `:${i.line}` : ''} | ${i.message.replaceAll('|', '\\|')} |`,
    )
  const markdown = `# python-deps\n\n${summary}\n\n| severity | rule | where | message |\n| --- | --- | --- | --- |\n${rows.join('\n')}\n`
  return { name: 'python-deps', markdown, json: { summary, issues } }
}
