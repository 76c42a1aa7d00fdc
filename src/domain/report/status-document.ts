import { maskValue } from '../../foundation/redact/mask-value.ts'
import type { LedgerReads } from '../../ledger/ledger.ts'
import { type MaskedReads, maskedReads } from '../../ledger/masked-reads.ts'
import { locationOf } from './findings-section.ts'
import { formatDate, formatTs, short } from './format.ts'
import { escapeMarkdownText, markdownTable, mdCode } from './markdown-table.ts'
import { outstandingQuestions } from './questions.ts'
import { repoMap } from './repo-map.ts'
import { latestSession } from './report-context.ts'
import type { Tally } from './report-summary.ts'
import { verdictOf } from './verdicts.ts'

export interface StatusOptions {
  /** Repository root for the repo map (default: the working directory). */
  root?: string
  errorsPath?: string | null
  envSecrets?: readonly string[]
}

/** Placeholder findings listed one per row before the list is cut. */
export const PLACEHOLDER_ROWS = 50

/**
 * `reports/status/STATUS.md`: repo map, placeholder scan, capability table, the outstanding-
 * questions ledger and deferred items. Everything comes from the ledger and the tree — no clock
 * is read — so regenerating with no new session gives the same bytes. Both are read masked
 * (`maskedReads`, `maskValue`): every string is masked before it is written as Markdown.
 */
export function statusDocument(source: LedgerReads, options: StatusOptions = {}): string {
  const ledger = maskedReads(source, options.envSecrets)
  const root = options.root ?? process.cwd()
  const session = latestSession(ledger)
  const count = ledger.get<{ n: number }>('SELECT COUNT(*) AS n FROM sessions')?.n ?? 0
  const out: string[] = ['# codex-gates status', '']
  out.push(
    session
      ? `_From the ledger as of session ${mdCode(short(session.id))} (${escapeMarkdownText(session.kind)}, ${escapeMarkdownText(session.status)}, ${formatTs(session.started_at)}); ${count} sessions recorded. Regenerate with \`npm run status\`._`
      : '_The ledger holds no sessions yet: run `npm test` or `npm run gates`, then `npm run status`._',
  )
  out.push(
    '',
    '## Repo map',
    '',
    markdownTable(
      ['path', 'purpose'],
      maskValue(repoMap(root), options.envSecrets).map((e) => [{ md: mdCode(e.path) }, e.purpose]),
    ),
  )
  out.push('', '## Placeholder scan', '', placeholderScan(ledger))
  out.push('', '## Capabilities', '', capabilityTable(ledger))
  out.push('', '## Outstanding questions', '')
  if (session) {
    const ctx = { ledger, session, cutoff: session.started_at, errorsPath: options.errorsPath ?? null }
    const rows = outstandingQuestions(ctx)
    const open = rows.filter((r) => r.status === 'Open').length
    out.push(
      rows.length
        ? `${open} open, ${rows.length - open} resolved. A question resolves when a later session passes the same test or gate.\n\n${markdownTable(
            ['status', 'fingerprint', 'first seen', 'last seen', 'step', 'recorded blocker', 'disposition'],
            rows.map((q) => [
              q.status,
              { md: mdCode(q.fingerprint) },
              formatDate(q.first_seen),
              formatDate(q.last_seen),
              q.step,
              q.blocker,
              q.disposition,
            ]),
          )}`
        : 'None: no session has raised an error-capture question.',
    )
  } else out.push('None: the ledger is empty.')
  out.push('', '## Deferred items', '', deferredItems(ledger), '')
  return out.join('\n')
}

// --- internal ---

function placeholderScan(ledger: MaskedReads): string {
  const run = ledger.get<{ session_id: string; status: string; cached_from: string | null; started_at: string }>(
    `SELECT g.session_id, g.status, g.cached_from, s.started_at FROM gate_runs g JOIN sessions s ON s.id = g.session_id
      WHERE g.gate = 'placeholders' AND g.status IN ('passed', 'failed', 'cached')
      ORDER BY s.started_at DESC, s.rowid DESC LIMIT 1`,
  )
  const found = ledger.get<{ session_id: string; started_at: string }>(
    `SELECT f.session_id, s.started_at FROM findings f JOIN sessions s ON s.id = f.session_id
      WHERE f.gate = 'placeholders' ORDER BY s.started_at DESC, s.rowid DESC LIMIT 1`,
  )
  if (!run && !found) return 'The placeholders gate has not run yet: `npm run gates` runs it.'
  // The newest evidence wins; a cached run's findings are those of the session it reused.
  const useRun = run && (!found || run.started_at >= found.started_at)
  const sessionId = useRun
    ? run.status === 'cached' && run.cached_from
      ? run.cached_from
      : run.session_id
    : (found as { session_id: string }).session_id
  const at = useRun ? run.started_at : (found as { started_at: string }).started_at
  const rows = ledger.all<{
    severity: string
    rule: string
    file: string | null
    line: number | null
    message: string
  }>(
    "SELECT severity, rule, file, line, message FROM findings WHERE session_id = ? AND gate = 'placeholders' ORDER BY file, line, rule, message",
    sessionId,
  )
  const head = `From the placeholders gate in session ${mdCode(short(sessionId))} (${formatDate(at)}): `
  if (rows.length === 0) return `${head}no placeholders found.`
  const files = new Map<string, number>()
  for (const r of rows) files.set(r.file ?? '(repository)', (files.get(r.file ?? '(repository)') ?? 0) + 1)
  const perFile = markdownTable(
    ['file', 'placeholders'],
    [...files].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([f, n]) => [{ md: mdCode(f) }, n]),
    ['l', 'r'],
  )
  const list = markdownTable(
    ['location', 'severity', 'rule', 'text'],
    rows
      .slice(0, PLACEHOLDER_ROWS)
      .map((r) => [{ md: mdCode(locationOf(r.file, r.line)) }, r.severity, r.rule, r.message]),
  )
  const cut =
    rows.length > PLACEHOLDER_ROWS
      ? `\n\n(${rows.length - PLACEHOLDER_ROWS} more in the ledger: \`npm run ledger -- show ${short(sessionId)}\`)`
      : ''
  return `${head}${rows.length} in ${files.size} files.\n\n${perFile}\n\n${list}${cut}`
}

function capabilityTable(ledger: MaskedReads): string {
  const projects = ledger.all<Tally & { project: string; session_id: string; started_at: string }>(
    `WITH last AS (
       SELECT t.project, t.session_id, s.started_at,
              ROW_NUMBER() OVER (PARTITION BY t.project ORDER BY s.started_at DESC, s.rowid DESC) AS n
         FROM (SELECT DISTINCT COALESCE(project, '') AS project, session_id FROM test_results) t
         JOIN sessions s ON s.id = t.session_id)
     SELECT l.project, l.session_id, l.started_at, COUNT(*) AS total,
            SUM(r.state = 'passed') AS passed, SUM(r.state = 'failed') AS failed,
            SUM(r.state = 'skipped') AS skipped, SUM(r.state = 'todo') AS todo
       FROM last l JOIN test_results r ON r.session_id = l.session_id AND COALESCE(r.project, '') = l.project
      WHERE l.n = 1 GROUP BY l.project, l.session_id, l.started_at ORDER BY l.project`,
  )
  const gates = ledger.all<{
    gate: string
    status: string
    reason: string | null
    cached_from: string | null
    session_id: string
    started_at: string
  }>(
    `SELECT gate, status, reason, cached_from, session_id, started_at FROM (
       SELECT g.gate, g.status, g.reason, g.cached_from, g.session_id, s.started_at,
              ROW_NUMBER() OVER (PARTITION BY g.gate ORDER BY s.started_at DESC, s.rowid DESC, g.rowid DESC) AS n
         FROM gate_runs g JOIN sessions s ON s.id = g.session_id)
      WHERE n = 1 ORDER BY gate`,
  )
  if (projects.length === 0 && gates.length === 0) return 'No project or gate has run yet.'
  const rows = [
    ...projects.map((p) => [
      `project ${p.project}`,
      verdictOf(p),
      formatDate(p.started_at),
      { md: mdCode(short(p.session_id)) },
      `${p.passed} passed, ${p.failed} failed, ${p.skipped} skipped${p.todo ? `, ${p.todo} todo` : ''}`,
    ]),
    ...gates.map((g) => [
      `gate ${g.gate}`,
      g.status,
      formatDate(g.started_at),
      { md: mdCode(short(g.session_id)) },
      g.status === 'cached' && g.cached_from ? `reused from session ${short(g.cached_from)}` : (g.reason ?? ''),
    ]),
  ]
  return markdownTable(['capability', 'latest verdict', 'date', 'session', 'note'], rows)
}

function deferredItems(ledger: MaskedReads): string {
  // Skips and todos in each project's latest session, and gates whose latest run was skipped.
  const tests = ledger.all<{ project: string; state: string; reason: string | null; n: number; example: string }>(
    `WITH last AS (
       SELECT project, session_id FROM (
         SELECT t.project, t.session_id, ROW_NUMBER() OVER (PARTITION BY t.project ORDER BY s.started_at DESC, s.rowid DESC) AS n
           FROM (SELECT DISTINCT COALESCE(project, '') AS project, session_id FROM test_results) t
           JOIN sessions s ON s.id = t.session_id) WHERE n = 1)
     SELECT l.project, r.state, r.skip_reason AS reason, COUNT(*) AS n, MIN(r.name) AS example
       FROM last l JOIN test_results r ON r.session_id = l.session_id AND COALESCE(r.project, '') = l.project
      WHERE r.state IN ('skipped', 'todo')
      GROUP BY l.project, r.state, r.skip_reason ORDER BY l.project, r.state, r.skip_reason`,
  )
  const gates = ledger.all<{ gate: string; reason: string | null; started_at: string }>(
    `SELECT gate, reason, started_at FROM (
       SELECT g.gate, g.status, g.reason, s.started_at,
              ROW_NUMBER() OVER (PARTITION BY g.gate ORDER BY s.started_at DESC, s.rowid DESC, g.rowid DESC) AS n
         FROM gate_runs g JOIN sessions s ON s.id = g.session_id)
      WHERE n = 1 AND status = 'skipped' ORDER BY gate`,
  )
  const lines: string[] = []
  for (const g of gates)
    lines.push(
      `- gate ${escapeMarkdownText(g.gate)} skipped (${formatDate(g.started_at)}): ${escapeMarkdownText(g.reason ?? 'no reason recorded')}`,
    )
  const gateReasons = new Set(gates.map((g) => g.reason))
  for (const t of tests) {
    if (t.project === 'gates' && t.state === 'skipped' && gateReasons.has(t.reason)) continue // said above, per gate
    const what = t.state === 'todo' ? 'todo' : `skipped: ${t.reason ?? 'no reason recorded'}`
    lines.push(
      `- ${escapeMarkdownText(t.project)}: ${t.n} test${t.n === 1 ? '' : 's'} ${escapeMarkdownText(what)} (e.g. ${escapeMarkdownText(t.example)})`,
    )
  }
  return lines.length ? lines.join('\n') : 'None: the latest sessions skipped nothing.'
}
