// Spawns specs/coverage/run-coverage-fixture.ts on the coverage fixture project.
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { childEnv, REPO_ROOT } from '../../support/temp-dir.ts'

export const COVERAGE_FIXTURE = join(REPO_ROOT, 'specs', 'fixtures', 'coverage', 'project')
const TSX = join(REPO_ROOT, 'node_modules', '.bin', 'tsx')
const RUNNER = join(REPO_ROOT, 'specs', 'domain', 'coverage', 'run-coverage-fixture.ts')

export interface FixtureStep {
  env?: Record<string, string>
  filters?: string[]
}

export interface FixtureRuns {
  /** Exit code of each step. */
  codes: number[]
  /** stderr of each step. */
  stderr: string[]
  output: string
}

/**
 * Vitest runs with coverage and the ledger reporter, one per step, in one child process;
 * archives go to `<out>/reports`. `env` reaches every step (e.g. a drift cell's hook).
 */
export function runCoverageFixture(ledgerPath: string, out: string, steps: FixtureStep[] = [{}]): FixtureRuns {
  const run = spawnSync(TSX, [RUNNER, COVERAGE_FIXTURE, out, JSON.stringify(steps)], {
    env: childEnv(ledgerPath, { CODEX_REPORTS_DIR: join(out, 'reports') }),
    encoding: 'utf8',
    timeout: 60_000 * steps.length,
  })
  const output = `${run.stdout}${run.stderr}`
  const last = run.stdout.trim().split('\n').at(-1) ?? ''
  if (run.status !== 0 || !last.startsWith('{"codes"'))
    throw new Error(`the coverage fixture runner failed (exit ${run.status}):\n${output}`)
  const { codes } = JSON.parse(last) as { codes: number[] }
  return { codes, stderr: run.stderr.split(/\n\[step \d+ exit \d+\]\n/), output }
}
