import { execFile } from 'node:child_process'
import { existsSync, realpathSync, statSync } from 'node:fs'
import { delimiter, join } from 'node:path'
import type { EventMeta } from '../../../ledger/ledger-meta.ts'
import { type PackageJson, readJsonFile } from '../deps/lockfile.ts'
import { isRange, satisfies } from '../deps/semver.ts'
import { type Finding, makeFinding } from '../finding.ts'
import type { Gate } from '../gate.ts'
import type { GateConfig } from '../gates-config.ts'

export type ToolName = 'node' | 'npm' | 'git'

/** What one probe found. */
export interface ToolProbe {
  tool: ToolName
  path: string | undefined
  version: string | undefined
  ok: boolean
  error?: string
  duration_ms: number
}

/** Runs `<tool> --version` from PATH (15 s limit) and reports path, version and time. */
export function probeTool(tool: ToolName, env: NodeJS.ProcessEnv = process.env): Promise<ToolProbe> {
  const started = performance.now()
  const path = whichSync(tool, env)
  return new Promise((resolve) => {
    execFile(tool, ['--version'], { timeout: 15_000, env, windowsHide: true }, (error, stdout) => {
      const duration_ms = Math.round(performance.now() - started)
      if (error) {
        resolve({ tool, path, version: undefined, ok: false, error: error.message.split('\n')[0], duration_ms })
        return
      }
      const version = /(\d+\.\d+\.\d+)/.exec(stdout)?.[1]
      resolve({ tool, path, version, ok: version !== undefined, duration_ms })
    })
  })
}

/** Probes node, npm and git; each probe is a `tool` event; missing tools and engines misses are findings. */
export async function scanToolchain(root: string, _files: readonly string[], config: GateConfig<'toolchain'>) {
  const probes = await Promise.all((['node', 'npm', 'git'] as const).map((t) => probeTool(t)))
  const engines = readJsonFile<PackageJson>(root, 'package.json')?.engines ?? {}
  const findings: Finding[] = []
  const events: EventMeta[] = []
  for (const p of probes) {
    const required = config.required.includes(p.tool)
    const range = engines[p.tool]
    events.push({
      role: 'tool',
      level: p.ok ? 'info' : required ? 'error' : 'warn',
      message: p.ok
        ? `${p.tool} ${p.version} (${p.path ?? 'on PATH'})`
        : `${p.tool} not usable: ${p.error ?? 'no version'}`,
      data: { ...p, required, engines: range ?? null },
    })
    if (!p.ok) {
      if (required) {
        findings.push(
          makeFinding({
            gate: 'toolchain',
            rule: 'tool-missing',
            severity: 'error',
            file: null,
            line: null,
            message: `${p.tool} is required but \`${p.tool} --version\` failed: ${p.error ?? 'no version printed'}`,
            remediation: `install ${p.tool} and put it on PATH${range ? ` (a version within "${range}")` : ''}, or drop it from gates.toolchain.required`,
            identity: p.tool,
          }),
        )
      }
      continue
    }
    if (range && isRange(range) && p.version && !satisfies(p.version, range)) {
      findings.push(
        makeFinding({
          gate: 'toolchain',
          rule: `engines-${p.tool}`,
          severity: 'error',
          file: 'package.json',
          line: null,
          message: `${p.tool} ${p.version} on PATH does not satisfy engines.${p.tool} "${range}"`,
          remediation: `install a ${p.tool} within "${range}" (for node: nvm install), or widen engines.${p.tool}`,
          identity: `${p.tool}:${p.version}:${range}`,
        }),
      )
    }
  }
  return { findings, events }
}

/** The first executable named `tool` on PATH. */
export function whichSync(tool: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue
    const candidate = join(dir, tool)
    if (existsSync(candidate)) return candidate
  }
  return undefined
}

/**
 * Cache key without running anything: each tool's resolved binary (path, size, mtime) and PATH.
 * Same binaries, same versions: a cached run re-attaches the probes' events from the run it reuses.
 */
export function toolchainInputs(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const extra: Record<string, string> = { PATH: env.PATH ?? '', running_node: process.version }
  for (const tool of ['node', 'npm', 'git'] as const) {
    const path = whichSync(tool, env)
    try {
      const real = path ? realpathSync(path) : undefined
      const stat = real ? statSync(real) : undefined
      extra[tool] = real && stat ? `${real}:${stat.size}:${stat.mtimeMs}` : 'missing'
    } catch {
      extra[tool] = 'unreadable'
    }
  }
  return extra
}

export const toolchainGate: Gate<'toolchain'> = {
  name: 'toolchain',
  description: 'node, npm and git present, versions within package.json engines',
  cacheInputs: () => ({ contents: ['package.json'], extra: toolchainInputs() }),
  scan: scanToolchain,
}
