import { accessSync, constants, lstatSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileDigest } from '../../../foundation/fs/file-digest.ts'
import { COMMAND_DEFAULTS, type CommandGateConfig, type GateStage } from '../command/command-config.ts'
import { runCommandGate } from '../command/run-command-gate.ts'
import { type ConfigGateRun, skippedRun } from '../config-gate-run.ts'
import { type Finding, makeFinding, sortFindings } from '../finding.ts'
import type { GateConfig } from '../gates-config.ts'
import type { GitFacts, HookFile, HookOutcome } from './hook-types.ts'
import type { PreCommitGate } from './plan-pre-commit-gates.ts'
import { runNativeHook } from './run-native-hook.ts'

export interface PreCommitRunOptions {
  /** Where the files are: the repository, or the hook's snapshot of the staged content. */
  root: string
  /** The repository (its node_modules/.bin on PATH); default `root`. */
  repoRoot?: string
  stage: GateStage
  env?: NodeJS.ProcessEnv
  /** The secrets gate's settings, for detect-secrets hooks. */
  secrets: GateConfig<'secrets'>
  /** Git facts for the git-aware hooks, asked once per run (see gitFacts). */
  facts: () => GitFacts
  /** The execute bit where the files on disk lack it (a snapshot); default: the file's own. */
  executableOf?: (path: string) => boolean | undefined
  /** A file as native hooks read it, shared by the hooks of one run (hookFiles); default: read here. */
  fileOf?: (path: string) => HookFile
  useCache?: boolean
  cachePath?: string
  reportsDir?: string
  signal?: AbortSignal
  sessionId?: string
  /** How long a command hook may run (ms). */
  timeoutMs?: number
}

/**
 * Runs one `.pre-commit-config.yaml` hook as a gate: a skipped plan with its reason; no files and
 * not `always_run` as pre-commit's "(no files to check) Skipped"; native hooks in-process on the
 * files' bytes (fixers report the files they would rewrite and hand back the fixed bytes);
 * detect-secrets as the secrets gate with the hook's `--baseline`; command hooks through the
 * command-gate runner (cached like any command gate), failing, as pre-commit does, when they
 * modify files.
 */
export async function runPreCommitGate(gate: PreCommitGate, options: PreCommitRunOptions): Promise<ConfigGateRun> {
  const started = performance.now()
  const { plan } = gate
  if (plan.kind === 'skipped') return skippedRun(gate.name, plan.reason)
  if (plan.noFiles) return skippedRun(gate.name, '(no files to check) Skipped')
  const where = hookWhere(gate)
  if (gate.secrets) {
    const baseline = baselineArg(plan.hook.args)
    // Loaded only for detect-secrets hooks: the commit hook pays for the secret rules only when used.
    const { scanSecrets } = await import('../secrets/secrets.ts')
    const scanned = scanSecrets(options.root, plan.files, {
      ...options.secrets,
      detect_secrets_baseline: baseline ?? '',
    })
    const findings = scanned.findings.map((f) => ({ ...f, gate: gate.name }))
    return finish(gate.name, findings, started, plan.files.length, {
      events: scanned.events ?? [],
      reason: `detect-secrets runs as the secrets gate${baseline ? ` with ${baseline}` : ''}`,
    })
  }
  if (plan.kind === 'native') {
    const fileOf = options.fileOf ?? hookFiles(options.root, options.executableOf)
    const files = plan.passFiles.map(fileOf)
    const outcome = runNativeHook(plan, files, options.facts())
    const findings = outcomeFindings(gate, outcome, where)
    return {
      ...finish(gate.name, findings, started, plan.files.length, { failed: outcome.failed }),
      ...(outcome.fixes.size > 0 ? { fixes: outcome.fixes } : {}),
    }
  }
  const config: CommandGateConfig = {
    ...COMMAND_DEFAULTS,
    run: plan.argv,
    pass_filenames: plan.hook.pass_filenames,
    stages: [options.stage],
    serial: plan.hook.require_serial,
    timeout_ms: options.timeoutMs ?? COMMAND_DEFAULTS.timeout_ms,
  }
  // What the files were before the hook ran (it fails if it changed them): not read when cached.
  let before: Map<string, string> | undefined
  const run = await runCommandGate(gate.name, config, {
    root: options.root,
    repoRoot: options.repoRoot,
    paths: plan.files,
    stage: options.stage,
    env: options.env,
    useCache: options.useCache,
    cachePath: options.cachePath,
    reportsDir: options.reportsDir,
    signal: options.signal,
    sessionId: options.sessionId,
    beforeRun: () => {
      before = new Map(plan.files.map((p) => [p, digestOf(options.root, p)]))
    },
  })
  if (run.status === 'skipped' || run.status === 'cached' || !before) return run
  const digests = before
  const modified = plan.files.filter((p) => digestOf(options.root, p) !== digests.get(p))
  if (modified.length === 0) return run
  const findings = modified.map((path) =>
    makeFinding({
      gate: gate.name,
      rule: 'files-modified',
      severity: 'error',
      file: path,
      line: null,
      message: `hook ${gate.hook.id} modified this file`,
      remediation: `review the change it made (git diff ${path}), stage it and commit again`,
    }),
  )
  return { ...run, status: 'failed', findings: sortFindings([...run.findings, ...findings]) }
}

/** What hookFiles keeps: files up to 1 MiB, 64 MiB in all (a large binary is read again, not held). */
const KEEP_FILE_BYTES = 1 << 20
const KEEP_TOTAL_BYTES = 64 << 20

/**
 * Files as native hooks read them (bytes, execute bit, symlink), each read once however many hooks
 * select it: pre-commit-hooks' checks and pygrep hooks mostly read the same text files.
 */
export function hookFiles(
  root: string,
  executableOf?: (path: string) => boolean | undefined,
): (path: string) => HookFile {
  const kept = new Map<string, HookFile>()
  let total = 0
  return (path) => {
    const known = kept.get(path)
    if (known) return known
    const file = hookFile(root, path, executableOf)
    const size = file.bytes.length
    if (size <= KEEP_FILE_BYTES && total + size <= KEEP_TOTAL_BYTES) {
      kept.set(path, file)
      total += size
    }
    return file
  }
}

// --- internal ---

function hookWhere(gate: PreCommitGate): string {
  return `hook ${gate.hook.id} (.pre-commit-config.yaml line ${gate.hook.line})`
}

function finish(
  name: string,
  findings: Finding[],
  started: number,
  fileCount: number,
  extra: { failed?: boolean; events?: ConfigGateRun['events']; reason?: string } = {},
): ConfigGateRun {
  const sorted = sortFindings(findings)
  const failed = extra.failed === true || sorted.some((f) => f.severity === 'error')
  return {
    gate: name,
    status: failed ? 'failed' : 'passed',
    ...(extra.reason ? { reason: extra.reason } : {}),
    findings: sorted,
    events: extra.events ?? [],
    artifacts: [],
    trainingRuns: [],
    durationMs: Math.round(performance.now() - started),
    fileCount,
  }
}

/** A native hook's problems as findings at file:line; a fixer's rewrite names how to apply it. */
function outcomeFindings(gate: PreCommitGate, outcome: HookOutcome, where: string): Finding[] {
  const id = gate.hook.id
  const fixRemedy = (path: string) =>
    `${id} would rewrite ${path}: fix it by hand, or let the commit hook fix it with "pre_commit": {"fix": true} in codex-gates.json (it fixes files whose staged and work-tree contents are equal)`
  const findings: Finding[] = []
  const reported = new Set<string>()
  for (const p of outcome.problems) {
    const path = p.path ?? null
    if (path) reported.add(path)
    findings.push(
      makeFinding({
        gate: gate.name,
        rule: id,
        severity: 'error',
        file: path,
        line: p.line ?? null,
        message: p.message.replace(/\s*\n+\s*/g, ' · '),
        remediation: path && outcome.fixes.has(path) ? fixRemedy(path) : `fix what ${where} reports`,
      }),
    )
  }
  for (const path of outcome.fixes.keys()) {
    if (reported.has(path)) continue
    findings.push(
      makeFinding({
        gate: gate.name,
        rule: id,
        severity: 'error',
        file: path,
        line: null,
        message: `${id} would rewrite ${path}`,
        remediation: fixRemedy(path),
      }),
    )
  }
  if (outcome.failed && findings.length === 0) {
    findings.push(
      makeFinding({
        gate: gate.name,
        rule: id,
        severity: 'error',
        file: null,
        line: null,
        message: `${where} failed`,
        remediation: `fix what ${where} checks`,
      }),
    )
  }
  return findings
}

function hookFile(root: string, path: string, executableOf?: (path: string) => boolean | undefined): HookFile {
  const full = join(root, path)
  const stat = lstatSync(full)
  if (stat.isSymbolicLink()) {
    let targetExists = true
    try {
      statSync(full)
    } catch {
      targetExists = false
    }
    return { path, bytes: new Uint8Array(), symlink: { targetExists } }
  }
  return { path, bytes: new Uint8Array(readFileSync(full)), executable: executableOf?.(path) ?? isExecutable(full) }
}

function isExecutable(full: string): boolean {
  try {
    accessSync(full, constants.X_OK)
    return true
  } catch {
    return false
  }
}

function digestOf(root: string, path: string): string {
  return fileDigest(join(root, path))?.toString('hex') ?? 'missing'
}

/** detect-secrets-hook's `--baseline FILE` / `--baseline=FILE`. */
function baselineArg(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string
    if (a === '--baseline') return args[i + 1]
    if (a.startsWith('--baseline=')) return a.slice('--baseline='.length)
  }
  return undefined
}
