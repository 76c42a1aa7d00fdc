import { basename } from 'node:path'
import { globMatcher } from '../../../foundation/fs/glob.ts'
import { makeFinding } from '../finding.ts'
import type { Gate } from '../gate.ts'
import type { GateConfig } from '../gates-config.ts'

/** `.env`, `.env.local`, `.envrc`…: every committed name starting with `.env`, unless allowed. */
export function scanEnvFiles(_root: string, files: readonly string[], config: GateConfig<'env-files'>) {
  const allowed = globMatcher(config.allow)
  const findings = files
    .filter((path) => basename(path).startsWith('.env') && !allowed(path))
    .map((path) =>
      makeFinding({
        gate: 'env-files',
        rule: 'committed-env-file',
        severity: 'error',
        file: path,
        line: null,
        message: `${path} is committed; .env files hold credentials and machine-local settings`,
        remediation: `git rm --cached ${path} and add it to .gitignore; commit a .env.example with placeholder values instead`,
      }),
    )
  return { findings }
}

export const envFilesGate: Gate<'env-files'> = {
  name: 'env-files',
  description: 'committed .env files other than .env.example / .env.sample',
  cacheInputs: () => ({ contents: [], listing: true }),
  scan: scanEnvFiles,
}
