import { realpathSync, statSync } from 'node:fs'
import { envValue } from '../../../foundation/settings/env-value.ts'
import type { EventMeta } from '../../../ledger/ledger-meta.ts'
import { type PackageJson, readJsonFile } from '../deps/lockfile.ts'
import { isRange, satisfies } from '../deps/semver.ts'
import { type Finding, makeFinding } from '../finding.ts'
import type { Gate } from '../gate.ts'
import type { GateConfig } from '../gates-config.ts'
import { probeTool, type ToolProbe, whichSync } from './probe-tool.ts'
import { type ProbeSpec, probeSpecs } from './toolchain-config.ts'
import { toSemver, versionInRange } from './version-range.ts'

export { probeTool, type ToolProbe, whichSync }

/**
 * Probes every tool the config asks for (node, npm and git always; `required` names; `tools`
 * entries with their ranges), side by side. Each probe is a `tool` event. A required tool that is
 * missing or out of its range is an error finding with the install hint; an optional one that is
 * missing is only a note (an info event), one that is present but out of range a warning.
 * package.json `engines` ranges are checked for the tools they name, as before.
 */
export async function scanToolchain(root: string, _files: readonly string[], config: GateConfig<'toolchain'>) {
  const specs = probeSpecs(config)
  const probes = await Promise.all(specs.map((s) => probeTool(s)))
  const engines = readJsonFile<PackageJson>(root, 'package.json')?.engines ?? {}
  const findings: Finding[] = []
  const events: EventMeta[] = []
  specs.forEach((spec, i) => {
    const p = probes[i] as ToolProbe
    const enginesRange = engines[spec.name]
    const inRange = p.ok && p.version && spec.range && spec.range !== '*' ? versionInRange(p.version, spec.range) : true
    events.push({
      role: 'tool',
      level: !p.ok ? (spec.required ? 'error' : 'info') : inRange ? 'info' : spec.required ? 'error' : 'warn',
      message: probeMessage(spec, p, inRange),
      data: { ...p, required: spec.required, range: spec.range ?? null, engines: enginesRange ?? null },
    })
    if (!p.ok) {
      if (spec.required) findings.push(missingFinding(spec, p, enginesRange))
      return
    }
    if (!inRange) findings.push(rangeFinding(spec, p))
    if (enginesRange && isRange(enginesRange) && p.version) {
      const version = toSemver(p.version)
      if (version && !satisfies(version, enginesRange))
        findings.push(enginesFinding(spec.name, p.version, enginesRange))
    }
  })
  return { findings, events }
}

/**
 * Cache key without running anything: each probed command's resolved binary (path, size, mtime),
 * PATH, and what picks an interpreter behind a shim (pyenv, virtualenv, conda, CUDA_HOME). Same
 * binaries, same versions: a cached run re-attaches the probes' events from the run it reuses.
 */
export function toolchainInputs(
  env: NodeJS.ProcessEnv = process.env,
  specs: readonly Pick<ProbeSpec, 'commands'>[] = probeSpecs({ required: ['node', 'npm', 'git'], tools: {} }),
): Record<string, string> {
  const extra: Record<string, string> = { PATH: envValue('PATH', env) ?? '', running_node: process.version }
  for (const name of SELECTORS) if (env[name] !== undefined) extra[name] = env[name] as string
  for (const spec of specs) {
    for (const [file] of spec.commands) {
      if (!file || file in extra) continue
      const path = whichSync(file, env)
      try {
        const real = path ? realpathSync(path) : undefined
        const stat = real ? statSync(real) : undefined
        extra[file] = real && stat ? `${real}:${stat.size}:${stat.mtimeMs}` : 'missing'
      } catch {
        extra[file] = 'unreadable'
      }
    }
  }
  return extra
}

export const toolchainGate: Gate<'toolchain'> = {
  name: 'toolchain',
  description:
    'the tools the repository needs (node, npm, git and configured probes: python, uv, nvcc, …) present and within range',
  cacheInputs: (_root, _files, config) => ({
    contents: ['package.json', ...VERSION_FILES],
    extra: toolchainInputs(process.env, probeSpecs(config)),
  }),
  scan: scanToolchain,
}

// --- internal ---

/** Variables that choose which interpreter a shim runs. */
const SELECTORS = ['PYENV_VERSION', 'VIRTUAL_ENV', 'CONDA_PREFIX', 'CUDA_HOME', 'CUDA_PATH', 'UV_PYTHON']
/** Files that choose versions per directory (pyenv, asdf/mise, nvm). */
const VERSION_FILES = ['.python-version', '.tool-versions', '.nvmrc']

function probeMessage(spec: ProbeSpec, p: ToolProbe, inRange: boolean): string {
  if (!p.ok) return `${spec.name} not usable: ${p.error ?? 'no version'}${spec.required ? '' : ' (optional)'}`
  const where = `(${p.path ?? 'on PATH'})`
  if (!inRange) return `${spec.name} ${p.version} ${where} is outside "${spec.range}"`
  return `${spec.name} ${p.version} ${where}${spec.range && spec.range !== '*' ? ` within "${spec.range}"` : ''}`
}

function missingFinding(spec: ProbeSpec, p: ToolProbe, enginesRange: string | undefined): Finding {
  const range = spec.range && spec.range !== '*' ? spec.range : enginesRange
  return makeFinding({
    gate: 'toolchain',
    rule: 'tool-missing',
    severity: 'error',
    file: null,
    line: null,
    message: `${spec.name} is required but \`${p.command}\` failed: ${p.error === 'no version' ? 'no version printed' : (p.error ?? 'no version printed')}`,
    remediation: `${spec.install}${range ? ` (a version within "${range}")` : ''}, or drop it from ${spec.declaredAt === 'gates.toolchain.required' ? 'gates.toolchain.required' : `${spec.declaredAt} (or set "required": false)`}`,
    identity: spec.name,
  })
}

function rangeFinding(spec: ProbeSpec, p: ToolProbe): Finding {
  return makeFinding({
    gate: 'toolchain',
    rule: 'tool-version',
    severity: spec.required ? 'error' : 'warn',
    file: null,
    line: null,
    message: `${spec.name} ${p.version} (${p.path ?? p.command}) is outside ${spec.declaredAt} "${spec.range}"`,
    remediation: `put a ${spec.name} within "${spec.range}" first on PATH (${spec.install}), or change ${spec.declaredAt}`,
    identity: `${spec.name}:${p.version}:${spec.range}`,
  })
}

function enginesFinding(tool: string, version: string, range: string): Finding {
  return makeFinding({
    gate: 'toolchain',
    rule: `engines-${tool}`,
    severity: 'error',
    file: 'package.json',
    line: null,
    message: `${tool} ${version} on PATH does not satisfy engines.${tool} "${range}"`,
    remediation: `install a ${tool} within "${range}" (for node: nvm install), or widen engines.${tool}`,
    identity: `${tool}:${version}:${range}`,
  })
}
