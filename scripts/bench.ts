import { publishBench } from '../src/app/bench/bench-report.ts'
import { BENCHES, type BenchName } from '../src/app/bench/registry.ts'
import { nearest } from '../src/foundation/cli/nearest.ts'
import { runMain } from '../src/foundation/cli/run-main.ts'
import { UserError } from '../src/foundation/errors/user-error.ts'

const HELP = `usage: npm run bench -- <name> [options]

Runs one benchmark, prints a table and writes reports/bench/<name>.json.
benchmarks: ${Object.keys(BENCHES).join(', ')}
`

await runMain(async (argv) => {
  const [name, ...rest] = argv
  if (!name || name === '--help' || name === '-h') {
    process.stdout.write(HELP)
    return name ? 0 : 2
  }
  if (!(name in BENCHES)) {
    const close = nearest(name, Object.keys(BENCHES))
    throw new UserError(
      'BENCH_UNKNOWN',
      `no benchmark named "${name}"`,
      `${close ? `did you mean ${close}? ` : ''}choose one of: ${Object.keys(BENCHES).join(', ')}`,
    )
  }
  const bench = await BENCHES[name as BenchName]()
  publishBench(await bench(rest))
  return 0
})
