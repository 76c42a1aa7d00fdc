// Runs real Vitest on a Python fixture repository with only its python-drift projects and the
// ledger reporter; used by the python-drift specs as a child process (their own Vitest is not disturbed).
import { startVitest } from 'vitest/node'
import LedgerReporter from '../../../src/adapters/reporter/ledger-reporter.ts'
import { pythonDriftProjects } from '../../../src/adapters/vitest/python-drift-projects.ts'

const root = process.argv[2]
if (!root) throw new Error('usage: run-python-drift-fixture.ts <python-repo-root>')
const vitest = await startVitest('test', [], {
  root,
  config: false,
  watch: false,
  projects: pythonDriftProjects(root),
  reporters: ['default', new LedgerReporter({ render: false })],
})
await vitest?.close()
process.exit(process.exitCode ?? 0)
