// Child process for the concurrency spec: records N sessions, each in its own transaction,
// into the ledger at CODEX_LEDGER, as a reporter would.
import { randomUUID } from 'node:crypto'
import { hostname } from 'node:os'
import { resolveLedgerPath } from '../../src/ledger/ledger-path.ts'
import { openLedger } from '../../src/ledger/open-ledger.ts'

const count = Number(process.argv[2] ?? 500)
const worker = process.argv[3] ?? '0'
const ledger = openLedger(resolveLedgerPath())
for (let i = 0; i < count; i++) {
  const id = randomUUID()
  ledger.write([
    {
      rid: randomUUID(),
      table: 'sessions',
      row: {
        id,
        kind: `worker-${worker}`,
        status: 'passed',
        started_at: new Date().toISOString(),
        host: hostname(),
        pid: process.pid,
        tests_total: 1,
      },
    },
    {
      rid: randomUUID(),
      table: 'test_results',
      row: { session_id: id, project: 'p', file: 'f', name: `t${i}`, state: 'passed' },
    },
  ])
}
ledger.close()
