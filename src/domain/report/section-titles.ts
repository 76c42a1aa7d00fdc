import type { ReportSections } from './report-summary.ts'

/** Section headings, in page order; the HTML ids and the summary.json keys are the same names. */
export const SECTION_TITLES: { readonly [K in keyof Required<ReportSections>]: string } = {
  projects: 'Verdict per project',
  gates: 'Verdict per gate',
  failing_tests: 'Failing tests',
  findings: 'Findings',
  questions: 'Error-capture questions',
  outstanding_questions: 'Outstanding questions',
  flaky_tests: 'Flaky tests',
  slowest_tests: 'Slowest tests',
  coverage: 'Coverage',
  drift_matrix: 'Drift matrix',
  training: 'Training runs',
  system_metrics: 'System metrics',
  ungated_commits: 'Ungated commits',
  recent_sessions: 'Recent sessions',
}

/** The keys of the sections present in `sections`, in page order. */
export function presentSections(sections: ReportSections): (keyof ReportSections)[] {
  return (Object.keys(SECTION_TITLES) as (keyof ReportSections)[]).filter((k) => sections[k] !== undefined)
}
