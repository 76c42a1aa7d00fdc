import { normaliseError, type QuestionBlock } from './question-fingerprint.ts'
import type { ReportContext } from './report-context.ts'

/** What a question is about: a test, or a gate (with the gate spec's test when known). */
export type Target = ({ kind: 'test' } & TestRef) | { kind: 'gate'; gate: string; test?: TestRef }

/** A test by its identity in test_results. */
export type TestRef = { project: string | null; file: string | null; name: string }

/** `test <project> › <file> › <name>` or `gate <name>`. */
export function describeTarget(t: Target): string {
  if (t.kind === 'gate') return `gate ${t.gate}`
  return `test ${[t.project, t.file, t.name].filter(Boolean).join(' › ')}`
}

interface FailedTest {
  project: string | null
  file: string | null
  name: string
  error: string | null
}

/** Finds the test or gate a question is about, from the block's own fields or the session's failures. */
export class TargetFinder {
  private readonly failed = new Map<string, { tests: FailedTest[]; gates: string[] }>()
  /** Failed gates per session, read in one pass: gate_runs has no index on session_id. */
  private readonly failedGates = new Map<string, string[]>()

  constructor(private readonly ctx: ReportContext) {
    const rows = ctx.ledger.all<{ session_id: string; gate: string }>(
      "SELECT DISTINCT session_id, gate FROM gate_runs WHERE status = 'failed' ORDER BY session_id, gate",
    )
    for (const r of rows) {
      const list = this.failedGates.get(r.session_id)
      if (list) list.push(r.gate)
      else this.failedGates.set(r.session_id, [r.gate])
    }
  }

  find(b: QuestionBlock): Target | null {
    const { tests, gates } = this.failuresOf(b.session_id)
    let test: FailedTest | undefined
    if (b.name) test = { project: b.project ?? null, file: b.file ?? null, name: b.name, error: null }
    else test = matchTest(b, tests)
    const gate = b.gate ?? gates.find((g) => gateMatches(g, b, test))
    if (gate) return test ? { kind: 'gate', gate, test } : { kind: 'gate', gate }
    return test ? { kind: 'test', project: test.project, file: test.file, name: test.name } : null
  }

  private failuresOf(sessionId: string): { tests: FailedTest[]; gates: string[] } {
    let entry = this.failed.get(sessionId)
    if (!entry) {
      entry = {
        tests: this.ctx.ledger.all<FailedTest>(
          "SELECT project, file, name, error FROM test_results WHERE session_id = ? AND state = 'failed' ORDER BY id",
          sessionId,
        ),
        gates: this.failedGates.get(sessionId) ?? [],
      }
      this.failed.set(sessionId, entry)
    }
    return entry
  }
}

// --- internal ---

/** The reporter's defaults: step `test "<name>"`, context `project <p>, file <f>`; else the error itself. */
function matchTest(b: QuestionBlock, tests: readonly FailedTest[]): FailedTest | undefined {
  const inContext = (t: FailedTest) => b.context.includes(`project ${t.project}, file ${t.file}`)
  const byStep = tests.filter((t) => b.step === `test "${t.name}"`)
  if (byStep.length > 0) return byStep.find(inContext) ?? byStep[0]
  const byLoad = tests.find((t) => b.step === `loading test file ${t.file}`)
  if (byLoad) return byLoad
  const error = normaliseError(b.error)
  const byError = tests.filter((t) => t.error !== null && normaliseError(t.error).includes(error))
  if (byError.length === 1) return byError[0]
  return byError.find(inContext) ?? tests.find((t) => b.step.includes(t.name) && inContext(t))
}

function gateMatches(gate: string, b: QuestionBlock, test: FailedTest | undefined): boolean {
  if (test?.file && new RegExp(`(^|/)${escapeRegExp(gate)}\\.gate\\.[cm]?[jt]s$`).test(test.file)) return true
  return new RegExp(`(^|[^A-Za-z0-9_-])${escapeRegExp(gate)}([^A-Za-z0-9_-]|$)`).test(b.step)
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
