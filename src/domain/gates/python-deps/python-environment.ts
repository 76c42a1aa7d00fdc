import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { arch, platform } from 'node:os'
import { isAbsolute, join, resolve } from 'node:path'
import { envValue } from '../../../foundation/settings/env-value.ts'
import { type DistMetadata, parseDistMetadata } from './dist-metadata.ts'
import type { MarkerEnvironment } from './pep508-marker.ts'
import { canonicalizeName } from './pep508-marker.ts'

/** An installed Python environment: where its distributions live and what its markers evaluate to. */
export interface PythonEnvironment {
  origin: 'VIRTUAL_ENV' | '.venv' | 'python3'
  /** The venv folder, or the interpreter's sys.prefix. */
  prefix: string
  sitePackages: string[]
  /** Known marker variables; a venv found without running Python knows fewer (no platform_release …). */
  markers: MarkerEnvironment
}

/** An installed distribution, by PEP 503 name. */
export interface InstalledDistribution extends DistMetadata {
  canonical: string
  /** The `.dist-info` / `.egg-info` folder it was read from. */
  path: string
}

/** Runs `python3 -c <code>` and returns stdout, or undefined when there is no python3. */
export type PythonRunner = (code: string) => string | undefined

/**
 * Finds the environment the project runs in: `$VIRTUAL_ENV`, else `<root>/.venv`, else the
 * `python3` on PATH (one `python3 -c` call for `site.getsitepackages()` and the marker values).
 * Undefined when there is none.
 */
export function findPythonEnvironment(
  root: string,
  env: Readonly<Record<string, string | undefined>>,
  runPython: PythonRunner = runPython3,
): PythonEnvironment | undefined {
  const candidates: [PythonEnvironment['origin'], string][] = []
  const virtualEnv = envValue('VIRTUAL_ENV', env)
  if (virtualEnv) candidates.push(['VIRTUAL_ENV', isAbsolute(virtualEnv) ? virtualEnv : resolve(root, virtualEnv)])
  candidates.push(['.venv', join(root, '.venv')])
  for (const [origin, prefix] of candidates) {
    const cfg = join(prefix, 'pyvenv.cfg')
    if (!existsSync(cfg)) continue
    return { origin, prefix, sitePackages: venvSitePackages(prefix), markers: venvMarkers(readFileSync(cfg, 'utf8')) }
  }
  const out = runPython(PROBE)
  if (out === undefined) return undefined
  const probe = JSON.parse(out) as { prefix: string; paths: string[]; markers: MarkerEnvironment }
  return {
    origin: 'python3',
    prefix: probe.prefix,
    sitePackages: probe.paths.filter((p) => existsSync(p)),
    markers: probe.markers,
  }
}

/** Every distribution installed in the environment; the first on the path wins, as for Python's import. */
export function installedDistributions(environment: PythonEnvironment): Map<string, InstalledDistribution> {
  const found = new Map<string, InstalledDistribution>()
  for (const dir of environment.sitePackages) {
    let names: string[]
    try {
      names = readdirSync(dir).sort()
    } catch {
      continue
    }
    for (const entry of names) {
      const metaFile = entry.endsWith('.dist-info')
        ? join(dir, entry, 'METADATA')
        : entry.endsWith('.egg-info')
          ? existsSync(join(dir, entry, 'PKG-INFO'))
            ? join(dir, entry, 'PKG-INFO')
            : join(dir, entry)
          : undefined
      if (!metaFile) continue
      let meta: DistMetadata | undefined
      try {
        meta = parseDistMetadata(readFileSync(metaFile, 'utf8'))
      } catch {
        continue // a folder without METADATA, or unreadable: not an installed distribution
      }
      if (!meta) continue
      const canonical = canonicalizeName(meta.name)
      if (!found.has(canonical)) found.set(canonical, { ...meta, canonical, path: join(dir, entry) })
    }
  }
  return found
}

/** A fingerprint of what is installed (names, versions, folders): the result cache's view of the environment. */
export function environmentFingerprint(environment: PythonEnvironment | undefined): string {
  if (!environment) return 'none'
  const dists: string[] = []
  for (const dir of environment.sitePackages) {
    try {
      dists.push(...readdirSync(dir).filter((n) => n.endsWith('.dist-info') || n.endsWith('.egg-info')))
    } catch {
      // a site-packages folder that vanished reads as empty
    }
  }
  return `${environment.origin}:${environment.prefix}:${dists.sort().join(',')}`
}

// --- internal ---

const PROBE = [
  'import json, os, platform, site, sys',
  'paths = ([site.getusersitepackages()] if site.ENABLE_USER_SITE else []) + site.getsitepackages()',
  'i = sys.implementation.version',
  "iv = f'{i.major}.{i.minor}.{i.micro}' + ('' if i.releaselevel == 'final' else i.releaselevel[0] + str(i.serial))",
  'markers = dict(implementation_name=sys.implementation.name, implementation_version=iv, os_name=os.name,',
  '  platform_machine=platform.machine(), platform_release=platform.release(), platform_system=platform.system(),',
  '  platform_version=platform.version(), python_full_version=platform.python_version(),',
  '  platform_python_implementation=platform.python_implementation(),',
  "  python_version='.'.join(platform.python_version_tuple()[:2]), sys_platform=sys.platform)",
  'print(json.dumps(dict(prefix=sys.prefix, paths=paths, markers=markers)))',
].join('\n')

function runPython3(code: string): string | undefined {
  try {
    return execFileSync('python3', ['-c', code], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 20_000,
    })
  } catch {
    return undefined
  }
}

function venvSitePackages(prefix: string): string[] {
  const out: string[] = []
  for (const lib of ['lib', 'lib64']) {
    let entries: string[]
    try {
      entries = readdirSync(join(prefix, lib))
    } catch {
      continue
    }
    for (const e of entries.filter((n) => /^(?:python|pypy)\d/.test(n)).sort()) {
      const sp = join(prefix, lib, e, 'site-packages')
      if (existsSync(sp) && !out.includes(sp)) out.push(sp)
    }
  }
  const windows = join(prefix, 'Lib', 'site-packages')
  if (existsSync(windows)) out.push(windows)
  return out
}

/**
 * What a venv tells without running it: the Python version from pyvenv.cfg (`version` or
 * `version_info`), the platform from this machine (a venv is used where it was made).
 */
export function venvMarkers(cfg: string): MarkerEnvironment {
  const value = (key: string) => new RegExp(`^\\s*${key}\\s*=\\s*(.+?)\\s*$`, 'm').exec(cfg)?.[1]
  const version = /^(\d+\.\d+\.\d+)/.exec(value('version_info') ?? value('version') ?? '')?.[1]
  const os = platform()
  const markers: MarkerEnvironment = {
    os_name: os === 'win32' ? 'nt' : 'posix',
    sys_platform: os === 'win32' ? 'win32' : os,
    platform_system: { linux: 'Linux', darwin: 'Darwin', win32: 'Windows' }[os as string] ?? os,
    platform_machine:
      { x64: os === 'win32' ? 'AMD64' : 'x86_64', arm64: os === 'linux' ? 'aarch64' : 'arm64' }[arch() as string] ??
      arch(),
  }
  if (version) {
    markers.python_full_version = version
    markers.python_version = version.split('.').slice(0, 2).join('.')
  }
  const implementation = value('implementation')
  if (implementation) {
    markers.platform_python_implementation = implementation
    markers.implementation_name = implementation.toLowerCase()
  }
  return markers
}
