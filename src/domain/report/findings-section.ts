import { slugId } from './escape-html.ts'
import type { ReportContext } from './report-context.ts'
import type { FindingRow } from './report-summary.ts'

/** The session's findings, errors first, each with a stable anchor for linking. */
export function findingRows(ctx: ReportContext): FindingRow[] {
  const rows = ctx.ledger.all<Omit<FindingRow, 'anchor' | 'location'>>(
    `SELECT gate, severity, rule, file, line, message, remediation, fingerprint
       FROM findings WHERE session_id = ?
      ORDER BY CASE severity WHEN 'error' THEN 0 WHEN 'warn' THEN 1 ELSE 2 END, gate, file, line, id`,
    ctx.session.id,
  )
  const used = new Map<string, number>()
  return rows.map((f) => {
    const base = slugId('finding', `${f.gate}-${f.fingerprint}`)
    const seen = used.get(base) ?? 0
    used.set(base, seen + 1)
    return { anchor: seen === 0 ? base : `${base}-${seen + 1}`, ...f, location: locationOf(f.file, f.line) }
  })
}

/** `file:line`, `file`, or `(repository)` when a finding names no file. */
export function locationOf(file: string | null, line: number | null): string {
  if (!file) return '(repository)'
  return line === null ? file : `${file}:${line}`
}
