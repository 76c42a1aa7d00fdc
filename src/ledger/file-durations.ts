import type { Ledger } from './ledger.ts'

/** A test file's mean duration (ms) over the sessions that ran it. */
export interface FileDuration {
  project: string
  file: string
  durationMs: number
  sessions: number
}

/**
 * Per (project, file), the mean over the last `sessions` finished Vitest sessions of the file's
 * summed test durations: what `codex-gates plan-shards` packs. `projects` narrows it (empty: all).
 */
export function fileDurations(ledger: Ledger, sessions: number, projects: readonly string[] = []): FileDuration[] {
  const filter = projects.length ? ` AND t.project IN (${projects.map(() => '?').join(', ')})` : ''
  return ledger.all<FileDuration>(
    `WITH recent AS (
       SELECT id FROM sessions WHERE kind = 'vitest' AND status IN ('passed', 'failed')
        ORDER BY started_at DESC, rowid DESC LIMIT ?),
     per AS (
       SELECT t.project, t.file, t.session_id, SUM(COALESCE(t.duration_ms, 0)) AS ms
         FROM test_results t JOIN recent r ON r.id = t.session_id
        WHERE t.file IS NOT NULL${filter}
        GROUP BY t.project, t.file, t.session_id)
     SELECT project, file, AVG(ms) AS durationMs, COUNT(*) AS sessions
       FROM per GROUP BY project, file ORDER BY project, file`,
    sessions,
    ...projects,
  )
}
