import { spawn } from 'node:child_process'
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { PACKAGE_ROOT } from '../../domain/gates/repo-files.ts'
import { uptimeMs } from '../../foundation/process/uptime-ms.ts'
import { envValue } from '../../foundation/settings/env-value.ts'
import { setting } from '../../foundation/settings/settings.ts'
import { OWN_PROCESS_GROUP } from './git.ts'
import type { StepOutcome } from './run-steps.ts'

/** How long the fixers may run (ms); `CODEX_HOOK_FIX_TIMEOUT_MS` overrides. */
export const FIX_TIMEOUT_MS = 5 * 60_000

/** lint-staged's own config file names (a repository's own config wins over ours). */
const CONFIG_NAMES = [
  'lint-staged.config.js',
  'lint-staged.config.mjs',
  'lint-staged.config.cjs',
  '.lintstagedrc',
  '.lintstagedrc.json',
  '.lintstagedrc.js',
  '.lintstagedrc.mjs',
  '.lintstagedrc.cjs',
  '.lintstagedrc.yaml',
  '.lintstagedrc.yml',
]

/** The lint-staged config to use: the repository's own, else the one codex-gates ships. */
export function lintStagedConfig(repoRoot: string): string | undefined {
  if (CONFIG_NAMES.some((name) => existsSync(join(repoRoot, name)))) return undefined
  try {
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as Record<string, unknown>
    if (pkg['lint-staged']) return undefined
  } catch {
    // no package.json, or not JSON: ours it is
  }
  return join(PACKAGE_ROOT, 'lint-staged.config.js')
}

/**
 * The opt-in `fix` step (`CODEX_HOOK_FIX=1`): lint-staged with its backup stash runs the fixers of
 * lint-staged.config.js on the staged files and re-stages what they change; the read-only steps
 * then check the result. lint-staged runs in its own process group and writes to a file, not a
 * pipe: a Ctrl-C reaches only the hook, which passes it on (lint-staged then reverts to its
 * backup) and waits; even if the hook dies, lint-staged finishes restoring the hunks it hid.
 */
export function runFixStep(options: {
  cwd: string
  env: NodeJS.ProcessEnv
  signal?: AbortSignal
}): Promise<StepOutcome> {
  const started = uptimeMs()
  const timeoutMs = setting('CODEX_HOOK_FIX_TIMEOUT_MS', options.env) || FIX_TIMEOUT_MS
  const config = lintStagedConfig(options.cwd)
  const bin = join(PACKAGE_ROOT, 'node_modules', 'lint-staged', 'bin', 'lint-staged.js')
  const args = [bin, '--concurrent', 'false', ...(config ? ['--config', config] : [])]
  // The repository's tools first, then ours (biome for our config).
  const path = [
    join(options.cwd, 'node_modules', '.bin'),
    envValue('PATH', options.env),
    join(PACKAGE_ROOT, 'node_modules', '.bin'),
  ]
  const env = { ...options.env, PATH: path.filter(Boolean).join(delimiter), FORCE_COLOR: '0' }
  const logDir = mkdtempSync(join(tmpdir(), 'codex-fix-'))
  const logPath = join(logDir, 'lint-staged.log')
  const log = openSync(logPath, 'w')
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, {
      cwd: options.cwd,
      env,
      stdio: ['ignore', log, log],
      detached: OWN_PROCESS_GROUP,
    })
    closeSync(log)
    let timedOut = false
    // lint-staged reverts to its backup stash on SIGINT: the one way to stop it that keeps the user's work.
    const stop = () => child.kill('SIGINT')
    const timer = setTimeout(() => {
      timedOut = true
      stop()
    }, timeoutMs)
    options.signal?.addEventListener('abort', stop, { once: true })
    const done = (status: StepOutcome['status'], reason?: string) => {
      clearTimeout(timer)
      options.signal?.removeEventListener('abort', stop)
      rmSync(logDir, { recursive: true, force: true })
      resolve({
        name: 'fix',
        status,
        durationMs: uptimeMs() - started,
        files: 0,
        findings: [],
        events: [],
        reason,
      })
    }
    child.on('error', (error) => done('error', `cannot run lint-staged: ${error.message}`))
    child.on('close', (code) => {
      const text = readFileSync(logPath, 'utf8').trim()
      if (options.signal?.aborted) {
        return done(
          'interrupted',
          `interrupted; lint-staged finished restoring your unstaged changes (its fixes may be staged)\n${text}`,
        )
      }
      if (timedOut)
        return done(
          'timeout',
          `lint-staged ran past ${timeoutMs} ms and was stopped; check \`git stash list\` for its backup\n${text}`,
        )
      if (code === 0) return done('passed')
      done('failed', `lint-staged failed (exit ${code}); it restored your files from its backup stash\n${text}`)
    })
  })
}
