import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { childEnv, REPO_ROOT } from './temp-dir.ts'

const TSX = join(REPO_ROOT, 'node_modules', '.bin', 'tsx')
const RUNNER = join(REPO_ROOT, 'specs', 'adapters', 'reporter', 'run-fixture-vitest.ts')
const SUITE = join(REPO_ROOT, 'specs', 'fixtures', 'reporter', 'suite')

/** Runs the fixture suite through real Vitest with the ledger reporter; returns exit code. */
export function runFixture(
  ledgerPath: string,
  root = SUITE,
  extra: Record<string, string> = {},
): { code: number; output: string } {
  try {
    const output = execFileSync(TSX, [RUNNER, root], {
      env: childEnv(ledgerPath, extra),
      encoding: 'utf8',
      stdio: 'pipe',
      timeout: 60_000,
    })
    return { code: 0, output }
  } catch (error) {
    const e = error as { status: number; stdout: string; stderr: string }
    return { code: e.status, output: `${e.stdout}${e.stderr}` }
  }
}
