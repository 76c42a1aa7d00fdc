import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { repoPath } from '../../../foundation/fs/repo-path.ts'
import { type Finding, makeFinding } from '../finding.ts'
import type { Gate, KeyPass } from '../gate.ts'
import type { GateConfig } from '../gates-config.ts'
import {
  type Lockfile,
  lockPackagePaths,
  lockPathName,
  type PackageJson,
  readJsonFile,
  readLockfile,
} from './lockfile.ts'
import { isRange, majorOf, satisfies } from './semver.ts'

const DEP_TYPES = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'] as const

/** What kind of spec a dependency has. */
export type SpecKind = 'range' | 'any' | 'tag' | 'url' | 'git' | 'file' | 'alias'

/** Classifies a package.json dependency spec the way npm reads it. */
export function specKind(spec: string): SpecKind {
  const s = spec.trim()
  if (s === '' || s === '*' || /^[xX]$/.test(s) || s === 'latest') return s === 'latest' ? 'tag' : 'any'
  if (/^npm:/.test(s)) return 'alias'
  if (/^(?:file|link|workspace):/.test(s) || /^\.{0,2}\//.test(s)) return 'file'
  if (/^(?:git\+|git:|github:|gitlab:|bitbucket:|gist:)/.test(s) || /^[\w.-]+\/[\w.-]+(?:#.*)?$/.test(s)) return 'git'
  if (/^https?:/.test(s)) return 'url'
  if (isRange(s)) return 'range'
  return 'tag'
}

/** package.json vs package-lock.json vs node_modules, offline. */
export function scanDeps(root: string, _files: readonly string[], config: GateConfig<'deps'>) {
  const findings: Finding[] = []
  const pkg = readJsonFile<PackageJson>(root, 'package.json')
  if (!pkg) return { findings }
  const pkgText = readFileSync(join(root, 'package.json'), 'utf8')
  const lock = readLockfile(root)
  const lockText = lock ? readFileSync(join(root, 'package-lock.json'), 'utf8') : ''
  const add = (
    severity: Finding['severity'],
    rule: string,
    file: string,
    line: number | null,
    message: string,
    remediation: string,
    identity?: string,
  ) => findings.push(makeFinding({ gate: 'deps', rule, severity, file, line, message, remediation, identity }))

  const engine = pkg.engines?.node
  if (engine && isRange(engine) && !satisfies(process.version, engine)) {
    add(
      'error',
      'engines-node',
      'package.json',
      lineOf(pkgText, '"node"'),
      `the running Node ${process.version} does not satisfy engines.node "${engine}"`,
      `switch to a Node version within "${engine}" (e.g. with nvm), or widen engines.node`,
      engine,
    )
  }

  const declared = DEP_TYPES.flatMap((type) =>
    Object.entries(pkg[type] ?? {}).map(([name, spec]) => ({ type, name, spec })),
  )
  if (declared.length > 0 && !lock) {
    add(
      'error',
      'missing-lockfile',
      'package.json',
      null,
      'package.json declares dependencies but there is no package-lock.json',
      'run `npm install --package-lock-only` and commit package-lock.json',
    )
    return { findings }
  }
  if (!lock) return { findings }
  const rootEntry = lock.packages[''] ?? {}
  for (const { type, name, spec } of declared) {
    const where = lineOf(pkgText, `"${name}"`)
    const kind = specKind(spec)
    if ((kind === 'any' || kind === 'tag' || kind === 'url' || kind === 'git') && !(name in config.allow_specs)) {
      add(
        'error',
        'unpinned-spec',
        'package.json',
        where,
        `${type}.${name} is "${spec}" (${kind === 'any' ? 'any version' : kind === 'tag' ? 'a moving dist-tag' : `a ${kind} spec`}): installs are not reproducible`,
        `pin a version range (e.g. npm install --save-exact ${name}@<version>), or allow it in gates.deps.allow_specs with a reason`,
        `${name}:${spec}`,
      )
    }
    const lockedSpec = rootEntry[type]?.[name]
    if (lockedSpec === undefined) {
      add(
        'error',
        'missing-from-lock',
        'package.json',
        where,
        `${type}.${name} (${spec}) is not in package-lock.json`,
        'run `npm install` (or `npm install --package-lock-only`) and commit package-lock.json',
        name,
      )
      continue
    }
    if (lockedSpec !== spec) {
      add(
        'error',
        'lock-out-of-date',
        'package.json',
        where,
        `${type}.${name} is "${spec}" in package.json but "${lockedSpec}" in package-lock.json`,
        'run `npm install` so the lock records the new spec, and commit both files',
        `${name}:${spec}:${lockedSpec}`,
      )
    }
    const entry = lock.packages[`node_modules/${name}`]
    if (!entry) {
      if (type === 'peerDependencies' || type === 'optionalDependencies') continue
      add(
        'error',
        'missing-from-lock',
        'package-lock.json',
        null,
        `${name} is declared in ${type} but package-lock.json has no node_modules/${name}`,
        'run `npm install` and commit package-lock.json',
        `entry:${name}`,
      )
      continue
    }
    const range = kind === 'alias' ? spec.slice(spec.lastIndexOf('@') + 1) : spec
    if ((kind === 'range' || kind === 'alias') && entry.version && isRange(range) && !satisfies(entry.version, range)) {
      add(
        'error',
        'lock-unsatisfied',
        'package-lock.json',
        lineOf(lockText, `"node_modules/${name}"`),
        `${name} is locked at ${entry.version}, outside its declared range "${spec}"`,
        'run `npm install` to re-resolve it and commit package-lock.json',
        `${name}:${entry.version}:${spec}`,
      )
    }
  }

  if (config.check_installed) findings.push(...installedDrift(root, lock, lockText))
  findings.push(...duplicateMajors(lock, lockText))
  return { findings }
}

/** Installed `node_modules/**` versions against the lock. */
function installedDrift(root: string, lock: Lockfile, lockText: string): Finding[] {
  if (!existsSync(join(root, 'node_modules'))) {
    return [
      makeFinding({
        gate: 'deps',
        rule: 'not-installed',
        severity: 'warn',
        file: null,
        line: null,
        message: 'node_modules is missing: installed versions were not checked',
        remediation: 'run `npm ci`',
      }),
    ]
  }
  const findings: Finding[] = []
  const missing: string[] = []
  for (const path of lockPackagePaths(lock)) {
    const entry = lock.packages[path] ?? {}
    const installed = readJsonFile<PackageJson>(root, join(path, 'package.json'))
    if (!installed) {
      if (!entry.optional && !entry.devOptional && !entry.peer) missing.push(path)
      continue
    }
    if (entry.version && installed.version !== entry.version) {
      findings.push(
        makeFinding({
          gate: 'deps',
          rule: 'installed-drift',
          severity: 'error',
          file: 'package-lock.json',
          line: lineOf(lockText, `"${path}"`),
          message: `${path} is installed at ${installed.version ?? '?'} but locked at ${entry.version}`,
          remediation: 'run `npm ci` to install exactly what the lock says',
          identity: `${path}:${installed.version}:${entry.version}`,
        }),
      )
    }
  }
  if (missing.length > 0) {
    findings.push(
      makeFinding({
        gate: 'deps',
        rule: 'not-installed',
        severity: 'warn',
        file: 'package-lock.json',
        line: null,
        message: `${missing.length} locked package(s) are not installed: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}`,
        remediation: 'run `npm ci` (an --omit=dev install leaves dev packages out on purpose)',
        identity: missing.join(','),
      }),
    )
  }
  const locked = new Set(lockPackagePaths(lock))
  for (const name of topLevelInstalled(root)) {
    if (!locked.has(`node_modules/${name}`)) {
      findings.push(
        makeFinding({
          gate: 'deps',
          rule: 'extraneous',
          severity: 'warn',
          file: null,
          line: null,
          message: `node_modules/${name} is installed but not in package-lock.json`,
          remediation: 'run `npm ci` (or `npm prune`) to match the lock',
          identity: name,
        }),
      )
    }
  }
  return findings
}

/** Packages locked at more than one major version (each copy is shipped and loaded). */
function duplicateMajors(lock: Lockfile, lockText: string): Finding[] {
  const majors = new Map<string, Map<number, string[]>>()
  for (const path of lockPackagePaths(lock)) {
    const entry = lock.packages[path] ?? {}
    const major = entry.version ? majorOf(entry.version) : undefined
    if (major === undefined) continue
    const name = lockPathName(path, entry)
    const byMajor = majors.get(name) ?? new Map<number, string[]>()
    byMajor.set(major, [...(byMajor.get(major) ?? []), `${entry.version} (${path})`])
    majors.set(name, byMajor)
  }
  const findings: Finding[] = []
  for (const [name, byMajor] of majors) {
    if (byMajor.size < 2) continue
    const versions = [...byMajor.values()].flat()
    findings.push(
      makeFinding({
        gate: 'deps',
        rule: 'duplicate-major',
        severity: 'warn',
        file: 'package-lock.json',
        line: lineOf(lockText, `"node_modules/${name}"`),
        message: `${name} is locked at ${byMajor.size} major versions: ${versions.join(', ')}`,
        remediation: `update the dependents so one major of ${name} satisfies all (see \`npm ls ${name}\`)`,
        identity: `${name}:${[...byMajor.keys()].sort().join(',')}`,
      }),
    )
  }
  return findings
}

function topLevelInstalled(root: string): string[] {
  const dir = join(root, 'node_modules')
  const names: string[] = []
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue
    if (entry.name.startsWith('@') && entry.isDirectory()) {
      for (const sub of readdirSync(join(dir, entry.name))) if (!sub.startsWith('.')) names.push(`${entry.name}/${sub}`)
    } else if (entry.isDirectory() || entry.isSymbolicLink()) {
      names.push(entry.name)
    }
  }
  return names
}

/** 1-based line of the first occurrence of `needle`, or null. */
export function lineOf(text: string, needle: string): number | null {
  const at = text.indexOf(needle)
  if (at === -1) return null
  let line = 1
  for (let i = text.indexOf('\n'); i !== -1 && i < at; i = text.indexOf('\n', i + 1)) line++
  return line
}

/**
 * package.json, the lock and every installed package.json the lock names, plus the Node version.
 * Within one pass (`pass`: deps and licenses checked together) the lock is parsed and
 * node_modules listed once.
 */
export function depsCacheInputs(root: string, pass?: KeyPass): { contents: string[]; extra: Record<string, string> } {
  return pass ? pass.once(`deps inputs\0${root}`, () => lockInputs(root)) : lockInputs(root)
}

function lockInputs(root: string): { contents: string[]; extra: Record<string, string> } {
  let lock: Lockfile | undefined
  try {
    lock = readLockfile(root)
  } catch {
    lock = undefined
  }
  // Lock paths are npm's: relative, '/'-separated (~300 of them; path.join cost ~2 ms cold).
  const installed = lock ? lockPackagePaths(lock).map((p) => repoPath(p, 'package.json')) : []
  const top = existsSync(join(root, 'node_modules')) ? topLevelInstalled(root).join(',') : ''
  return {
    contents: ['package.json', 'package-lock.json', ...installed],
    extra: { node: process.version, installed: top },
  }
}

export const depsGate: Gate<'deps'> = {
  name: 'deps',
  description: 'package.json vs package-lock.json vs node_modules; engines; duplicate majors',
  skipReason: (root) => (existsSync(join(root, 'package.json')) ? undefined : 'no package.json at the root'),
  cacheInputs: (root, _files, _config, pass) => ({ ...depsCacheInputs(root, pass), listing: false }),
  scan: scanDeps,
}
