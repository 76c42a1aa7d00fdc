import { globMatcher } from '../../../foundation/fs/glob.ts'
import { repoFileSize } from '../../../foundation/fs/text-file.ts'
import { makeFinding } from '../finding.ts'
import type { Gate } from '../gate.ts'
import type { GateConfig } from '../gates-config.ts'

/** Files over `max_bytes`, except allowlisted globs. */
export function scanLargeFiles(root: string, files: readonly string[], config: GateConfig<'large-files'>) {
  const allowed = globMatcher(config.allow)
  const findings = []
  for (const path of files) {
    if (allowed(path)) continue
    const size = repoFileSize(root, path)
    if (size <= config.max_bytes) continue
    findings.push(
      makeFinding({
        gate: 'large-files',
        rule: 'file-too-large',
        severity: 'error',
        file: path,
        line: null,
        message: `${path} is ${formatBytes(size)}, over the ${formatBytes(config.max_bytes)} limit`,
        remediation: `keep it out of git (git rm --cached ${path}; store it with Git LFS or as a downloaded artifact), or allow it in codex-gates.json gates.large-files.allow`,
        identity: path,
      }),
    )
  }
  return { findings }
}

/** `1.5 MiB`, `512 B`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  const units = ['KiB', 'MiB', 'GiB', 'TiB']
  let value = bytes / 1024
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${value.toFixed(value >= 10 ? 0 : 1)} ${units[unit]}`
}

export const largeFilesGate: Gate<'large-files'> = {
  name: 'large-files',
  description: 'tracked files over a size limit',
  cacheInputs: () => ({ contents: [], listing: true }),
  scan: scanLargeFiles,
}
