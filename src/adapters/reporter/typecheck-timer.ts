import type { TestModule } from 'vitest/node'

/**
 * Durations for type-check tests (`*.test-d.ts`, Vitest's typecheck mode), which Vitest 4.1
 * leaves without any: their cases have no `diagnostic()`, their modules' diagnostics are all 0.
 * What exists is one `tsc` pass per project that decides every type-check case at once: Vitest
 * reports the modules queued and collected when tsc starts and ended when its output is parsed.
 * The pass's wall time is shared evenly among the cases it checked, so per-project sums of
 * `duration_ms` add up to the time tsc took rather than to that time once per case or module.
 */
export class TypecheckTimer {
  private readonly passes = new Map<string, Pass>()

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Call from `onTestModuleCollected`: a type-check module joins its project's running pass. */
  collected(testModule: TestModule): void {
    if (!isTypecheckModule(testModule)) return
    const key = testModule.project.name
    let pass = this.passes.get(key)
    if (!pass || pass.endedAt !== undefined) {
      pass = { startedAt: this.now(), cases: 0, endedAt: undefined }
      this.passes.set(key, pass)
    }
    for (const testCase of testModule.children.allTests()) if (testCase.options.mode === 'run') pass.cases++
  }

  /**
   * Call from `onTestModuleEnd`: each checked case's share of its pass in ms, or undefined for a
   * module that is not type-checked (or whose collection was not seen).
   */
  caseShare(testModule: TestModule): number | undefined {
    if (!isTypecheckModule(testModule)) return undefined
    const pass = this.passes.get(testModule.project.name)
    if (!pass || pass.cases === 0) return undefined
    pass.endedAt ??= this.now() // the first module to end closes the pass; the rest end with it
    return Math.round(((pass.endedAt - pass.startedAt) / pass.cases) * 1000) / 1000
  }
}

// --- internal ---

interface Pass {
  startedAt: number
  cases: number
  endedAt: number | undefined
}

function isTypecheckModule(testModule: TestModule): boolean {
  return (testModule.meta() as { typecheck?: boolean }).typecheck === true
}
