// Runs real Vitest with coverage on a fixture project, with the ledger reporter and the coverage
// options of src/domain/coverage (as vitest.config.ts sets them), once per step of a plan:
//   tsx run-coverage-fixture.ts <root> <output-dir> '[{"env":{…},"filters":[…]}, …]'
// Steps run one after another in this one process (a Vitest start-up each, no process start-up);
// after each, `[step N exit C]` goes to stdout and stderr. A child process, so the spec's own
// Vitest is not disturbed.
import { join } from 'node:path'
import { startVitest } from 'vitest/node'
import LedgerReporter from '../../../src/adapters/reporter/ledger-reporter.ts'
import { coverageOptions } from '../../../src/adapters/vitest/coverage-options.ts'

interface Step {
  env?: Record<string, string>
  filters?: string[]
}

const [root, output, planJson] = process.argv.slice(2)
if (!root || !output) throw new Error('usage: run-coverage-fixture.ts <fixture-root> <output-dir> [plan-json]')
const plan = JSON.parse(planJson ?? '[{}]') as Step[]
const codes: number[] = []
for (const [i, step] of plan.entries()) {
  const saved = { ...process.env }
  Object.assign(process.env, step.env) // fork workers inherit it
  process.exitCode = 0
  const vitest = await startVitest(
    'test',
    step.filters ?? [],
    {
      root,
      config: false,
      watch: false,
      include: ['*.fixture.ts'],
      coverage: { ...coverageOptions(root), enabled: true, reportsDirectory: join(output, 'coverage-output') },
      reporters: ['default', new LedgerReporter({ render: false })],
    },
    { cacheDir: join(output, 'vite-cache') },
  )
  await vitest?.close()
  const code = Number(process.exitCode ?? 0)
  codes.push(code)
  process.env = saved
  process.stdout.write(`\n[step ${i} exit ${code}]\n`)
  process.stderr.write(`\n[step ${i} exit ${code}]\n`)
}
process.stdout.write(`${JSON.stringify({ codes })}\n`)
process.exit(0)
