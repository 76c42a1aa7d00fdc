import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { depsCacheInputs } from '../deps/deps.ts'
import {
  lockPackagePaths,
  lockPathName,
  type PackageJson,
  packageLicense,
  readJsonFile,
  readLockfile,
} from '../deps/lockfile.ts'
import { type Finding, makeFinding } from '../finding.ts'
import type { Gate } from '../gate.ts'
import type { GateConfig } from '../gates-config.ts'
import { parseSpdx, spdxAllowed } from './spdx.ts'

/** Licenses of production dependencies (lock entries without `dev`/`devOptional`) against the allowlist. */
export function scanLicenses(root: string, _files: readonly string[], config: GateConfig<'licenses'>) {
  const lock = readLockfile(root)
  if (!lock) return { findings: [] }
  const allowed = new Set(config.allow)
  const findings: Finding[] = []
  for (const path of lockPackagePaths(lock)) {
    const entry = lock.packages[path] ?? {}
    if (entry.dev || entry.devOptional) continue
    const name = lockPathName(path, entry)
    if (name in config.exceptions) continue
    const license = entry.license ?? packageLicense(readJsonFile<PackageJson>(root, join(path, 'package.json')))
    const at = `${name}@${entry.version ?? '?'}`
    const fix = `replace the dependency, or add "${name}": "<reason>" to gates.licenses.exceptions after a legal check`
    if (!license) {
      findings.push(
        makeFinding({
          gate: 'licenses',
          rule: 'unknown-license',
          severity: 'error',
          file: 'package-lock.json',
          line: null,
          message: `${at} declares no license`,
          remediation: fix,
          identity: name,
        }),
      )
      continue
    }
    const tree = parseSpdx(license)
    if (tree && spdxAllowed(tree, allowed)) continue
    findings.push(
      makeFinding({
        gate: 'licenses',
        rule: tree ? 'license-not-allowed' : 'unknown-license',
        severity: 'error',
        file: 'package-lock.json',
        line: null,
        message: tree
          ? `${at} is licensed "${license}", not in the allowlist (${config.allow.join(', ')})`
          : `${at} has a license that is not an SPDX expression: "${license}"`,
        remediation: tree ? `${fix}; or add the license id to gates.licenses.allow` : fix,
        identity: `${name}:${license}`,
      }),
    )
  }
  return { findings }
}

export const licensesGate: Gate<'licenses'> = {
  name: 'licenses',
  description: 'licenses of production dependencies against the allowlist',
  skipReason: (root) => (existsSync(join(root, 'package-lock.json')) ? undefined : 'no package-lock.json at the root'),
  cacheInputs: (root, _files, _config, pass) => depsCacheInputs(root, pass),
  scan: scanLicenses,
}
