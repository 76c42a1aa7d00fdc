// Runs real Vitest programmatically on a fixture project with the ledger reporter; used by the
// reporter specs as a child process (so the spec's own Vitest is not disturbed).
import { startVitest } from 'vitest/node'
import LedgerReporter from '../../../src/adapters/reporter/ledger-reporter.ts'

const root = process.argv[2]
if (!root) throw new Error('usage: run-fixture-vitest.ts <fixture-root>')
const vitest = await startVitest('test', [], {
  root,
  watch: false,
  reporters: ['default', new LedgerReporter({ render: false })],
})
await vitest?.close()
process.exit(process.exitCode ?? 0)
