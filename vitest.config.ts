import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'
import { ledgerReporter } from './src/adapters/reporter/ledger-reporter-entry.ts'
import { coverageOptions } from './src/adapters/vitest/coverage-options.ts'
import { projects } from './vitest.workspace.ts'

export default defineConfig({
  test: {
    // Setting reporters replaces the default one: keep 'default' and add the ledger writer, loaded
    // prebuilt as plain JS (src/adapters/reporter/ledger-reporter-entry.ts says why).
    reporters: ['default', await ledgerReporter()],
    projects,
    // One worker per core. Vitest's own default in run mode is cores - 1, which is one worker on a
    // 2-core CI machine: 631 s of tests ran one file at a time in 776 s of wall time.
    maxWorkers: availableParallelism(),
    // Vite's transforms of our TypeScript persisted under node_modules/ across runs (keyed by file
    // content, config and coverage; `vitest --clearCache` drops them): a warm `npm run gates`
    // measured 1.89 → 1.29 s median. Vitest 5 turns this on by default.
    experimental: { fsModuleCache: true },
    // On with --coverage (npm test). From configs/coverage.json: thresholds per area (checked on
    // full runs only: the ledger reporter turns them off for a partial run) and the ratchet; a
    // no-op provider when @vitest/coverage-v8 cannot be loaded, so the run still completes.
    coverage: coverageOptions(fileURLToPath(new URL('.', import.meta.url))),
  },
})
