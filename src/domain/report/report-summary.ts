/**
 * The shape of `reports/latest/summary.json`: everything the HTML and Markdown renders show, as
 * data. A section is present only when the ledger holds data for it. Bump `schema` on a breaking
 * change.
 */
export interface ReportSummary {
  schema: 1
  /** Sessions in the ledger up to and including the rendered one. */
  sessions_in_ledger: number
  session: SessionInfo | null
  sections: ReportSections
}

export interface SessionInfo {
  id: string
  kind: string
  status: string
  command: string | null
  started_at: string
  ended_at: string | null
  duration_ms: number | null
  git_sha: string | null
  git_branch: string | null
  git_dirty: boolean | null
  host: string | null
  node_version: string | null
  os: string | null
  totals: Tally
}

export interface Tally {
  total: number
  passed: number
  failed: number
  skipped: number
  todo: number
}

export type Verdict = 'passed' | 'failed' | 'skipped' | 'cached' | 'todo'

export interface ReportSections {
  recent_sessions?: RecentSession[]
  projects?: ProjectVerdict[]
  gates?: GateVerdict[]
  failing_tests?: FailingTest[]
  findings?: FindingRow[]
  questions?: QuestionRow[]
  outstanding_questions?: OutstandingQuestion[]
  flaky_tests?: FlakyTest[]
  slowest_tests?: TestTiming[]
  coverage?: CoverageSection
  drift_matrix?: DriftCell[]
  training?: TrainingSection
  system_metrics?: ChartData[]
  ungated_commits?: UngatedCommit[]
}

export interface RecentSession {
  id: string
  kind: string
  status: string
  started_at: string
  duration_ms: number | null
  git_sha: string | null
  passed: number
  failed: number
}

export interface ProjectVerdict extends Tally {
  project: string
  verdict: Verdict
  duration_ms: number
}

export interface GateVerdict {
  gate: string
  status: Verdict
  reason: string | null
  cached_from: string | null
  duration_ms: number | null
  findings: number
}

export interface FailingTest {
  project: string
  file: string
  name: string
  error: string
  duration_ms: number | null
}

export interface FindingRow {
  /** Element id in index.html: link to a finding with `index.html#<anchor>`. */
  anchor: string
  gate: string
  severity: string
  rule: string
  file: string | null
  line: number | null
  location: string
  message: string
  remediation: string | null
  fingerprint: string
}

export interface QuestionRow {
  ts: string
  step: string
  error: string
  context: string
  question: string
  fingerprint: string
}

export type QuestionStatus = 'Open' | 'Resolved'

/** One row of the outstanding-questions ledger: a distinct failure fingerprint over all sessions. */
export interface OutstandingQuestion {
  fingerprint: string
  step: string
  /** The recorded blocker: the failure's error, first line. */
  blocker: string
  first_seen: string
  last_seen: string
  last_session: string
  occurrences: number
  /** What must pass to resolve it: `test <project> › <file> › <name>` or `gate <name>`; null when unknown. */
  target: string | null
  status: QuestionStatus
  resolved_by: string | null
  resolved_at: string | null
  disposition: string
}

export interface FlakyTest {
  project: string
  file: string
  name: string
  git_sha: string | null
  passed: number
  failed: number
  retried: number
  reason: string
}

export interface TestTiming {
  project: string
  file: string
  name: string
  duration_ms: number
}

export interface CoverageSection {
  scopes: CoverageScope[]
  /** Lines % per scope (one series each) over the sessions that recorded coverage; null below 2 sessions. */
  trend: ChartData | null
}

export interface CoverageScope {
  scope: string
  lines_pct: number | null
  branches_pct: number | null
  functions_pct: number | null
  statements_pct: number | null
  /** Change in lines % against the previous session that recorded this scope. */
  lines_delta: number | null
}

export interface DriftCell extends Tally {
  project: string
  verdict: Verdict
  skip_reasons: string[]
}

export interface TrainingSection {
  /** `session`: runs recorded by this session; `recent`: the latest runs before it. */
  scope: 'session' | 'recent'
  runs: TrainingRunRow[]
  checkpoints: CheckpointRow[]
  charts: ChartData[]
}

export interface TrainingRunRow {
  id: string
  session_id: string | null
  backend: string | null
  device: string | null
  seed: number | null
  status: string
  steps: number | null
  last: Record<string, number | null>
  nan_metrics: string[]
  /** What the run started from: `registry:<name>`, the init_from folder, or null for a fresh init. */
  init: string | null
  /** LoRA settings in short (`LoRA r=4 α=8 c_attn,c_proj`), or null for full training. */
  adapter: string | null
  trainable_params: number | null
  total_params: number | null
}

export interface CheckpointRow {
  run_id: string
  step: number
  path: string
  sha256: string | null
  metric: number | null
  kept: boolean
  status: string
}

export interface ChartData {
  id: string
  title: string
  x_label: string
  y_label: string
  series: { name: string; points: [number, number | null][] }[]
}

export interface UngatedCommit {
  sha: string
  session_id: string | null
  at: string
  reason: string
}
