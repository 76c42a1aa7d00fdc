import type { CaseSnapshot } from '../../adapters/reporter/to-ledger-rows.ts'

/** The skip reason of a built-in gate switched off in codex-gates.json (run-gate.ts). */
const DISABLED = /^disabled in codex-gates\.json \(gates\.[^.]+\.enabled\)$/

/**
 * What `codex-gates run` prints when Vitest did not run: a line per gate (✓ passed, with its time
 * or the session it was reused from; ↓ skipped, with the reason; ✗ failed, with its blocking
 * findings under it), the gates switched off in codex-gates.json on one line, and the counts.
 */
export function gatesSummary(
  cases: readonly CaseSnapshot[],
  blocking: ReadonlyMap<string, readonly string[]>,
  sessionId: string,
): string {
  const disabled = cases.filter((c) => c.state === 'skipped' && DISABLED.test(c.skipReason ?? ''))
  const lines = cases.filter((c) => !disabled.includes(c)).map((c) => caseLine(c, blocking.get(c.name) ?? []))
  if (disabled.length > 0)
    lines.push(` ↓ ${disabled.length} disabled in codex-gates.json: ${disabled.map((c) => c.name).join(', ')}\n`)
  const count = (state: CaseSnapshot['state']) => cases.filter((c) => c.state === state).length
  const failed = count('failed')
  const ran = cases.filter((c) => c.meta?.gate?.status === 'passed' || c.state === 'failed').length
  const what = ran > 0 ? `${ran} ran in-process, the rest unchanged` : 'every input unchanged, nothing to scan'
  lines.push(
    `\n gates  ${failed > 0 ? `${failed} failed | ` : ''}${count('passed')} passed | ${count('skipped')} skipped — ${what}; session ${sessionId.slice(0, 8)}\n`,
  )
  return lines.join('')
}

// --- internal ---

function caseLine(c: CaseSnapshot, blocking: readonly string[]): string {
  const gate = c.meta?.gate
  if (c.state === 'skipped') return ` ↓ ${c.name} (skipped: ${c.skipReason ?? 'skipped'})\n`
  if (c.state === 'passed') {
    const what =
      gate?.status === 'cached'
        ? `unchanged since session ${gate.cached_from?.slice(0, 8) ?? '?'}`
        : `${Math.round(c.durationMs ?? 0)} ms`
    return ` ✓ ${c.name} (${what})\n`
  }
  const detail = blocking.length > 0 ? blocking : c.errors.map((e) => e.message)
  return ` ✗ ${c.name}\n${detail.map((line) => `     ${line}\n`).join('')}`
}
