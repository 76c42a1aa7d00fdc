import { maskValue } from '../../foundation/redact/mask-value.ts'
import type { LedgerReads } from '../../ledger/ledger.ts'
import { maskedReads } from '../../ledger/masked-reads.ts'
import { coverageSection } from './coverage-section.ts'
import { findingRows } from './findings-section.ts'
import { outstandingQuestions, sessionQuestions } from './questions.ts'
import type { SessionRow } from './report-context.ts'
import type { ReportSections, ReportSummary } from './report-summary.ts'
import { failingTests, flakyTests, slowestTests } from './test-sections.ts'
import { trainingSections } from './training-section.ts'
import { ungatedCommits } from './ungated-commits.ts'
import { driftMatrix, gateVerdicts, projectVerdicts, recentSessions, totalsOf } from './verdicts.ts'

export interface BuildSummaryOptions {
  /** The error-capture log beside the ledger; null skips it. */
  errorsPath?: string | null
  /** Secret values to mask (default: values of secret-named env variables). */
  envSecrets?: readonly string[]
}

/**
 * Reads everything the reports show about `session` (and the history up to it) from the ledger,
 * masked as it is read (`maskedReads`, and the session row and error log alike), so every string
 * the renderers encode is masked already. A section appears only when the ledger has data for it.
 * `session` undefined → the empty report.
 */
export function buildSummary(
  source: LedgerReads,
  unmaskedSession: SessionRow | undefined,
  options: BuildSummaryOptions = {},
): ReportSummary {
  if (!unmaskedSession) return { schema: 1, sessions_in_ledger: 0, session: null, sections: {} }
  const ledger = maskedReads(source, options.envSecrets)
  const session = maskValue(unmaskedSession, options.envSecrets)
  const ctx = { ledger, session, cutoff: session.started_at, errorsPath: options.errorsPath ?? null }
  const projects = projectVerdicts(ctx)
  const totals = totalsOf(projects)
  const sections: ReportSections = {}
  const put = <K extends keyof ReportSections>(key: K, value: ReportSections[K] | undefined) => {
    if (value === undefined || (Array.isArray(value) && value.length === 0)) return
    sections[key] = value
  }
  put('recent_sessions', recentSessions(ctx))
  put(
    'projects',
    projects.filter((p) => !p.project.startsWith('drift:')),
  )
  put('gates', gateVerdicts(ctx))
  put('failing_tests', failingTests(ctx))
  put('findings', findingRows(ctx))
  put('questions', sessionQuestions(ctx))
  put('outstanding_questions', outstandingQuestions(ctx))
  put('flaky_tests', flakyTests(ctx))
  put('slowest_tests', slowestTests(ctx))
  put('coverage', coverageSection(ctx))
  put('drift_matrix', driftMatrix(ctx, projects))
  const { training, system } = trainingSections(ctx)
  put('training', training)
  put('system_metrics', system)
  put('ungated_commits', ungatedCommits(ctx))

  const count =
    ledger.get<{ n: number }>('SELECT COUNT(*) AS n FROM sessions WHERE started_at <= ?', ctx.cutoff)?.n ?? 0
  const summary: ReportSummary = {
    schema: 1,
    sessions_in_ledger: count,
    session: {
      id: session.id,
      kind: session.kind,
      status: session.status,
      command: session.command,
      started_at: session.started_at,
      ended_at: session.ended_at,
      duration_ms: session.duration_ms,
      git_sha: session.git_sha,
      git_branch: session.git_branch,
      git_dirty: session.git_dirty === null ? null : session.git_dirty === 1,
      host: session.host,
      node_version: session.node_version,
      os: session.os,
      totals,
    },
    sections,
  }
  return summary
}
