import type { Reporter, TestModule, Vitest } from 'vitest/node'
import type { RanOn } from '../../ledger/ledger-meta.ts'
import { disableThresholds } from '../vitest/full-run.ts'

/**
 * The reporter a shard runs beside Vitest's blob reporter (`codex-gates run --shard`). It stamps
 * every test's meta with the host and shard that ran it, and the file relative to this checkout,
 * so the merged session (`codex-gates merge`, maybe on another machine, at another path) keeps
 * both per row: the blob carries task meta through the merge. It also turns coverage thresholds
 * off: a shard covers part of the code, so thresholds (and the ratchet) apply at the merge only.
 */
export class ShardStampReporter implements Reporter {
  private vitest: Vitest | undefined

  constructor(private readonly ranOn: RanOn) {}

  onInit(vitest: Vitest): void {
    this.vitest = vitest
  }

  /** Before onTestRunEnd, where the blob reporter serialises the modules. */
  onTestModuleEnd(testModule: TestModule): void {
    for (const testCase of testModule.children.allTests()) {
      const meta = testCase.meta()
      const current = meta.codexLedger ?? {}
      meta.codexLedger = { ...current, file: current.file ?? testModule.relativeModuleId, ranOn: this.ranOn }
    }
  }

  /** Before Vitest checks thresholds (see full-run.ts). */
  onCoverage(): void {
    if (this.vitest) disableThresholds(this.vitest)
  }
}
