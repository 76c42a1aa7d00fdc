import type { ReportContext } from './report-context.ts'
import type { UngatedCommit } from './report-summary.ts'

/** How many ungated commits are listed, newest first. */
export const UNGATED_LIMIT = 50

/**
 * Commits made without a passing gate session, as of the rendered session: `commits` rows with
 * `bypass = 1`, and `bypass…` events (post-commit records one per `--no-verify` commit).
 */
export function ungatedCommits(ctx: ReportContext): UngatedCommit[] {
  const out = new Map<string, UngatedCommit>()
  const commits = ctx.ledger.all<{ sha: string; session_id: string | null; linked_at: string }>(
    'SELECT sha, session_id, linked_at FROM commits WHERE bypass = 1 AND linked_at <= ? ORDER BY linked_at DESC, sha',
    upperBound(ctx),
  )
  for (const c of commits)
    out.set(c.sha, {
      sha: c.sha,
      session_id: c.session_id,
      at: c.linked_at,
      reason: 'committed without a passing pre-commit session',
    })
  const events = ctx.ledger.all<{ session_id: string; ts: string; message: string; data_json: string | null }>(
    `SELECT e.session_id, e.ts, e.message, e.data_json FROM events e JOIN sessions s ON s.id = e.session_id
      WHERE e.message LIKE 'bypass%' AND s.started_at <= ? ORDER BY e.ts DESC, e.id DESC`,
    ctx.cutoff,
  )
  for (const e of events) {
    const sha = shaOf(e.data_json) ?? /\b[0-9a-f]{7,40}\b/.exec(e.message)?.[0]
    const key = sha ?? `event:${e.session_id}:${e.ts}`
    const known =
      out.get(key) ??
      [...out.values()].find((c) => sha !== undefined && (c.sha.startsWith(sha) || sha.startsWith(c.sha)))
    if (known) continue
    out.set(key, { sha: sha ?? '(unknown)', session_id: e.session_id, at: e.ts, reason: e.message })
  }
  return [...out.values()]
    .sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : a.sha < b.sha ? -1 : 1))
    .slice(0, UNGATED_LIMIT)
}

/** Commits linked up to the end of the rendered session (its start when it never ended). */
function upperBound(ctx: ReportContext): string {
  return ctx.session.ended_at && ctx.session.ended_at > ctx.cutoff ? ctx.session.ended_at : ctx.cutoff
}

function shaOf(json: string | null): string | undefined {
  if (!json) return undefined
  try {
    const data = JSON.parse(json) as { sha?: unknown; commit?: unknown }
    const sha = typeof data.sha === 'string' ? data.sha : typeof data.commit === 'string' ? data.commit : undefined
    return sha && /^[0-9a-f]{7,40}$/.test(sha) ? sha : undefined
  } catch {
    return undefined
  }
}
