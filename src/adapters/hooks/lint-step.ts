import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { Finding } from '../../domain/gates/finding.ts'
import { addBiomeFailure, BIOME_INSTALL, biomeCheckArgs, parseBiomeOutput } from '../../domain/gates/lint/lint.ts'
import { PACKAGE_ROOT } from '../../domain/gates/repo-files.ts'
import { errorMessage } from '../../foundation/errors/user-error.ts'
import { uptimeMs } from '../../foundation/process/uptime-ms.ts'
import { envValue } from '../../foundation/settings/env-value.ts'
import { OWN_PROCESS_GROUP } from './git.ts'
import type { LauncherLintEnd } from './launcher-lint.cjs'
import type { PlannedStep, StepOutcome } from './run-steps.ts'
import { judge } from './run-steps.ts'

/**
 * Biome's native binary for a repository: `BIOME_BINARY`, else the platform package
 * (`@biomejs/cli-<platform>-<arch>[-musl]/biome`) in the repository's node_modules, then ours, else
 * the `.bin/biome` launcher. The launcher is a Node script that starts Node, runs `ldd` and then
 * the same binary: ~200 ms per call here, against ~30 ms for the binary itself.
 */
export function biomeBinary(repoRoot: string, env: NodeJS.ProcessEnv = process.env): string {
  const configured = envValue('BIOME_BINARY', env)
  if (configured) return configured
  const exe = process.platform === 'win32' ? 'biome.exe' : 'biome'
  const variants = process.platform === 'linux' ? ['', '-musl'] : ['']
  for (const dir of [repoRoot, PACKAGE_ROOT]) {
    for (const variant of variants) {
      const bin = join(dir, 'node_modules', '@biomejs', `cli-${process.platform}-${process.arch}${variant}`, exe)
      if (existsSync(bin)) return bin
    }
  }
  const own = join(repoRoot, 'node_modules', '.bin', 'biome')
  return existsSync(own) ? own : join(PACKAGE_ROOT, 'node_modules', '.bin', 'biome')
}

export interface LintStepOptions {
  /** The exported snapshot (Biome runs there, on the committed bytes). */
  root: string
  biome: string
  /** `gates.lint.format`: false adds --formatter-enabled=false. */
  format: boolean
  signal?: AbortSignal
  /** Settles once `step.baseline` is read: Biome may start before it, the judging waits. */
  ready?: Promise<unknown>
}

/**
 * The `lint` step: `biome check` (read-only, never --write) on the step's files in the exported
 * snapshot, parsed with the lint gate's own `parseBiomeOutput`. Runs as a child process beside the
 * gate worker; stdin closed, killed at the step's timeout or on abort.
 */
export function runLintStep(step: PlannedStep, options: LintStepOptions): Promise<StepOutcome> {
  if (options.signal?.aborted)
    return Promise.resolve({ ...base(step), durationMs: 0, status: 'interrupted', findings: [], reason: 'interrupted' })
  const started = uptimeMs()
  const child = spawn(options.biome, biomeCheckArgs(step.files, options.format), {
    cwd: options.root,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: OWN_PROCESS_GROUP,
  })
  const out: Buffer[] = []
  const err: Buffer[] = []
  child.stdout.on('data', (c: Buffer) => out.push(c))
  child.stderr.on('data', (c: Buffer) => err.push(c))
  const ended = new Promise<BiomeEnd>((resolve) => {
    child.once('error', (error) => resolve({ error, endedMs: uptimeMs() }))
    child.once('close', (code) =>
      resolve({ code, stdout: Buffer.concat(out), stderr: Buffer.concat(err), endedMs: uptimeMs() }),
    )
  })
  return settleLintStep(step, { child, ended, startedMs: started }, options)
}

/** How a Biome process ended: its exit code and output, or the error starting it (launcher-lint.cjs's shape). */
export type BiomeEnd = LauncherLintEnd

/**
 * The step's outcome from a Biome already started on its files (by `runLintStep`, or by the hook's
 * launcher: launcher-lint.cjs), with the same timeout from its start and the same abort.
 */
export function settleLintStep(
  step: PlannedStep,
  biome: { child: { kill(signal: NodeJS.Signals): boolean }; ended: Promise<BiomeEnd>; startedMs: number },
  options: LintStepOptions,
): Promise<StepOutcome> {
  return new Promise((resolve) => {
    let stopped: 'timeout' | 'interrupted' | undefined
    const stop = (why: 'timeout' | 'interrupted') => {
      stopped ??= why
      biome.child.kill('SIGKILL')
    }
    const timer = setTimeout(() => stop('timeout'), Math.max(0, step.timeoutMs - (uptimeMs() - biome.startedMs)))
    const onAbort = () => stop('interrupted')
    if (options.signal?.aborted) onAbort()
    else options.signal?.addEventListener('abort', onAbort, { once: true })
    let endedMs: number | undefined
    const finish = (outcome: Omit<StepOutcome, 'name' | 'files' | 'durationMs' | 'events'>) => {
      clearTimeout(timer)
      options.signal?.removeEventListener('abort', onAbort)
      resolve({ ...base(step), durationMs: (endedMs ?? uptimeMs()) - biome.startedMs, ...outcome })
    }
    void biome.ended.then((end) => {
      endedMs = end.endedMs
      if (end.error) return finish({ status: 'error', findings: [], reason: cannotRun(options.biome, end.error) })
      if (stopped === 'timeout')
        return finish({ status: 'timeout', findings: [], reason: `timed out after ${step.timeoutMs} ms` })
      if (stopped) return finish({ status: 'interrupted', findings: [], reason: 'interrupted' })
      const findings: Finding[] = parseBiomeOutput(end.stdout.toString('utf8'), options.root)
      if (end.code !== 0) addBiomeFailure(findings, end.code, Buffer.concat([end.stderr, end.stdout]).toString('utf8'))
      void (options.ready ?? Promise.resolve()).then(
        () => {
          const judged = judge(findings, step.severity, step.reportOnly, step.baseline)
          finish({ status: judged.failed ? 'failed' : 'passed', findings: judged.findings })
        },
        (error: unknown) => finish({ status: 'error', findings: [], reason: errorMessage(error) }),
      )
    })
  })
}

/** Why Biome did not start: not installed (with the command that installs it), else the error. */
function cannotRun(biome: string, error: Error): string {
  return (error as NodeJS.ErrnoException).code === 'ENOENT'
    ? `Biome is not installed (no ${biome}); install it: ${BIOME_INSTALL}`
    : `cannot run ${biome}: ${error.message}`
}

function base(step: PlannedStep) {
  return { name: step.name, files: step.reportOnly?.length ?? step.files.length, events: [] }
}
