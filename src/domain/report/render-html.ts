import { DASHBOARD_CSS } from './dashboard-css.ts'
import { escapeHtml, type RawHtml, rawHtml } from './escape-html.ts'
import { formatDelta, formatMs, formatPct, formatTs, paramShare, short } from './format.ts'
import { htmlTable } from './html-table.ts'
import type { ChartData, ReportSections, ReportSummary } from './report-summary.ts'
import { presentSections, SECTION_TITLES } from './section-titles.ts'
import { svgLineChart } from './svg-line-chart.ts'

/**
 * The dashboard: one self-contained HTML file (inline CSS and SVG, no scripts, no network — the
 * CSP forbids both), readable in any browser and as plain HTML. Input is already redacted; every
 * value is escaped here.
 */
export function renderHtml(summary: ReportSummary): string {
  const s = summary.session
  const title = s ? `codex-gates · ${s.kind} ${short(s.id)} · ${s.status}` : 'codex-gates · no sessions yet'
  const body: string[] = []
  if (!s) {
    body.push('<header><h1>codex-gates report</h1></header><main><section id="empty"><h2>No sessions yet</h2>')
    body.push(
      '<p>The ledger holds no sessions. Run <code>npm test</code> or <code>npm run gates</code>, then <code>npm run report</code>.</p>',
    )
    body.push('</section></main>')
  } else {
    body.push(header(summary))
    const keys = presentSections(summary.sections)
    if (keys.length) {
      body.push('<nav aria-label="sections"><ul>')
      for (const k of keys) body.push(`<li><a href="#${k}">${escapeHtml(SECTION_TITLES[k])}</a></li>`)
      body.push('</ul></nav>')
    }
    body.push('<main>')
    for (const k of keys) body.push(section(k, summary.sections))
    body.push('</main>')
    body.push(
      `<footer>Rendered from the ledger for session <code>${escapeHtml(s.id)}</code> (${summary.sessions_in_ledger} session${summary.sessions_in_ledger === 1 ? '' : 's'} up to it). Older renders: <code>reports/history/</code>.</footer>`,
    )
  }
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    `<title>${escapeHtml(title)}</title>`,
    `<style>${DASHBOARD_CSS}</style>`,
    '</head><body>',
    ...body,
    '</body></html>',
    '',
  ].join('\n')
}

// --- internal ---

function header(summary: ReportSummary): string {
  const s = summary.session as NonNullable<ReportSummary['session']>
  const t = s.totals
  const facts: [string, string | RawHtml][] = [
    ['session', rawHtml(`<code>${escapeHtml(s.id)}</code>`)],
    ['kind', s.kind],
    ['started', formatTs(s.started_at)],
    ['duration', formatMs(s.duration_ms)],
    ['branch', s.git_branch ?? ''],
    ['commit', rawHtml(`<code>${escapeHtml(short(s.git_sha, 12))}</code>${s.git_dirty ? ' (dirty)' : ''}`)],
    ['host', s.host ?? ''],
    ['node', s.node_version ?? ''],
    ['command', s.command ? rawHtml(`<code>${escapeHtml(s.command)}</code>`) : ''],
  ]
  const dl = facts
    .filter(([, v]) => (typeof v === 'string' ? v.length > 0 : v.html.length > 0))
    .map(([k, v]) => `<div><dt>${escapeHtml(k)}</dt><dd>${typeof v === 'string' ? escapeHtml(v) : v.html}</dd></div>`)
    .join('')
  return [
    '<header>',
    `<h1>codex-gates report ${badge(s.status).html}</h1>`,
    `<p class="totals"><strong>${t.total}</strong> tests: <span class="passed">${t.passed} passed</span>, <span class="failed">${t.failed} failed</span>, ${t.skipped} skipped, ${t.todo} todo</p>`,
    `<dl class="facts">${dl}</dl>`,
    '</header>',
  ].join('')
}

function section(key: keyof ReportSections, sections: ReportSections): string {
  const inner = SECTION_RENDERERS[key](sections)
  return `<section id="${key}"><h2><a class="self" href="#${key}">${escapeHtml(SECTION_TITLES[key])}</a></h2>${inner}</section>`
}

type Renderers = { [K in keyof ReportSections]-?: (s: ReportSections) => string }

const SECTION_RENDERERS: Renderers = {
  recent_sessions: (s) =>
    htmlTable(
      [
        { label: 'session', cell: (r) => code(short(r.id)) },
        { label: 'kind', cell: (r) => r.kind },
        { label: 'status', cell: (r) => badge(r.status) },
        { label: 'started', cell: (r) => formatTs(r.started_at) },
        { label: 'duration', align: 'right', cell: (r) => formatMs(r.duration_ms) },
        { label: 'commit', cell: (r) => code(short(r.git_sha)) },
        { label: 'passed', cell: (r) => r.passed },
        { label: 'failed', cell: (r) => r.failed },
      ],
      s.recent_sessions ?? [],
    ),
  projects: (s) =>
    htmlTable(
      [
        { label: 'project', cell: (r) => r.project },
        { label: 'verdict', cell: (r) => badge(r.verdict) },
        { label: 'passed', cell: (r) => r.passed },
        { label: 'failed', cell: (r) => r.failed },
        { label: 'skipped', cell: (r) => r.skipped },
        { label: 'todo', cell: (r) => r.todo },
        { label: 'test time', align: 'right', cell: (r) => formatMs(r.duration_ms) },
      ],
      s.projects ?? [],
    ),
  gates: (s) =>
    htmlTable(
      [
        { label: 'gate', cell: (r) => r.gate },
        { label: 'verdict', cell: (r) => badge(r.status) },
        { label: 'findings', cell: (r) => r.findings },
        { label: 'time', align: 'right', cell: (r) => formatMs(r.duration_ms) },
        {
          label: 'note',
          cell: (r) =>
            r.status === 'cached' && r.cached_from ? `reused from session ${short(r.cached_from)}` : (r.reason ?? ''),
        },
      ],
      s.gates ?? [],
    ),
  failing_tests: (s) =>
    (s.failing_tests ?? [])
      .map(
        (t) =>
          `<details open class="failure"><summary><strong>${escapeHtml(t.name)}</strong> <span class="muted">${escapeHtml(t.project)} · ${escapeHtml(t.file)}</span></summary><pre>${escapeHtml(t.error)}</pre></details>`,
      )
      .join(''),
  findings: (s) =>
    htmlTable(
      [
        {
          label: '',
          cell: (r) => rawHtml(`<a class="self" href="#${escapeHtml(r.anchor)}" title="link to this finding">#</a>`),
        },
        { label: 'severity', cell: (r) => badge(r.severity) },
        { label: 'gate', cell: (r) => r.gate },
        { label: 'location', cell: (r) => code(r.location) },
        { label: 'rule', cell: (r) => r.rule },
        { label: 'message', cell: (r) => r.message },
        { label: 'remediation', cell: (r) => r.remediation ?? '' },
      ],
      s.findings ?? [],
      { rowId: (r) => r.anchor },
    ),
  questions: (s) =>
    `<ol class="questions">${(s.questions ?? [])
      .map(
        (q) =>
          `<li><blockquote>${escapeHtml(q.question)}</blockquote><p class="muted">fingerprint <code>${escapeHtml(q.fingerprint)}</code> · ${escapeHtml(formatTs(q.ts))}</p></li>`,
      )
      .join('')}</ol>`,
  outstanding_questions: (s) =>
    htmlTable(
      [
        { label: 'status', cell: (r) => badge(r.status) },
        { label: 'fingerprint', cell: (r) => code(r.fingerprint) },
        { label: 'step', cell: (r) => r.step },
        { label: 'blocker', cell: (r) => r.blocker },
        { label: 'first seen', cell: (r) => formatTs(r.first_seen) },
        { label: 'last seen', cell: (r) => formatTs(r.last_seen) },
        { label: 'sessions', cell: (r) => r.occurrences },
        { label: 'disposition', cell: (r) => r.disposition },
      ],
      s.outstanding_questions ?? [],
      { rowId: (r) => `question-${r.fingerprint}` },
    ),
  flaky_tests: (s) =>
    htmlTable(
      [
        { label: 'test', cell: (r) => r.name },
        { label: 'project', cell: (r) => r.project },
        { label: 'file', cell: (r) => code(r.file) },
        { label: 'why flaky', cell: (r) => r.reason },
      ],
      s.flaky_tests ?? [],
    ),
  slowest_tests: (s) =>
    htmlTable(
      [
        { label: 'test', cell: (r) => r.name },
        { label: 'project', cell: (r) => r.project },
        { label: 'file', cell: (r) => code(r.file) },
        { label: 'time', align: 'right', cell: (r) => formatMs(r.duration_ms) },
      ],
      s.slowest_tests ?? [],
    ),
  coverage: (s) => {
    const c = s.coverage as NonNullable<ReportSections['coverage']>
    const table = htmlTable(
      [
        { label: 'scope', cell: (r) => r.scope },
        { label: 'lines', align: 'right', cell: (r) => formatPct(r.lines_pct) },
        { label: 'Δ lines', align: 'right', cell: (r) => formatDelta(r.lines_delta) },
        { label: 'branches', align: 'right', cell: (r) => formatPct(r.branches_pct) },
        { label: 'functions', align: 'right', cell: (r) => formatPct(r.functions_pct) },
        { label: 'statements', align: 'right', cell: (r) => formatPct(r.statements_pct) },
      ],
      c.scopes,
    )
    return table + (c.trend ? charts([c.trend]) : '')
  },
  drift_matrix: (s) =>
    htmlTable(
      [
        { label: 'cell', cell: (r) => r.project },
        { label: 'verdict', cell: (r) => badge(r.verdict) },
        { label: 'passed', cell: (r) => r.passed },
        { label: 'failed', cell: (r) => r.failed },
        { label: 'skipped', cell: (r) => r.skipped },
        { label: 'todo', cell: (r) => r.todo },
        { label: 'skip reasons', cell: (r) => r.skip_reasons.join('; ') },
      ],
      s.drift_matrix ?? [],
    ),
  training: (s) => {
    const t = s.training as NonNullable<ReportSections['training']>
    const intro =
      t.scope === 'recent'
        ? '<p class="muted">This session recorded no training run; the latest runs before it:</p>'
        : ''
    const runs = htmlTable(
      [
        { label: 'run', cell: (r) => code(short(r.id, 12)) },
        { label: 'backend', cell: (r) => r.backend ?? '' },
        { label: 'device', cell: (r) => r.device ?? '' },
        { label: 'seed', align: 'right', cell: (r) => (r.seed === null ? '' : String(r.seed)) },
        { label: 'status', cell: (r) => badge(r.status) },
        { label: 'init', cell: (r) => (r.init ? code(r.init) : 'fresh') },
        { label: 'adapter', cell: (r) => r.adapter ?? '' },
        { label: 'trainable / total', cell: (r) => paramShare(r.trainable_params, r.total_params) },
        { label: 'steps', cell: (r) => r.steps },
        { label: 'last values', cell: (r) => lastValues(r.last) },
        { label: 'NaN/Inf', cell: (r) => r.nan_metrics.join(', ') },
      ],
      t.runs,
    )
    const checkpoints = t.checkpoints.length
      ? `<h3>Checkpoints</h3>${htmlTable(
          [
            { label: 'run', cell: (r) => code(short(r.run_id, 12)) },
            { label: 'step', cell: (r) => r.step },
            { label: 'status', cell: (r) => badge(r.status) },
            { label: 'kept', cell: (r) => (r.kept ? 'yes' : 'no') },
            { label: 'metric', cell: (r) => r.metric },
            { label: 'path', cell: (r) => code(r.path) },
            { label: 'sha256', cell: (r) => code(short(r.sha256, 12)) },
          ],
          t.checkpoints,
        )}`
      : ''
    return intro + runs + charts(t.charts) + checkpoints
  },
  system_metrics: (s) => charts(s.system_metrics ?? []),
  ungated_commits: (s) =>
    htmlTable(
      [
        { label: 'commit', cell: (r) => code(short(r.sha, 12)) },
        { label: 'when', cell: (r) => formatTs(r.at) },
        { label: 'session', cell: (r) => code(short(r.session_id)) },
        { label: 'reason', cell: (r) => r.reason },
      ],
      s.ungated_commits ?? [],
    ),
}

/** Charts side by side (two per row on a wide screen), each in a linkable figure. */
function charts(list: readonly ChartData[]): string {
  const figures = list.map(
    (c) =>
      `<figure id="${escapeHtml(c.id)}">${svgLineChart({ title: c.title, xLabel: c.x_label, yLabel: c.y_label, series: c.series, width: CHART_WIDTH })}</figure>`,
  )
  return `<div class="charts">${figures.join('')}</div>`
}

const CHART_WIDTH = 540

function lastValues(last: Record<string, number | null>): string {
  return Object.entries(last)
    .map(([k, v]) => `${k}=${v === null ? 'NaN' : Number(v.toPrecision(4))}`)
    .join(', ')
}

function badge(status: string): RawHtml {
  const cls = /^[a-z]+$/i.test(status) ? status.toLowerCase() : 'other'
  return rawHtml(`<span class="badge ${cls}">${escapeHtml(status)}</span>`)
}

function code(text: string): RawHtml {
  return rawHtml(text ? `<code>${escapeHtml(text)}</code>` : '')
}
