import { type ExecFileException, execFile } from 'node:child_process'
import { existsSync, statSync } from 'node:fs'
import { delimiter, join } from 'node:path'
import { envValue } from '../../../foundation/settings/env-value.ts'
import { DEFAULT_VERSION_PATTERN, KNOWN_TOOLS } from './known-tools.ts'
import type { ProbeSpec } from './toolchain-config.ts'

/** What one probe found. */
export interface ToolProbe {
  tool: string
  /** The command that answered (or the first one tried), as typed. */
  command: string
  path: string | undefined
  version: string | undefined
  ok: boolean
  error?: string
  duration_ms: number
}

/** How long one version command may take. */
export const PROBE_TIMEOUT_MS = 15_000

/**
 * Runs the tool's version command(s) from PATH and reads the version out of the output (stdout,
 * then stderr: Python 2 printed its version there). The first command that exits 0 with a
 * version wins; when none does, the probe is not ok and carries the first command's error.
 * A name alone uses the known recipe (`python` tries python3, then python), else `<name> --version`.
 */
export async function probeTool(tool: string | ProbeSpec, env: NodeJS.ProcessEnv = process.env): Promise<ToolProbe> {
  const spec = typeof tool === 'string' ? recipeOf(tool) : tool
  const started = performance.now()
  let first: Omit<ToolProbe, 'duration_ms'> | undefined
  for (const argv of spec.commands) {
    const attempt = await runOnce(spec.name, argv, spec.versionPattern, env)
    if (attempt.ok) return { ...attempt, duration_ms: Math.round(performance.now() - started) }
    first ??= attempt
  }
  return { ...(first as Omit<ToolProbe, 'duration_ms'>), duration_ms: Math.round(performance.now() - started) }
}

/** The first executable file named `tool` on PATH (what the probe will run), or undefined. */
export function whichSync(tool: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (tool.includes('/')) return existsSync(tool) ? tool : undefined
  for (const dir of (envValue('PATH', env) ?? '').split(delimiter)) {
    if (!dir) continue
    const candidate = join(dir, tool)
    try {
      if (statSync(candidate).isFile()) return candidate
    } catch {
      // not in this folder
    }
  }
  return undefined
}

// --- internal ---

function recipeOf(name: string): Pick<ProbeSpec, 'name' | 'commands' | 'versionPattern'> {
  const known = KNOWN_TOOLS[name]
  return {
    name,
    commands: known?.commands ?? [[name, '--version']],
    versionPattern: known?.versionPattern ?? DEFAULT_VERSION_PATTERN,
  }
}

function runOnce(
  tool: string,
  argv: readonly string[],
  pattern: RegExp,
  env: NodeJS.ProcessEnv,
): Promise<Omit<ToolProbe, 'duration_ms'>> {
  const [file, ...args] = argv as [string, ...string[]]
  const command = argv.join(' ')
  const path = whichSync(file, env)
  return new Promise((resolve) => {
    execFile(file, args, { timeout: PROBE_TIMEOUT_MS, env, windowsHide: true }, (error, stdout, stderr) => {
      if (error) {
        resolve({ tool, command, path, version: undefined, ok: false, error: failure(error, file, stderr) })
        return
      }
      const match = pattern.exec(stdout) ?? pattern.exec(stderr)
      const version = match ? (match[1] ?? match[0]) : undefined
      resolve({ tool, command, path, version, ok: version !== undefined, ...(version ? {} : { error: 'no version' }) })
    })
  })
}

/** One line saying why the command did not answer. */
function failure(error: ExecFileException, file: string, stderr: string): string {
  if (error.code === 'ENOENT') return `${file} not found on PATH`
  if (error.killed) return `no answer within ${PROBE_TIMEOUT_MS / 1000} s`
  const said = stderr.trim().split('\n')[0]
  return `exit ${String(error.code ?? '?')}${said ? `: ${said}` : ''}`
}
