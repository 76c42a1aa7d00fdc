import { nodeCrypto } from '../../foundation/lazy/node-crypto.ts'
import type { FindingMeta } from '../../ledger/ledger-meta.ts'

/** A gate finding: the ledger's `FindingMeta`, always with a remediation that says how to fix it. */
export type Finding = FindingMeta & { remediation: string }

export type Severity = Finding['severity']

export interface FindingInput {
  gate: string
  rule: string
  severity: Severity
  file: string | null
  line: number | null
  message: string
  remediation: string
  /** What identifies the finding across runs (default: the message). Never a plaintext secret. */
  identity?: string
}

/** Builds a finding with a stable fingerprint: gate, rule, file and identity; the line is left out. */
export function makeFinding(input: FindingInput): Finding {
  const { identity, ...rest } = input
  return { ...rest, fingerprint: fingerprintOf(input.gate, input.rule, input.file, identity ?? input.message) }
}

/** sha256 of the parts, 16 hex characters: short enough to read, long enough not to collide. */
export function fingerprintOf(gate: string, rule: string, file: string | null, identity: string): string {
  return nodeCrypto()
    .createHash('sha256')
    .update([gate, rule, file ?? '', identity].join('\0'))
    .digest('hex')
    .slice(0, 16)
}

/** `gate file:line rule: message — fix: remediation`, the line every failure prints. */
export function formatFinding(f: Finding): string {
  const where = f.file ? `${f.file}${f.line ? `:${f.line}` : ''}` : '(repository)'
  return `${f.gate} ${where} ${f.rule}: ${f.message} — fix: ${f.remediation}`
}

/** Orders findings by file, line, rule: stable output for people, JSON and SARIF alike. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      (a.file ?? '').localeCompare(b.file ?? '') ||
      (a.line ?? 0) - (b.line ?? 0) ||
      a.rule.localeCompare(b.rule) ||
      a.message.localeCompare(b.message),
  )
}
