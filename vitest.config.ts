import { defineConfig } from 'vitest/config'
import { projects } from './vitest.workspace.ts'

export default defineConfig({
  test: {
    // Setting reporters replaces the default one: keep 'default' and add the ledger writer.
    reporters: ['default', './src/reporter/ledger-reporter.ts'],
    projects,
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      reportsDirectory: './reports/coverage',
      reporter: ['text-summary', 'json-summary'],
    },
  },
})
