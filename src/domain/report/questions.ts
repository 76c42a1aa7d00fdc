import { existsSync, readFileSync } from 'node:fs'
import { maskValue } from '../../foundation/redact/mask-value.ts'
import { secretsOf } from '../../ledger/masked-reads.ts'
import { firstLine, formatDate, short, truncate } from './format.ts'
import { LaterRuns, openDisposition } from './later-runs.ts'
import { type QuestionBlock, questionFingerprint, questionText } from './question-fingerprint.ts'
import { describeTarget, type Target, TargetFinder } from './question-targets.ts'
import type { ReportContext } from './report-context.ts'
import type { OutstandingQuestion, QuestionRow } from './report-summary.ts'

/** The rendered session's questions, in the order they were raised. */
export function sessionQuestions(ctx: ReportContext): QuestionRow[] {
  return loadBlocks(ctx, ctx.session.id).map(({ block }) => ({
    ts: block.ts,
    step: block.step,
    error: block.error,
    context: block.context,
    question: questionText(block),
    fingerprint: questionFingerprint(block.step, block.error),
  }))
}

/**
 * The outstanding-questions ledger as of the rendered session: one row per fingerprint with first
 * and last sighting; Resolved once a session started after the last sighting passed the same test
 * (project + file + name) or the same gate, Open otherwise.
 */
export function outstandingQuestions(ctx: ReportContext): OutstandingQuestion[] {
  const groups = new Map<string, { rows: LoadedBlock[]; target: Target | null }>()
  const targets = new TargetFinder(ctx)
  for (const loaded of loadBlocks(ctx)) {
    const fp = questionFingerprint(loaded.block.step, loaded.block.error)
    const group = groups.get(fp) ?? { rows: [], target: null }
    group.rows.push(loaded)
    group.target = targets.find(loaded.block) ?? group.target
    groups.set(fp, group)
  }
  const history = new LaterRuns(
    ctx,
    [...groups.values()].map((g) => ({
      target: g.target,
      lastSeen: (g.rows[g.rows.length - 1] as LoadedBlock).startedAt,
    })),
  )
  const out: OutstandingQuestion[] = []
  for (const [fingerprint, { rows, target }] of groups) {
    const first = rows[0] as LoadedBlock
    const last = rows[rows.length - 1] as LoadedBlock
    const resolution = target ? history.firstPass(target, last.startedAt) : undefined
    out.push({
      fingerprint,
      step: last.block.step,
      blocker: truncate(firstLine(last.block.error, 300), 300),
      first_seen: first.startedAt,
      last_seen: last.startedAt,
      last_session: last.block.session_id,
      occurrences: new Set(rows.map((r) => r.block.session_id)).size,
      target: target ? describeTarget(target) : null,
      status: resolution ? 'Resolved' : 'Open',
      resolved_by: resolution?.id ?? null,
      resolved_at: resolution?.started_at ?? null,
      disposition: resolution
        ? `resolved: ${describeTarget(target as Target)} passed in session ${short(resolution.id)} on ${formatDate(resolution.started_at)}`
        : openDisposition(history, target, first.startedAt, last.startedAt),
    })
  }
  return out.sort(
    (a, b) =>
      (a.status === b.status ? 0 : a.status === 'Open' ? -1 : 1) ||
      compare(b.last_seen, a.last_seen) ||
      compare(a.fingerprint, b.fingerprint),
  )
}

// --- internal ---

interface LoadedBlock {
  block: QuestionBlock
  startedAt: string
}

/** Question blocks from the ledger's assistant events plus any in errors.ndjson the ledger lacks, oldest first. */
function loadBlocks(ctx: ReportContext, onlySession?: string): LoadedBlock[] {
  const rows = ctx.ledger.all<{ session_id: string; ts: string; data_json: string | null; started_at: string }>(
    `SELECT e.session_id, e.ts, e.data_json, s.started_at FROM events e JOIN sessions s ON s.id = e.session_id
      WHERE e.role = 'assistant' AND ${onlySession ? 'e.session_id = ?' : 's.started_at <= ?'}
      ORDER BY s.started_at, s.rowid, e.ts, e.id`,
    onlySession ?? ctx.cutoff,
  )
  const out: LoadedBlock[] = []
  const seen = new Set<string>()
  for (const row of rows) {
    const block = parseBlock(row.data_json, row.session_id, row.ts)
    if (!block) continue
    seen.add(blockKey(block))
    out.push({ block, startedAt: row.started_at })
  }
  // Read beside the ledger, so masked here as the ledger's rows are by ctx.ledger.
  const extra = maskValue(readErrorLog(ctx.errorsPath), secretsOf(ctx.ledger)).filter(
    (b) => !onlySession || b.session_id === onlySession,
  )
  if (extra.length === 0) return out
  const started = new Map<string, string | null>()
  for (const block of extra) {
    if (seen.has(blockKey(block))) continue
    if (!started.has(block.session_id)) {
      const s = ctx.ledger.get<{ started_at: string }>('SELECT started_at FROM sessions WHERE id = ?', block.session_id)
      started.set(block.session_id, s && s.started_at <= ctx.cutoff ? s.started_at : null)
    }
    const startedAt = started.get(block.session_id)
    if (startedAt) {
      seen.add(blockKey(block))
      out.push({ block, startedAt })
    }
  }
  return out.sort((a, b) => compare(a.startedAt, b.startedAt) || compare(a.block.ts, b.block.ts))
}

function parseBlock(json: string | null, sessionId: string, ts: string): QuestionBlock | undefined {
  if (!json) return undefined
  try {
    const data = JSON.parse(json) as Partial<QuestionBlock>
    if (typeof data.step !== 'string' || typeof data.error !== 'string') return undefined
    return {
      ...data,
      ts: typeof data.ts === 'string' ? data.ts : ts,
      session_id: typeof data.session_id === 'string' ? data.session_id : sessionId,
      step: data.step,
      error: data.error,
      context: typeof data.context === 'string' ? data.context : '',
    }
  } catch {
    return undefined
  }
}

/** errors.ndjson blocks; unreadable lines are skipped (the file is appended to by other processes). */
function readErrorLog(path: string | null): QuestionBlock[] {
  if (!path || !existsSync(path)) return []
  const out: QuestionBlock[] = []
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim()) continue
    const block = parseBlock(line, '', '')
    if (block?.session_id) out.push(block)
  }
  return out
}

function blockKey(b: QuestionBlock): string {
  return `${b.session_id}\u0000${b.step}\u0000${b.error}`
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
