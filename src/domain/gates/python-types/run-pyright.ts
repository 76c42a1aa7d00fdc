import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, relative, sep } from 'node:path'
import { UserError } from '../../../foundation/errors/user-error.ts'

/** One pyright diagnostic, file made repo-relative; `line` and `column` 1-based. */
export interface PyrightDiagnostic {
  file: string
  line: number
  column: number
  severity: 'error' | 'warning' | 'information'
  /** The `report…` rule; `pyright` for the few diagnostics without one (syntax errors). */
  rule: string
  /** Pyright's message as printed, detail lines included. */
  message: string
}

export interface PyrightRun {
  version: string
  diagnostics: PyrightDiagnostic[]
  filesAnalyzed: number
  /** What pyright wrote to stderr: configuration warnings such as an unknown setting. */
  warnings: string[]
  durationMs: number
}

/** The pinned pyright's CLI entry (`index.js`), run with this Node. */
export function pyrightEntry(): string {
  const pkg = createRequire(import.meta.url).resolve('pyright/package.json')
  return join(dirname(pkg), 'index.js')
}

/** The pinned pyright's version, from its package.json, without running it. */
export function pyrightVersion(): string {
  const pkg = createRequire(import.meta.url).resolve('pyright/package.json')
  return (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version
}

/**
 * `pyright --outputjson -p <root> <files…>` in the root, so pyright reads the root's
 * `pyrightconfig.json` or `[tool.pyright]` itself (its `exclude` still drops listed files).
 * With a file list too long for one command line, pyright checks the project as configured
 * and the diagnostics are kept for the listed files only. A broken pyright config is a
 * UserError; a pyright crash an Error with its output.
 */
export function runPyright(
  root: string,
  files: readonly string[],
  timeoutMs: number,
  maxArgsChars = MAX_ARGS_CHARS,
): Promise<PyrightRun> {
  const started = performance.now()
  const listed = files.reduce((n, f) => n + f.length + 1, 0) <= maxArgsChars
  const args = [pyrightEntry(), '--outputjson', '-p', root, ...(listed ? files : [])]
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs })
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk))
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk))
    child.on('error', fail)
    child.on('close', (code, signal) => {
      const stdout = Buffer.concat(out).toString('utf8')
      const stderr = Buffer.concat(err).toString('utf8').trim()
      if (signal) {
        fail(new Error(`python-types: pyright was stopped by ${signal} after ${timeoutMs} ms (gate timeout_ms)`))
        return
      }
      if (code === 3) {
        fail(
          new UserError(
            'PYTHON_TYPES_CONFIG',
            `pyright cannot use its configuration in ${root}: ${stderr || stdout.slice(0, 2000)}`,
            'fix pyrightconfig.json or [tool.pyright] in pyproject.toml (https://microsoft.github.io/pyright/#/configuration)',
          ),
        )
        return
      }
      let parsed: PyrightJson
      try {
        parsed = JSON.parse(stdout) as PyrightJson
      } catch {
        fail(
          new Error(`python-types: pyright exited ${code} without its JSON report: ${(stderr || stdout).slice(-2000)}`),
        )
        return
      }
      const keep = listed ? undefined : new Set(files)
      const diagnostics = parsed.generalDiagnostics
        .map((d) => toDiagnostic(root, d))
        .filter((d) => !keep || keep.has(d.file))
      done({
        version: parsed.version,
        diagnostics,
        filesAnalyzed: parsed.summary.filesAnalyzed,
        warnings: stderr ? stderr.split('\n') : [],
        durationMs: performance.now() - started,
      })
    })
  })
}

// --- internal ---

/** Well under Linux's per-argument-list limit (2 MiB with the environment). */
const MAX_ARGS_CHARS = 512 * 1024

interface PyrightJson {
  version: string
  generalDiagnostics: {
    file: string
    severity: 'error' | 'warning' | 'information'
    message: string
    range?: { start: { line: number; character: number } }
    rule?: string
  }[]
  summary: { filesAnalyzed: number }
}

function toDiagnostic(root: string, d: PyrightJson['generalDiagnostics'][number]): PyrightDiagnostic {
  return {
    file: d.file ? relative(root, d.file).split(sep).join('/') : '',
    line: (d.range?.start.line ?? 0) + 1,
    column: (d.range?.start.character ?? 0) + 1,
    severity: d.severity,
    rule: d.rule ?? 'pyright',
    message: d.message,
  }
}
