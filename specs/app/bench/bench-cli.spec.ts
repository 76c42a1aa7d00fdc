import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { benchCli } from '../../../src/app/bench/bench-cli.ts'
import { BENCHES } from '../../../src/app/bench/registry.ts'
import { memoryIo } from '../../../src/foundation/cli/io.ts'
import { runCommand } from '../../../src/foundation/cli/run-command.ts'
import { childEnv, REPO_ROOT, tempDir } from '../../support/temp-dir.ts'
import { userErrorOf } from '../../support/user-error.ts'

describe('benchCli', () => {
  test('--help lists every benchmark with its summary', async () => {
    const io = memoryIo()
    expect(await runCommand(benchCli, ['--help'], io)).toBe(0)
    for (const [name, loader] of Object.entries(BENCHES))
      expect(io.out).toMatch(
        new RegExp(`\\n  ${name} +${String(loader.summary).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n`),
      )
  })

  test("the summaries --help lists are the benchmarks' own, and each declares its options", async () => {
    for (const [name, loader] of Object.entries(BENCHES)) {
      const bench = await loader()
      expect(bench.name, name).toBe(name)
      expect(bench.summary, name).toBe(loader.summary)
      expect(Object.keys(bench.options ?? {}).length, name).toBeGreaterThan(0)
    }
  })

  test('a benchmark’s --help is generated from its declaration and measures nothing', async () => {
    const io = memoryIo()
    expect(await runCommand(benchCli, ['ledger', '--help'], io)).toBe(0)
    expect(io.out).toMatch(/^usage: npm run bench -- ledger \[options\]\n/)
    expect(io.out).toContain('--rows <n>')
    expect(io.out).toContain('(default: 100000)')
    expect(io.out).not.toContain('wrote ')
  })

  test('an unknown benchmark names the nearest one (exit 2); so does an unknown flag', async () => {
    const error = await userErrorOf(runCommand(benchCli, ['ledgr'], memoryIo()))
    expect(error).toMatchObject({
      code: 'BAD_USAGE',
      exitCode: 2,
      message: 'npm run bench --: unknown command "ledgr"',
      hint: 'did you mean `npm run bench -- ledger`? see `npm run bench -- --help`',
    })
    const flag = await userErrorOf(runCommand(benchCli, ['hook', '--run', '3'], memoryIo()))
    expect(flag).toMatchObject({ code: 'BAD_FLAG', hint: 'did you mean --runs? see `npm run bench -- hook --help`' })
    const against = await userErrorOf(
      runCommand(benchCli, ['hook', '--against', tempDir('not-a-checkout-')], memoryIo()),
    )
    expect(against).toMatchObject({ code: 'BAD_FLAG', exitCode: 2 })
    expect(against?.message).toMatch(/^--against .*not-a-checkout-.*: no \.husky\/launch\.mjs there$/)
  })

  test('the script: an unknown name exits 2 with the hint, no stack', () => {
    const dir = tempDir('bench-cli-')
    const r = spawnSync(join(REPO_ROOT, 'node_modules', '.bin', 'tsx'), ['scripts/bench.ts', 'secret'], {
      cwd: REPO_ROOT,
      env: childEnv(join(dir, 'ledger.db')),
      encoding: 'utf8',
    })
    expect(r.status).toBe(2)
    expect(r.stderr).toBe(
      'error: npm run bench --: unknown command "secret"\n' +
        '  hint: did you mean `npm run bench -- secrets`? see `npm run bench -- --help`\n',
    )
  }, 30_000)
})
