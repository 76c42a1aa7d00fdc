/**
 * What a check reports before it becomes a ledger finding. `info` exists here because the ledger's
 * findings are error|warn only: the gate hands info notes over as events and in its gaps report.
 */
export interface Issue {
  rule: string
  severity: 'error' | 'warn' | 'info'
  file: string | null
  line: number | null
  message: string
  remediation: string
  /** Stable across runs (the finding fingerprint): package and spec, never a line number. */
  identity: string
}
