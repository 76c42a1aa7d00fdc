import { formatDelta, formatMs, formatPct, formatTs } from './format.ts'
import { escapeMarkdownText, markdownTable, mdCode } from './markdown-table.ts'
import type { PeriodicSummary } from './periodic-summary.ts'

/** The periodic summary as Markdown (what `npm run report -- --since 7d` prints and writes). */
export function renderPeriodic(p: PeriodicSummary): string {
  const pct = (v: number | null) => (v === null ? 'n/a' : formatPct(v * 100))
  const out: string[] = [
    `# codex-gates summary: last ${escapeMarkdownText(p.window)}`,
    '',
    `${formatTs(p.since)} to ${formatTs(p.until)}`,
    '',
    `- sessions: ${p.sessions.total}${entries(p.sessions.by_status)}`,
    `- kinds: ${entries(p.sessions.by_kind).replace(/^ \(|\)$/g, '') || 'none'}`,
    `- session pass rate: ${pct(p.pass_rate)}; test pass rate: ${pct(p.test_pass_rate)}`,
    `- findings: ${p.findings.opened} opened, ${p.findings.resolved} resolved`,
  ]
  if (p.projects.length) {
    out.push(
      '',
      '## Mean test time per project',
      '',
      markdownTable(
        ['project', 'sessions', 'mean time', 'pass rate'],
        p.projects.map((r) => [r.project, r.sessions, formatMs(r.mean_duration_ms), pct(r.pass_rate)]),
        ['l', 'r', 'r', 'r'],
      ),
    )
  }
  for (const [title, list] of [
    ['Findings opened', p.findings.opened_list],
    ['Findings resolved', p.findings.resolved_list],
  ] as const) {
    if (list.length === 0) continue
    out.push(
      '',
      `## ${title}`,
      '',
      markdownTable(
        ['gate', 'rule', 'location', 'message'],
        list.map((f) => [f.gate, f.rule, { md: mdCode(f.location) }, f.message]),
      ),
    )
  }
  if (p.coverage.length) {
    out.push(
      '',
      '## Coverage change (lines)',
      '',
      markdownTable(
        ['scope', 'from', 'to', 'delta'],
        p.coverage.map((c) => [c.scope, formatPct(c.from), formatPct(c.to), formatDelta(c.delta)]),
        ['l', 'r', 'r', 'r'],
      ),
    )
  }
  if (p.slowest_growing.length) {
    out.push(
      '',
      '## Slowest-growing tests',
      '',
      markdownTable(
        ['test', 'project', 'file', 'from', 'to', 'growth', 'samples'],
        p.slowest_growing.map((t) => [
          t.name,
          t.project,
          { md: mdCode(t.file) },
          formatMs(t.from_ms),
          formatMs(t.to_ms),
          `+${formatMs(t.growth_ms)}`,
          t.samples,
        ]),
        ['l', 'l', 'l', 'r', 'r', 'r', 'r'],
      ),
    )
  }
  out.push('')
  return out.join('\n')
}

function entries(counts: Record<string, number>): string {
  const list = Object.entries(counts).map(([k, v]) => `${v} ${k}`)
  return list.length ? ` (${list.join(', ')})` : ''
}
