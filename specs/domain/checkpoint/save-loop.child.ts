// Child of checkpoint-fault.spec.ts: resumes from the latest checkpoint in <dir> (if any) and
// saves faultState(step, seed) for step = latest + 1, + 2, … until killed, printing
// "saved <step>" after each commit. Usage: node --import tsx save-loop.child.ts <dir> <seed>
import { CheckpointManager } from '../../../src/domain/checkpoint/checkpoint-manager.ts'
import { isUserError } from '../../../src/foundation/errors/user-error.ts'
import { resolveLedgerPath } from '../../../src/ledger/ledger-path.ts'
import { openLedger } from '../../../src/ledger/open-ledger.ts'
import { faultState } from './synthetic-state.ts'

const [dir, seedText] = process.argv.slice(2)
if (!dir || !seedText) throw new Error('usage: save-loop.child.ts <dir> <seed>')
const seed = Number(seedText)
const ledger = openLedger(resolveLedgerPath())
const manager = new CheckpointManager({
  dir,
  runId: 'fault',
  ledger,
  monitor: 'loss',
  keepBest: 1,
  keepLast: 2,
  warn: (message) => process.stderr.write(`warning: ${message}\n`),
})

let step = 0
try {
  step = (await manager.resumeFrom('latest')).state.step + 1
} catch (error) {
  if (!isUserError(error) || error.code !== 'CHECKPOINT_NONE') throw error
}
for (;;) {
  // A loss that wanders, so best-k retention keeps changing its mind.
  await manager.save(faultState(step, seed), { loss: Math.abs(Math.sin(step * 1.7)) })
  process.stdout.write(`saved ${step}\n`)
  step++
}
