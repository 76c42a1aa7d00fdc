import { formatDelta, formatMs, formatNumber, formatPct, formatTs, paramShare, short } from './format.ts'
import { escapeMarkdownText, markdownTable, mdCode } from './markdown-table.ts'
import type { ChartData, ReportSections, ReportSummary } from './report-summary.ts'
import { presentSections, SECTION_TITLES } from './section-titles.ts'

/** `reports/latest/summary.md`: the same sections as the HTML, as Markdown tables (charts as numbers). */
export function renderMarkdown(summary: ReportSummary): string {
  const s = summary.session
  if (!s) {
    return '# codex-gates report\n\nNo sessions in the ledger yet. Run `npm test` or `npm run gates`, then `npm run report`.\n'
  }
  const t = s.totals
  const out: string[] = [
    `# codex-gates report: ${s.status.toUpperCase()}`,
    '',
    `- session: ${mdCode(s.id)} (${escapeMarkdownText(s.kind)}), started ${formatTs(s.started_at)}${s.duration_ms !== null ? `, ${formatMs(s.duration_ms)}` : ''}`,
    `- commit: ${s.git_sha ? mdCode(short(s.git_sha, 12)) : 'unknown'}${s.git_branch ? ` on ${escapeMarkdownText(s.git_branch)}` : ''}${s.git_dirty ? ' (dirty)' : ''}`,
    `- tests: ${t.total} total, ${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped, ${t.todo} todo`,
  ]
  for (const key of presentSections(summary.sections)) {
    out.push('', `## ${SECTION_TITLES[key]}`, '', MD_SECTIONS[key](summary.sections))
  }
  out.push(
    '',
    `_Rendered from the ledger (${plural(summary.sessions_in_ledger, 'session')} up to this one); the dashboard is index.html._`,
    '',
  )
  return out.join('\n')
}

// --- internal ---

type Renderers = { [K in keyof ReportSections]-?: (s: ReportSections) => string }

const MD_SECTIONS: Renderers = {
  recent_sessions: (s) =>
    markdownTable(
      ['session', 'kind', 'status', 'started', 'duration', 'passed', 'failed'],
      (s.recent_sessions ?? []).map((r) => [
        { md: mdCode(short(r.id)) },
        r.kind,
        r.status,
        formatTs(r.started_at),
        formatMs(r.duration_ms),
        r.passed,
        r.failed,
      ]),
    ),
  projects: (s) =>
    markdownTable(
      ['project', 'verdict', 'passed', 'failed', 'skipped', 'todo', 'test time'],
      (s.projects ?? []).map((p) => [
        p.project,
        p.verdict,
        p.passed,
        p.failed,
        p.skipped,
        p.todo,
        formatMs(p.duration_ms),
      ]),
      ['l', 'l', 'r', 'r', 'r', 'r', 'r'],
    ),
  gates: (s) =>
    markdownTable(
      ['gate', 'verdict', 'findings', 'time', 'note'],
      (s.gates ?? []).map((g) => [
        g.gate,
        g.status,
        g.findings,
        formatMs(g.duration_ms),
        g.status === 'cached' && g.cached_from ? `reused from session ${short(g.cached_from)}` : (g.reason ?? ''),
      ]),
    ),
  failing_tests: (s) =>
    (s.failing_tests ?? [])
      .map(
        (f) =>
          `### ${escapeMarkdownText(f.name)}\n\n${escapeMarkdownText(f.project)} · ${mdCode(f.file)}\n\n${fence(f.error)}`,
      )
      .join('\n\n'),
  findings: (s) =>
    markdownTable(
      ['severity', 'gate', 'location', 'rule', 'message', 'remediation'],
      (s.findings ?? []).map((f) => [
        f.severity,
        f.gate,
        { md: mdCode(f.location) },
        f.rule,
        f.message,
        f.remediation ?? '',
      ]),
    ),
  questions: (s) =>
    (s.questions ?? [])
      .map((q, i) => `${i + 1}. ${escapeMarkdownText(q.question)} (fingerprint ${mdCode(q.fingerprint)})`)
      .join('\n'),
  outstanding_questions: (s) =>
    markdownTable(
      ['status', 'fingerprint', 'step', 'blocker', 'first seen', 'last seen', 'sessions', 'disposition'],
      (s.outstanding_questions ?? []).map((q) => [
        q.status,
        { md: mdCode(q.fingerprint) },
        q.step,
        q.blocker,
        formatTs(q.first_seen),
        formatTs(q.last_seen),
        q.occurrences,
        q.disposition,
      ]),
    ),
  flaky_tests: (s) =>
    markdownTable(
      ['test', 'project', 'file', 'why flaky'],
      (s.flaky_tests ?? []).map((f) => [f.name, f.project, { md: mdCode(f.file) }, f.reason]),
    ),
  slowest_tests: (s) =>
    markdownTable(
      ['test', 'project', 'file', 'time'],
      (s.slowest_tests ?? []).map((t) => [t.name, t.project, { md: mdCode(t.file) }, formatMs(t.duration_ms)]),
      ['l', 'l', 'l', 'r'],
    ),
  coverage: (s) => {
    const c = s.coverage as NonNullable<ReportSections['coverage']>
    const table = markdownTable(
      ['scope', 'lines', 'Δ lines', 'branches', 'functions', 'statements'],
      c.scopes.map((r) => [
        r.scope,
        formatPct(r.lines_pct),
        formatDelta(r.lines_delta),
        formatPct(r.branches_pct),
        formatPct(r.functions_pct),
        formatPct(r.statements_pct),
      ]),
      ['l', 'r', 'r', 'r', 'r', 'r'],
    )
    return c.trend ? `${table}\n\n${chartText(c.trend)}` : table
  },
  drift_matrix: (s) =>
    markdownTable(
      ['cell', 'verdict', 'passed', 'failed', 'skipped', 'todo', 'skip reasons'],
      (s.drift_matrix ?? []).map((d) => [
        d.project,
        d.verdict,
        d.passed,
        d.failed,
        d.skipped,
        d.todo,
        d.skip_reasons.join('; '),
      ]),
    ),
  training: (s) => {
    const t = s.training as NonNullable<ReportSections['training']>
    const parts: string[] = []
    if (t.scope === 'recent') parts.push('This session recorded no training run; the latest runs before it:', '')
    parts.push(
      markdownTable(
        [
          'run',
          'backend',
          'device',
          'seed',
          'status',
          'init',
          'adapter',
          'trainable / total',
          'steps',
          'last values',
          'NaN/Inf',
        ],
        t.runs.map((r) => [
          { md: mdCode(short(r.id, 12)) },
          r.backend ?? '',
          r.device ?? '',
          r.seed,
          r.status,
          r.init ? { md: mdCode(r.init) } : 'fresh',
          r.adapter ?? '',
          paramShare(r.trainable_params, r.total_params),
          r.steps,
          Object.entries(r.last)
            .map(([k, v]) => `${k}=${v === null ? 'NaN' : formatNumber(v)}`)
            .join(', '),
          r.nan_metrics.join(', '),
        ]),
      ),
    )
    for (const c of t.charts) parts.push('', chartText(c))
    if (t.checkpoints.length) {
      parts.push(
        '',
        '### Checkpoints',
        '',
        markdownTable(
          ['run', 'step', 'status', 'kept', 'metric', 'path'],
          t.checkpoints.map((c) => [
            { md: mdCode(short(c.run_id, 12)) },
            c.step,
            c.status,
            c.kept ? 'yes' : 'no',
            c.metric,
            { md: mdCode(c.path) },
          ]),
        ),
      )
    }
    return parts.join('\n')
  },
  system_metrics: (s) => (s.system_metrics ?? []).map(chartText).join('\n\n'),
  ungated_commits: (s) =>
    markdownTable(
      ['commit', 'when', 'session', 'reason'],
      (s.ungated_commits ?? []).map((c) => [
        { md: mdCode(short(c.sha, 12)) },
        formatTs(c.at),
        { md: mdCode(short(c.session_id)) },
        c.reason,
      ]),
    ),
}

/** A chart in words: per series, first → last value, minimum and point count. */
function chartText(c: ChartData): string {
  const rows = c.series.map((s) => {
    const values = s.points.flatMap((p) => (p[1] === null ? [] : [p[1]]))
    const first = values[0]
    const last = values[values.length - 1]
    const min = values.length ? values.reduce((a, b) => Math.min(a, b)) : undefined
    const gaps = s.points.length - values.length
    return [s.name, formatNumber(first), formatNumber(last), formatNumber(min), s.points.length, gaps]
  })
  return `**${escapeMarkdownText(c.title)}** (${escapeMarkdownText(c.y_label)} by ${escapeMarkdownText(c.x_label)})\n\n${markdownTable(['series', 'first', 'last', 'min', 'points', 'NaN/gaps'], rows, ['l', 'r', 'r', 'r', 'r', 'r'])}`
}

function fence(text: string): string {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((r) => r.length))
  const f = '`'.repeat(longest + 1)
  return `${f}text\n${text}\n${f}`
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`
}
