import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join, relative, resolve, sep } from 'node:path'
import { type Finding, makeFinding } from '../finding.ts'
import type { Gate, KeyPass } from '../gate.ts'
import type { GateConfig } from '../gates-config.ts'
import { listRepoFiles, listRepoFilesAsync } from '../repo-files.ts'
import { binVersion, resolveBin } from '../tool-version.ts'

/** `file(line,col): error TS2322: message` (tsc and tsgo with --pretty false). */
const DIAGNOSTIC = /^(.+?)\((\d+),(\d+)\): (error|warning) (TS\d+): (.*)$/
const GLOBAL_DIAGNOSTIC = /^(error|warning) (TS\d+): (.*)$/

/** Parses `tsc --pretty false` output into findings (continuation lines join their message). */
export function parseTscOutput(output: string, root: string): Finding[] {
  const findings: Finding[] = []
  let last:
    | { rule: string; file: string | null; line: number | null; severity: Finding['severity']; message: string }
    | undefined
  const flush = () => {
    if (!last) return
    findings.push(
      makeFinding({
        gate: 'typecheck',
        rule: last.rule,
        severity: last.severity,
        file: last.file,
        line: last.line,
        message: last.message,
        remediation: remediationFor(last.rule),
        identity: `${last.line}:${last.message}`,
      }),
    )
    last = undefined
  }
  for (const line of output.split(/\r?\n/)) {
    const d = DIAGNOSTIC.exec(line)
    const g = d ? undefined : GLOBAL_DIAGNOSTIC.exec(line)
    if (d) {
      flush()
      last = {
        rule: d[5] as string,
        file: toRepoPath(root, d[1] as string),
        line: Number(d[2]),
        severity: d[4] === 'error' ? 'error' : 'warn',
        message: d[6] as string,
      }
    } else if (g) {
      flush()
      last = {
        rule: g[2] as string,
        file: null,
        line: null,
        severity: g[1] === 'error' ? 'error' : 'warn',
        message: g[3] as string,
      }
    } else if (last && /^\s+\S/.test(line)) {
      last.message += ` ${line.trim()}`
    } else {
      flush()
    }
  }
  flush()
  return findings
}

/** `tsc --noEmit -p <project>` in the root; every diagnostic a finding with file:line. */
export function scanTypecheck(root: string, _files: readonly string[], config: GateConfig<'typecheck'>) {
  const tsc = resolveBin(root, 'tsc', config.compiler)
  return new Promise<{ findings: Finding[] }>((done, fail) => {
    execFile(
      tsc,
      ['--noEmit', '-p', config.project, '--pretty', 'false'],
      { cwd: root, maxBuffer: 64 * 1024 * 1024, timeout: config.timeout_ms },
      (error, stdout, stderr) => {
        const output = `${stdout}${stderr}`
        const findings = parseTscOutput(output, root)
        if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') {
          fail(
            new Error(
              `typecheck: the compiler ${tsc} does not exist; install typescript or set gates.typecheck.compiler`,
            ),
          )
          return
        }
        if (error && findings.length === 0) {
          findings.push(
            makeFinding({
              gate: 'typecheck',
              rule: 'tsc-failed',
              severity: 'error',
              file: null,
              line: null,
              message: `${tsc} exited ${error.code ?? error.signal}: ${output.trim().slice(-2000) || error.message}`,
              remediation: `run \`${relative(root, tsc)} --noEmit -p ${config.project}\` in the repository and fix what it reports`,
            }),
          )
        }
        done({ findings })
      },
    )
  })
}

/** Every TypeScript/JavaScript/JSON file in the work tree (tsc reads untracked files too). */
export function typecheckInputs(root: string, config: GateConfig<'typecheck'>) {
  return inputsOf(root, config, listRepoFiles(root, 'worktree'))
}

const skipReason = (root: string, _files: readonly string[], config: GateConfig<'typecheck'>) =>
  existsSync(join(root, config.project)) ? undefined : `no ${config.project} at the root`

export const typecheckGate: Gate<'typecheck'> = {
  name: 'typecheck',
  description: 'TypeScript --noEmit on the project',
  skipReason,
  cacheInputs: (root, _files, config) => typecheckInputs(root, config),
  scan: scanTypecheck,
}

/**
 * The key side (GATE_KEYS): the same inputs, the work tree listed without blocking, so git walks
 * it while the other gates' keys are computed.
 */
export const typecheckKey = {
  skipReason,
  cacheInputs: async (root: string, _files: readonly string[], config: GateConfig<'typecheck'>, pass?: KeyPass) =>
    inputsOf(root, config, await listRepoFilesAsync(root, 'worktree', pass?.listed)),
}

// --- internal ---

function inputsOf(root: string, config: GateConfig<'typecheck'>, worktree: readonly string[]) {
  const tsc = resolveBin(root, 'tsc', config.compiler)
  const contents = worktree.filter((f) => /\.(?:[cm]?[jt]sx?|json)$/.test(f))
  return { contents: [...contents, 'package-lock.json'], extra: { compiler: binVersion(tsc), node: process.version } }
}

function toRepoPath(root: string, file: string): string {
  const rel = relative(root, resolve(root, file))
  return rel.split(sep).join('/')
}

function remediationFor(code: string): string {
  const hints: Record<string, string> = {
    TS2307: 'check the import path (with its .ts extension) or install the missing package',
    TS2322: 'make the value match the declared type, or correct the declaration',
    TS2345: 'pass an argument of the parameter type, or widen the parameter',
    TS7006: 'annotate the parameter with a type',
    TS18048: 'handle the undefined case (noUncheckedIndexedAccess): check it, or use `as T` after proving it',
    TS2532: 'handle the undefined case before using the value',
    TS6133: 'remove the unused declaration, or prefix it with _',
  }
  return `${hints[code] ?? 'fix the type error'}; reproduce with \`npx tsc --noEmit -p tsconfig.json\``
}
