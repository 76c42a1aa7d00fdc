import { createHash } from 'node:crypto'
import { basename } from 'node:path'
import { globMatcher } from '../../../foundation/fs/glob.ts'
import { readRepoFile, repoFileSize } from '../../../foundation/fs/text-file.ts'
import { type Finding, makeFinding } from '../finding.ts'
import type { Gate } from '../gate.ts'
import type { GateConfig } from '../gates-config.ts'

/** Source extensions that editors and people suffix with digits when keeping a copy: `train.py01`. */
const NUMBERED_COPY =
  /\.(?:py|ipynb|ts|tsx|js|jsx|mjs|cjs|json|ya?ml|toml|cfg|ini|md|txt|sh|cc|cpp|hpp|rs|go|java|rb|sql|csv)\d+$/i
/** Real extensions that end in digits and would otherwise read as numbered copies. */
const DIGIT_EXTENSIONS = /\.(?:md5|h5|mp3|mp4|m4a|sha1|sha224|sha256|sha384|sha512|h264|h265|x264|utf8|f90|f77|py3)$/i

/** Why a name looks like a backup copy, or undefined. */
export function backupKind(path: string): string | undefined {
  const name = basename(path)
  if (name.endsWith('~')) return 'editor backup (~)'
  if (/\.(?:orig|bak|old|swp|swo|rej)$/i.test(name)) return `backup extension (${name.slice(name.lastIndexOf('.'))})`
  if (NUMBERED_COPY.test(name) && !DIGIT_EXTENSIONS.test(name)) return 'numbered copy (e.g. .py01)'
  if (/ copy(?: \d+)?(?:\.[^.]+)?$/i.test(name) || / \(\d+\)(?:\.[^.]+)?$/.test(name)) return 'file-manager copy'
  return undefined
}

/** Byte-identical files (grouped by size, then sha256) and backup-like names. */
export function scanDuplicates(root: string, files: readonly string[], config: GateConfig<'duplicates'>) {
  const allowed = globMatcher(config.allow)
  const findings: Finding[] = []
  const bySize = new Map<number, string[]>()
  for (const path of files) {
    if (allowed(path)) continue
    const kind = backupKind(path)
    if (kind) {
      findings.push(
        makeFinding({
          gate: 'duplicates',
          rule: 'backup-name',
          severity: 'error',
          file: path,
          line: null,
          message: `${path} looks like a leftover copy: ${kind}`,
          remediation: `delete it (git rm ${path}); history keeps old versions. If it is real, rename it or allow it in gates.duplicates.allow`,
          identity: path,
        }),
      )
    }
    const size = repoFileSize(root, path)
    if (size < Math.max(1, config.min_bytes)) continue
    const group = bySize.get(size)
    if (group) group.push(path)
    else bySize.set(size, [path])
  }
  for (const group of bySize.values()) {
    if (group.length < 2) continue
    const byHash = new Map<string, string[]>()
    for (const path of group) {
      const bytes = readRepoFile(root, path)
      if (!bytes) continue
      const hash = createHash('sha256').update(bytes).digest('hex')
      const same = byHash.get(hash)
      if (same) same.push(path)
      else byHash.set(hash, [path])
    }
    for (const [hash, paths] of byHash) {
      if (paths.length < 2) continue
      const [first, ...copies] = paths.sort()
      for (const copy of copies) {
        findings.push(
          makeFinding({
            gate: 'duplicates',
            rule: 'identical-files',
            severity: 'error',
            file: copy,
            line: null,
            message: `${copy} is byte-identical to ${first} (sha256 ${hash.slice(0, 12)}…)`,
            remediation: `keep one copy and import or link to it; if both must exist, allow them in gates.duplicates.allow`,
            identity: `${first}\0${hash}`,
          }),
        )
      }
    }
  }
  return { findings }
}

export const duplicatesGate: Gate<'duplicates'> = {
  name: 'duplicates',
  description: 'byte-identical files and backup-like names (*.orig, *.bak, *~, * copy.*, *.py01)',
  cacheInputs: (_root, files) => ({ contents: files, listing: true }),
  scan: scanDuplicates,
}
