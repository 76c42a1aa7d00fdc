import { userCommand } from '../../../foundation/cli/user-command.ts'
import { globMatcher } from '../../../foundation/fs/glob.ts'
import { type Finding, makeFinding } from '../finding.ts'
import type { Gate } from '../gate.ts'
import type { GateConfig } from '../gates-config.ts'
import { buildManifest, compareManifests, readManifest } from './manifest.ts'

const REFRESH = `if the change is intended, refresh the manifest with \`${userCommand('manifest')}\``

/** The tree against `.codex/pre_manifest.json`: added, removed, changed and moved files. */
export function scanIntegrity(root: string, files: readonly string[], config: GateConfig<'integrity'>) {
  const manifest = readManifest(root, config.manifest)
  if (!manifest) return { findings: [] }
  const allowed = globMatcher([...config.allow, config.manifest])
  const keep = <T>(entries: Record<string, T>) =>
    Object.fromEntries(Object.entries(entries).filter(([path]) => !allowed(path)))
  const current = buildManifest(
    root,
    files.filter((f) => !allowed(f)),
  )
  const diff = compareManifests(keep(manifest.files), current.files)
  const findings: Finding[] = []
  const add = (rule: string, file: string, message: string, remediation: string) =>
    findings.push(makeFinding({ gate: 'integrity', rule, severity: 'error', file, line: null, message, remediation }))
  const since = `since the manifest of ${manifest.created_at}`
  for (const path of diff.added) add('added', path, `${path} was added ${since}`, `remove it, or ${REFRESH}`)
  for (const path of diff.removed)
    add('removed', path, `${path} was removed ${since}`, `restore it (git checkout -- ${path}), or ${REFRESH}`)
  for (const path of diff.changed)
    add('changed', path, `${path} changed ${since}`, `revert it (git diff ${path}), or ${REFRESH}`)
  for (const { from, to } of diff.moved)
    add('moved', to, `${from} moved to ${to} ${since}`, `move it back, or ${REFRESH}`)
  return { findings }
}

export const integrityGate: Gate<'integrity'> = {
  name: 'integrity',
  description: 'added / removed / changed / moved files against the pre-manifest',
  skipReason: (root, _files, config) =>
    readManifest(root, config.manifest)
      ? undefined
      : `no manifest at ${config.manifest}: take one with \`${userCommand('manifest')}\``,
  cacheInputs: (_root, files, config) => ({ contents: [...files, config.manifest], listing: true }),
  scan: scanIntegrity,
}
